'use strict';
// Rewrite the table of contents between the toc markers of README.md.
const fs = require('fs');

const FILE = 'README.md';
const START = '<!-- toc -->';
const END = '<!-- tocstop -->';

function slug(text) {
  return text.toLowerCase().trim().replace(/[^\w\s-]/g, '').replace(/\s+/g, '-');
}

function buildToc(markdown) {
  const items = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const match = inFence ? null : line.match(/^(#{2,4})\s+(.+)$/);
    if (match) {
      const indent = '  '.repeat(match[1].length - 2);
      items.push(`${indent}- [${match[2]}](#${slug(match[2])})`);
    }
  }
  return items.join('\n');
}

const text = fs.readFileSync(FILE, 'utf8');
const start = text.indexOf(START);
const end = text.indexOf(END);
if (start === -1 || end < start) {
  console.error(`${FILE} has no ${START} ... ${END} markers`);
  process.exitCode = 1;
} else {
  const toc = buildToc(text);
  fs.writeFileSync(FILE, `${text.slice(0, start + START.length)}\n${toc}\n${text.slice(end)}`);
  console.log(`updated the table of contents of ${FILE}`);
}
