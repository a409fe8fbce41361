/**
 * The book's documentation pages (scripts/docs-pages.js): every docs page is rendered, and every
 * link between them, or to a chapter, points at a page of the site and an anchor that exists.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './notebook-runner';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script of the repository
const docsPages = require(path.join(ROOT, 'scripts', 'docs-pages.js')) as {
  writeDocsPages: (staging: string) => { page: string; title: string }[];
  slug: (text: string) => string;
};

test('docs pages: GitHub-style anchors', () => {
  assert.equal(docsPages.slug('Mean ± standard error over seeds'), 'mean--standard-error-over-seeds');
  assert.equal(docsPages.slug('<code>stochgrad init DIR</code>'), 'stochgrad-init-dir');
});

test('docs pages: every page rendered, every link inside the site resolves, anchors included', () => {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-docs-'));
  try {
    const pages = docsPages.writeDocsPages(staging);
    const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((name) => name.endsWith('.md'));
    for (const name of docs)
      assert.ok(
        pages.some((p) => p.page === `docs/${name.replace(/\.md$/, '.html')}`),
        name,
      );
    const chapters = fs.readdirSync(path.join(ROOT, 'notebooks')).filter((name) => name.endsWith('.ipynb'));
    const broken: string[] = [];
    for (const page of pages) {
      const html = fs.readFileSync(path.join(staging, page.page), 'utf8');
      for (const [, href] of html.matchAll(/href="([^"]+)"/g)) {
        if (/^[a-z]+:/i.test(href) || href.startsWith('../api/')) continue;
        const [target, anchor] = href.split('#');
        if (target.endsWith('.md') || target.includes('/src/')) continue; // a file of the repository, linked as written
        const file = target === '' ? page.page : path.posix.normalize(path.posix.join('docs', target));
        if (file.startsWith('docs/') === false) {
          const chapter = path.posix.basename(file).replace(/\.html$/, '.ipynb');
          if (file !== 'index.html' && !chapters.includes(chapter)) broken.push(`${page.page}: ${href}`);
          continue;
        }
        const full = path.join(staging, file);
        if (!fs.existsSync(full)) broken.push(`${page.page}: ${href} (no page)`);
        else if (anchor && !fs.readFileSync(full, 'utf8').includes(`id="${anchor}"`))
          broken.push(`${page.page}: ${href} (no anchor)`);
      }
    }
    assert.deepEqual(broken, []);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
});
