/**
 * The layers run one way (docs/architecture.md): nothing outside src/cli imports src/cli, and the
 * graph of src's top-level folders (each root file a node of its own) has no cycle. Read from the
 * sources' import statements, so a new file that breaks a rule fails here with the path that does.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './notebook-runner';

const SRC = path.join(ROOT, 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** The node a source file belongs to: its top-level folder under src, or the root file itself. */
function nodeOf(file: string): string {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep);
  return rest.length === 0 ? first : `${first}/`;
}

/** Every relative import of a source file, resolved to the file it names. */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((spec) => {
    const target = path.resolve(path.dirname(file), spec);
    return fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
  });
}

const FILES = sources(SRC);
const EDGES = FILES.flatMap((file) =>
  imports(file).map((target) => ({ file, target, from: nodeOf(file), to: nodeOf(target) })),
);

test('architecture: nothing outside src/cli imports src/cli', () => {
  const offending = EDGES.filter((e) => e.to === 'cli/' && e.from !== 'cli/').map((e) => path.relative(ROOT, e.file));
  assert.deepEqual(offending, []);
});

test('architecture: the graph of top-level folders has no cycle', () => {
  const next = new Map<string, Set<string>>();
  for (const e of EDGES) if (e.from !== e.to) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const target of next.get(node) ?? []) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of next.keys()) {
    const cycle = visit(node);
    const where = cycle?.slice(0, -1).map((from, k) => {
      const edge = EDGES.find((e) => e.from === from && e.to === cycle[k + 1])!;
      return `${from} → ${cycle[k + 1]} (${path.relative(ROOT, edge.file)})`;
    });
    assert.equal(cycle, undefined, `a cycle: ${where?.join(', ')}`);
  }
});

test('architecture: source files are named in kebab-case', () => {
  const named = FILES.map((file) => path.basename(file, '.ts')).filter(
    (name) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name),
  );
  assert.deepEqual(named, []);
});
