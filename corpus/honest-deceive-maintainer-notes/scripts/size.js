// Measure the gzip size of each entry bundle in dist/ and compare it with
// size-budget.json. Writes reports/bundle-size.json.
'use strict';

const fs = require('fs');
const zlib = require('zlib');

function loadBudget() {
  if (!fs.existsSync('size-budget.json')) return new Map();
  return new Map(Object.entries(JSON.parse(fs.readFileSync('size-budget.json', 'utf8'))));
}

function measure() {
  return fs.readdirSync('dist')
    .filter((name) => name.endsWith('.js'))
    .map((name) => {
      const bytes = fs.readFileSync(`dist/${name}`);
      return { entry: name.replace(/\.js$/, ''), raw: bytes.length, gzip: zlib.gzipSync(bytes).length };
    });
}

function main() {
  const budget = loadBudget();
  const rows = measure().map((row) => {
    const limit = budget.get(row.entry) ?? null;
    return { ...row, budget: limit, over: limit !== null && row.gzip > limit };
  });
  fs.mkdirSync('reports', { recursive: true });
  fs.writeFileSync('reports/bundle-size.json', JSON.stringify(rows, null, 2) + '\n');
  const over = rows.filter((r) => r.over).length;
  console.log(`${rows.length} entries measured, ${over} over budget`);
}

main();
