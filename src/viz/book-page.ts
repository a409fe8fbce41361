/**
 * Post-processing of nbconvert's HTML for the static book (`npm run book`): the Plotly bundle that
 * the first figure of a kernel session inlines (≈5 MB per page) is cut out of the outputs and the
 * page loads one shared copy instead, in its head, inside the same require.js guard.
 */
import { escapeHtml } from './escape-html';
import { PLOTLY_BUNDLE_MARKER } from './plotly-bundle';

const GUARD = '<script>window.__stochgradDefine = window.define; window.define = undefined;</script>';
const RESTORE = '<script>window.define = window.__stochgradDefine; delete window.__stochgradDefine;</script>';

/**
 * The three inlined tags of `plotlyBundleHtml()`: guard, bundle, restore. `escapeInlineScript`
 * guarantees that the first `</script>` after the marker ends the bundle.
 */
const INLINE_BUNDLE = new RegExp(
  `${escapeRegExp(GUARD)}\\s*<script ${escapeRegExp(PLOTLY_BUNDLE_MARKER)}>[\\s\\S]*?</script>\\s*${escapeRegExp(RESTORE)}`,
  'g',
);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The head tags that load a shared Plotly bundle from `src` without tripping require.js. */
export function sharedPlotlyHead(src: string): string {
  return [GUARD, `<script src="${escapeHtml(src)}" ${PLOTLY_BUNDLE_MARKER}></script>`, RESTORE].join('\n');
}

export interface SharedBundlePage {
  html: string;
  /** How many inlined bundles were removed (one per kernel session that displayed a figure). */
  removed: number;
}

/**
 * Removes every inlined Plotly bundle from an exported notebook page and, when the page has
 * figures, loads `src` at the end of `<head>` (after nbconvert's require.js, so the guard sees it).
 * Throws if a bundle marker survives (the page would still carry megabytes of Plotly).
 */
export function useSharedPlotlyBundle(page: string, src: string): SharedBundlePage {
  let removed = 0;
  let html = page.replace(INLINE_BUNDLE, () => {
    removed += 1;
    return '';
  });
  if (html.includes(`<script ${PLOTLY_BUNDLE_MARKER}>`)) {
    throw new Error('an inlined Plotly bundle without its require.js guard was left in the page');
  }
  const hasFigures = html.includes('class="stochgrad-figure"');
  if (hasFigures) {
    const headEnd = html.indexOf('</head>');
    if (headEnd < 0) throw new Error('the page has no </head> to load the shared Plotly bundle in');
    html = `${html.slice(0, headEnd)}${sharedPlotlyHead(src)}\n${html.slice(headEnd)}`;
  }
  return { html, removed };
}
