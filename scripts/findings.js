#!/usr/bin/env node
'use strict';
/**
 * The findings table of docs/findings.md, from the shipped results (`paperFindings`, the rule of
 * docs/findings.md):
 *
 *   node scripts/findings.js           prints the table
 *   node scripts/findings.js --write   writes it, and the table of shipped plans, into docs/findings.md
 *                                      between their markers
 *
 * Needs the built library (npm run build). test/findings.test.ts checks that the docs hold
 * exactly this table.
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const DOC = path.join(ROOT, 'docs', 'findings.md');

const { findingsTable, paperFindings, shippedPlansTable } = require(path.join(ROOT, 'dist', 'node.js'));

/** Each generated table and the markers it sits between in docs/findings.md. */
const TABLES = [
  { name: 'findings', table: findingsTable(paperFindings()) },
  { name: 'plans', table: shippedPlansTable() },
];
const markers = (name) => [`<!-- ${name}:start (node scripts/findings.js --write) -->`, `<!-- ${name}:end -->`];

if (!process.argv.includes('--write')) {
  for (const { table } of TABLES) process.stdout.write(`${table}\n\n`);
} else {
  let text = fs.readFileSync(DOC, 'utf8');
  for (const { name, table } of TABLES) {
    const [START, END] = markers(name);
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    if (start < 0 || end < start) {
      process.stderr.write(`findings: ${DOC} has no ${START} … ${END} markers\n`);
      process.exit(2);
    }
    text = `${text.slice(0, start + START.length)}\n${table}\n${text.slice(end)}`;
  }
  fs.writeFileSync(DOC, text);
  process.stdout.write(`findings: wrote ${TABLES.map((t) => t.name).join(' and ')} into ${path.relative(ROOT, DOC)}\n`);
}
