// Render the pricing table component to dist/table.html.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { PlanTable } from './PlanTable';

const table = renderToStaticMarkup(createElement(PlanTable));
const page = `<!doctype html>
<meta charset="utf-8">
<title>Pricing</title>
${table}
`;

mkdirSync('dist', { recursive: true });
writeFileSync('dist/table.html', page);
console.log('wrote dist/table.html');
