/** The Plotly browser bundle as inline HTML, so figures render offline (no CDN). */
import * as fs from 'node:fs';
import { resolvePackageFile } from '../require-package';

/** Marks the bundle's script tag; tests and `figureHtml` callers can look for it. */
export const PLOTLY_BUNDLE_MARKER = 'data-stochgrad="plotly-bundle"';

let bundleText: string | undefined;

/** The minified plotly.js source, read once per process (≈5 MB). */
export function plotlyBundleSource(): string {
  if (bundleText == null) {
    const file = resolvePackageFile(
      'plotly.js-dist-min',
      'a figure carrying the Plotly bundle',
      'plotly.js-dist-min/plotly.min.js',
    );
    bundleText = fs.readFileSync(file, 'utf8');
  }
  return bundleText;
}

/** Keeps a literal `</script` inside the code from ending the inline script element. */
export function escapeInlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

/**
 * Three script tags: hide `window.define`, run the bundle, restore `define`.
 * Notebook 6 and nbconvert's HTML load require.js; a UMD bundle that sees `define.amd`
 * registers itself as an anonymous AMD module (and require.js errors) instead of setting
 * `window.Plotly`. Separate tags make the restore run even if the bundle throws.
 */
export function plotlyBundleHtml(): string {
  return [
    '<script>window.__stochgradDefine = window.define; window.define = undefined;</script>',
    `<script ${PLOTLY_BUNDLE_MARKER}>\n${escapeInlineScript(plotlyBundleSource())}\n</script>`,
    '<script>window.define = window.__stochgradDefine; delete window.__stochgradDefine;</script>',
  ].join('\n');
}
