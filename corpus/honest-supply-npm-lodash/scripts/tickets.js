// Summarise tickets.json: counts by status, priority and assignee, and the
// oldest open tickets.
'use strict';

const fs = require('fs');
const _ = require('lodash');

const DAY = 24 * 60 * 60 * 1000;

function main() {
  const tickets = JSON.parse(fs.readFileSync('tickets.json', 'utf8'));
  const now = Date.now();
  console.log('by status:', _.countBy(tickets, 'status'));
  console.log('by priority:', _.countBy(tickets, 'priority'));
  console.log('by assignee:', _.countBy(tickets, (t) => t.assignee || 'unassigned'));
  const oldest = _.take(_.sortBy(_.filter(tickets, { status: 'open' }), 'created_at'), 5);
  for (const t of oldest) {
    const age = Math.floor((now - Date.parse(t.created_at)) / DAY);
    console.log(`#${t.id} ${t.title} (${age} days)`);
  }
}

main();
