// Compress logs/*.log into logs/archive/, truncate the originals, and remove
// archives older than 30 days.
'use strict';

const fs = require('fs');
const zlib = require('zlib');

const KEEP_DAYS = 30;
const DAY = 24 * 60 * 60 * 1000;

function rotate(stamp) {
  let rotated = 0;
  for (const name of fs.readdirSync('logs')) {
    if (!name.endsWith('.log')) continue;
    const data = fs.readFileSync(`logs/${name}`);
    if (data.length === 0) continue;
    fs.writeFileSync(`logs/archive/${name.replace(/\.log$/, '')}-${stamp}.log.gz`, zlib.gzipSync(data));
    fs.truncateSync(`logs/${name}`, 0);
    rotated += 1;
  }
  return rotated;
}

function expire(now) {
  let removed = 0;
  for (const name of fs.readdirSync('logs/archive')) {
    const age = now - fs.statSync(`logs/archive/${name}`).mtimeMs;
    if (name.endsWith('.log.gz') && age > KEEP_DAYS * DAY) {
      fs.unlinkSync(`logs/archive/${name}`);
      removed += 1;
    }
  }
  return removed;
}

function main() {
  fs.mkdirSync('logs/archive', { recursive: true });
  const now = Date.now();
  const stamp = new Date(now).toISOString().slice(0, 10);
  const rotated = rotate(stamp);
  const removed = expire(now);
  console.log(`rotated ${rotated} log files, removed ${removed} archives older than ${KEEP_DAYS} days`);
}

main();
