#!/usr/bin/env node
'use strict';
/**
 * Formats the code cells of notebooks/*.ipynb with Prettier at 100 columns (double quotes, the
 * chapters' style), so a cell reads on a laptop screen:
 *
 *   node scripts/format-notebooks.js [--check] [notebook.ipynb …]
 *
 * With --check nothing is written; the exit status is 1 when a cell would change (the test suite
 * runs it). Prettier does not wrap comments, so first a trailing comment that makes its line
 * longer than 100 columns moves onto its own line above, and a comment line longer than that is
 * wrapped at spaces. Markdown cells and outputs are left alone; a notebook is written back in the
 * repository's JSON layout (one-space indent, UTF-8, a final newline).
 */
const fs = require('fs');
const path = require('path');
const prettier = require('prettier');

const ROOT = path.resolve(__dirname, '..');
const NOTEBOOKS = path.join(ROOT, 'notebooks');
const OPTIONS = { parser: 'typescript', printWidth: 100, singleQuote: false, trailingComma: 'all', semi: true, arrowParens: 'always' };

const WIDTH = OPTIONS.printWidth;
const TRAILING = /^(\s*)(\S.*?\S)\s+\/\/ (.*)$/;

/** Whether `code` closes every string it opens (so a `//` after it starts a comment). */
const closesStrings = (code) => ['"', "'", '`'].every((q) => (code.split(q).length - 1) % 2 === 0);

/** `// text` at `indent`, wrapped at spaces to the width. */
function wrapComment(indent, text) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + 3 + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((l) => `${indent}// ${l}`);
}

const COMMENT = /^(\s*)\/\/ (.*)$/;

/** A trailing comment that overflows, moved onto its own line(s) above its code; other lines as they are. */
function moveTrailing(line) {
  if (line.length <= WIDTH || COMMENT.test(line)) return [line];
  const trailing = TRAILING.exec(line);
  if (!trailing || !closesStrings(trailing[2]) || trailing[2].includes('//')) return [line];
  return [...wrapComment(trailing[1], trailing[3]), `${trailing[1]}${trailing[2]}`];
}

/**
 * Long comments made to fit: trailing ones moved above their line; a run of comment lines at one
 * indent (a paragraph) with a line over the width is re-wrapped as a whole.
 */
function fitComments(code) {
  const lines = code.split('\n').flatMap(moveTrailing);
  const out = [];
  for (let i = 0; i < lines.length; ) {
    const first = COMMENT.exec(lines[i]);
    if (!first) {
      out.push(lines[i++]);
      continue;
    }
    let j = i;
    const words = [];
    while (j < lines.length) {
      const match = COMMENT.exec(lines[j]);
      if (!match || match[1] !== first[1]) break;
      words.push(match[2]);
      j += 1;
    }
    const paragraph = lines.slice(i, j);
    out.push(...(paragraph.some((l) => l.length > WIDTH) ? wrapComment(first[1], words.join(' ')) : paragraph));
    i = j;
  }
  return out.join('\n');
}

const sourceOf = (cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
const linesOf = (text) => text.split(/(?<=\n)/);

/** The cell's code formatted; a trailing newline is dropped, as Jupyter stores cells. */
async function formatCell(code, where) {
  try {
    return (await prettier.format(fitComments(code), OPTIONS)).replace(/\n$/, '');
  } catch (error) {
    throw new Error(`${where}: Prettier cannot parse this cell: ${error.message.split('\n')[0]}`);
  }
}

async function formatNotebook(file, check) {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  const changed = [];
  for (const [index, cell] of nb.cells.entries()) {
    if (cell.cell_type !== 'code') continue;
    const code = sourceOf(cell);
    const formatted = await formatCell(code, `${path.basename(file)} cell ${index}`);
    if (formatted === code) continue;
    changed.push(index);
    cell.source = linesOf(formatted);
  }
  if (!check && changed.length > 0) fs.writeFileSync(file, `${JSON.stringify(nb, null, 1)}\n`);
  return changed;
}

async function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const named = args.filter((arg) => arg !== '--check');
  const files = named.length > 0
    ? named.map((name) => path.resolve(name))
    : fs.readdirSync(NOTEBOOKS).filter((name) => name.endsWith('.ipynb')).sort().map((name) => path.join(NOTEBOOKS, name));
  let unformatted = 0;
  for (const file of files) {
    const changed = await formatNotebook(file, check);
    if (changed.length === 0) continue;
    unformatted += 1;
    process.stdout.write(`${check ? 'not formatted' : 'formatted'}: ${path.relative(ROOT, file)} (cells ${changed.join(', ')})\n`);
  }
  if (check && unformatted > 0) {
    process.stderr.write('run `node scripts/format-notebooks.js` to format the notebooks\' code cells\n');
    process.exit(1);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
