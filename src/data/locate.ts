/** Where IDX data sets are looked for: candidate directories in order, first complete one wins. */
import * as fs from 'fs';
import * as path from 'path';
import { DataFileError, IDX_FILES } from './idx';

/** The environment variable naming a directory that holds the Fashion-MNIST IDX files. */
export const DATA_DIR_ENV = 'STOCHGRAD_DATA_DIR';
/** Where Debian's package `dataset-fashion-mnist` installs the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_HINT =
  'Get Fashion-MNIST with `apt-get install dataset-fashion-mnist` (Debian), or put its four IDX files ' +
  `(raw or .gz) in data/fashion-mnist/ of the project, or in a directory named by ${DATA_DIR_ENV}.`;

export interface Candidate {
  dir: string;
  /** Why this directory is searched, e.g. `STOCHGRAD_DATA_DIR`. */
  source: string;
}

/** Paths of the four IDX files, each raw or `.gz`. */
export type IdxPaths = Record<keyof typeof IDX_FILES, string>;

/** The stochgrad checkout or installed package: the nearest ancestor with stochgrad's package.json. */
export function projectRoot(from: string = __dirname): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    try {
      if (JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'stochgrad') return dir;
    } catch {
      // no readable package.json here: keep climbing
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Fashion-MNIST's directories in order of precedence: `$STOCHGRAD_DATA_DIR` (when set), the
 * project's `data/fashion-mnist/`, then Debian's `/usr/share/datasets/fashion-mnist`.
 */
export function fashionMnistCandidates(env: NodeJS.ProcessEnv = process.env): Candidate[] {
  const candidates: Candidate[] = [];
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv) candidates.push({ dir: path.resolve(fromEnv), source: DATA_DIR_ENV });
  const root = projectRoot();
  if (root) candidates.push({ dir: path.join(root, 'data', 'fashion-mnist'), source: 'the project' });
  candidates.push({ dir: DEBIAN_FASHION_MNIST_DIR, source: 'Debian package dataset-fashion-mnist' });
  return candidates;
}

/** `dir/base` if it is a file, else `dir/base.gz` if that is, else undefined (raw wins). */
export function findIdxFile(dir: string, base: string): string | undefined {
  for (const name of [base, `${base}.gz`]) {
    const file = path.join(dir, name);
    if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
  }
  return undefined;
}

/** The four files from the first candidate that holds all of them; else an error listing every candidate. */
export function locateIdxFiles(what: string, candidates: readonly Candidate[], hint: string): IdxPaths {
  const report: string[] = [];
  for (const { dir, source } of candidates) {
    const found = Object.entries(IDX_FILES).map(([key, base]) => [key, base, findIdxFile(dir, base)] as const);
    const missing = found.filter(([, , file]) => file === undefined).map(([, base]) => base);
    if (missing.length === 0) return Object.fromEntries(found.map(([key, , file]) => [key, file])) as IdxPaths;
    report.push(`  ${dir} (${source}): missing ${missing.join(', ')}`);
  }
  const first = candidates[0];
  const firstMissing = Object.values(IDX_FILES).find((base) => !findIdxFile(first.dir, base)) ?? IDX_FILES.trainImages;
  throw new DataFileError(
    path.join(first.dir, firstMissing),
    `${what} not found: no directory holds all four IDX files (raw or .gz). Looked in:\n${report.join('\n')}\n${hint}`,
  );
}
