/** Display helpers: figure specs, figure HTML (bundle once, require.js guard), HTML tables. */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  barChart,
  dataFrameHtml,
  dfd,
  PLOTLY_MIME_TYPE,
  figureDisplayBundle,
  figureDisplayHtml,
  figureHtml,
  figureMimeBundle,
  formatNumber,
  histogram,
  lineChart,
  resetPlotlyBundle,
  scatterChart,
  showFigure,
  showTable,
  type Figure,
} from '../src';
import { PLOTLY_BUNDLE_MARKER } from '../src/viz/plotly-bundle';
import { sharedPlotlyHead, useSharedPlotlyBundle } from '../src/viz/book-page';
import { plotlyBundleHtml } from '../src/viz/plotly-bundle';

const DEFINE_GUARD = 'window.__stochgradDefine = window.define; window.define = undefined;';
const DEFINE_RESTORE = 'window.define = window.__stochgradDefine;';

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The figure spec embedded in figureHtml's drawing script. */
function embeddedFigure(html: string): Figure {
  const match = /var fig = (.*);\n/.exec(html);
  assert.ok(match, 'figureHtml output has no `var fig = ...;` line');
  return JSON.parse(match[1]) as Figure;
}

describe('viz: chart builders', () => {
  test('titles are {text} objects on the figure and both axes', () => {
    const fig = lineChart({ x: [0, 1], y: [1, 2] }, { title: 'T', xTitle: 'φ', yTitle: 'σ' });
    assert.deepEqual(fig.layout.title, { text: 'T' });
    assert.deepEqual(fig.layout.xaxis?.title, { text: 'φ' });
    assert.deepEqual(fig.layout.yaxis?.title, { text: 'σ' });
    for (const other of [
      scatterChart({ x: [1], y: [2] }, { title: 'S' }),
      barChart({ x: ['a'], y: [2] }, { title: 'B' }),
      histogram({ values: [1, 2, 3] }, { title: 'H' }),
    ]) {
      assert.deepEqual(other.layout.title, { text: other.layout.title?.text });
      assert.equal(typeof other.layout.title, 'object');
    }
  });

  test('every builder applies the same house layout', () => {
    const figs = [
      lineChart({ x: [0], y: [0] }),
      scatterChart({ x: [0], y: [0] }),
      barChart({ x: ['a'], y: [0] }),
      histogram({ values: [0] }),
    ];
    for (const fig of figs) {
      assert.deepEqual(fig.layout.font, figs[0].layout.font);
      assert.deepEqual(fig.layout.colorway, figs[0].layout.colorway);
      assert.equal(fig.layout.height, figs[0].layout.height);
    }
    assert.equal(typeof figs[0].layout.font?.family, 'string');
  });

  test('axes label ticks as powers of ten, never SI prefixes (µ, m), log and linear alike', () => {
    const fig = scatterChart({ x: [1e-4, 1], y: [1e-6, 1] }, { logX: true, logY: true });
    assert.equal(fig.layout.xaxis?.type, 'log');
    assert.equal(fig.layout.xaxis?.exponentformat, 'power');
    assert.equal(fig.layout.yaxis?.exponentformat, 'power');
    assert.equal(lineChart({ x: [1, 2], y: [3e-6, 4e-6] }).layout.yaxis?.exponentformat, 'power');
  });

  test('scatter labels become per-point text; a wrong count names the series', () => {
    const fig = scatterChart({ x: [1, 2], y: [3, 4], labels: ['a', 'b'], name: 's' });
    assert.equal(fig.data[0].mode, 'markers+text');
    assert.deepEqual(fig.data[0].text, ['a', 'b']);
    assert.throws(() => scatterChart({ x: [1, 2], y: [3, 4], labels: ['a'] }), /labels/);
  });

  test('line and scatter traces carry the data; typed arrays are accepted', () => {
    const fig = lineChart([
      { x: new Float32Array([0, 0.5]), y: new Float32Array([1, 2]), name: 'a' },
      { x: [0, 0.5], y: [3, 4], name: 'b', dash: 'dash' },
    ]);
    assert.equal(fig.data.length, 2);
    assert.deepEqual(fig.data[0], {
      type: 'scatter',
      mode: 'lines',
      x: [0, 0.5],
      y: [1, 2],
      name: 'a',
      line: { width: 2.5 },
    });
    assert.equal(fig.data[1].line?.dash, 'dash');
    assert.equal(scatterChart({ x: [1], y: [1] }).data[0].mode, 'markers');
  });

  test('non-finite numbers become null gaps', () => {
    const fig = lineChart({ x: [0, 1, 2, 3], y: [NaN, Infinity, -Infinity, 1] });
    assert.deepEqual(fig.data[0].y, [null, null, null, 1]);
    assert.deepEqual(histogram({ values: [1, NaN] }).data[0].x, [1, null]);
  });

  test('histogram options map to Plotly bins and normalisation', () => {
    const fig = histogram([{ values: [1, 2] }, { values: [3] }], { bins: 30, normalize: 'probability density' });
    assert.equal(fig.data[0].nbinsx, 30);
    assert.equal(fig.data[1].histnorm, 'probability density');
    assert.equal(fig.layout.barmode, 'overlay');
  });

  test('x/y length mismatch names the series and both arrays', () => {
    assert.throws(
      () => lineChart({ x: [1, 2, 3], y: [1, 2] }),
      /^RangeError: lineChart: series: x has 3 values but y has 2/,
    );
    assert.throws(
      () =>
        scatterChart([
          { x: [1], y: [1] },
          { x: [1, 2], y: [1] },
        ]),
      /scatterChart: series\[1\]: x has 2 values but y has 1/,
    );
    assert.throws(() => barChart({ x: ['a', 'b'], y: [1] }), /barChart: series: x has 2 values but y has 1/);
  });

  test('bad inputs get errors naming the argument', () => {
    assert.throws(() => lineChart([]), /lineChart: series must not be empty/);
    assert.throws(
      () => lineChart({ x: 'abc' as never, y: [1] }),
      /lineChart: series\.x must be an array or typed array; got string/,
    );
    assert.throws(
      () => lineChart({ x: [1, 2], y: [1, '2' as never] }),
      /lineChart: series\.y\[1\] must be a number or null; got "2"/,
    );
    assert.throws(() => histogram({ values: [1] }, { bins: 0 }), /histogram: options\.bins must be a positive number/);
    assert.throws(
      () => lineChart({ x: [1], y: [1] }, { height: -5 }),
      /lineChart: options\.height must be a positive number/,
    );
  });
});

describe('viz: figureHtml', () => {
  const fig = lineChart({ x: [0, 1], y: [0, 1] }, { title: 'A </script><b>title</b>' });

  test('renders a div with the given id and a Plotly.newPlot script targeting it', () => {
    const html = figureHtml(fig, { id: 'fig-1' });
    assert.match(html, /<div id="fig-1" class="stochgrad-figure"/);
    assert.match(html, /var id = "fig-1";/);
    assert.match(html, /Plotly\.newPlot\(el, fig\.data, fig\.layout/);
    assert.equal(count(html, PLOTLY_BUNDLE_MARKER), 0, 'bundle included without includeBundle');
  });

  test('the embedded spec round-trips, and cannot close the script element', () => {
    const html = figureHtml(fig, { id: 'fig-2' });
    assert.equal(count(html, '</script>'), 1, 'only the drawing script may close a <script>');
    assert.deepEqual(embeddedFigure(html), JSON.parse(JSON.stringify(fig)));
  });

  test('ids are unique by default and validated when given', () => {
    const ids = [figureHtml(fig), figureHtml(fig)].map((h) => /<div id="([^"]+)"/.exec(h)?.[1]);
    assert.ok(ids[0] && ids[1] && ids[0] !== ids[1], `ids not unique: ${ids}`);
    assert.throws(() => figureHtml(fig, { id: 'x" onload="alert(1)' }), /options\.id must start with a letter/);
  });

  test('rejects string titles and mismatched traces in hand-written specs', () => {
    const stringTitle = { data: [], layout: { title: 'old style' } } as unknown as Figure;
    assert.throws(() => figureHtml(stringTitle), /fig\.layout\.title must be \{text: string\}/);
    const axisTitle = { data: [], layout: { xaxis: { title: 'x' } } } as unknown as Figure;
    assert.throws(() => figureHtml(axisTitle), /fig\.layout\.xaxis\.title must be \{text: string\}/);
    const mismatch: Figure = { data: [{ type: 'scatter', x: [1, 2], y: [1] }], layout: {} };
    assert.throws(() => figureHtml(mismatch), /fig\.data\[0\]: x has 2 values but y has 1/);
    assert.throws(() => figureHtml({ layout: {} } as unknown as Figure), /fig\.data must be an array/);
  });

  test('includeBundle inlines Plotly between the define guard and its restore', () => {
    const html = figureHtml(fig, { id: 'fig-3', includeBundle: true });
    const guard = html.indexOf(DEFINE_GUARD);
    const bundle = html.indexOf(PLOTLY_BUNDLE_MARKER);
    const restore = html.indexOf(DEFINE_RESTORE);
    const div = html.indexOf('<div id="fig-3"');
    assert.ok(
      guard >= 0 && bundle > guard && restore > bundle && div > restore,
      `expected guard ${guard} < bundle ${bundle} < restore ${restore} < div ${div}`,
    );
    assert.match(html, /plotly\.js v4\.\d+\.\d+/);
    assert.ok(html.length > 1_000_000, 'the inlined bundle should be megabytes, not a CDN link');
    assert.doesNotMatch(html, /<script[^>]+src=/, 'figures must not load scripts from the network');
  });
});

describe('viz: figureDisplayHtml (what showFigure sends)', () => {
  beforeEach(() => resetPlotlyBundle());
  const fig = barChart({ x: ['a', 'b'], y: [1, 2] });

  test('the Plotly bundle and define guard go out once per session', () => {
    const first = figureDisplayHtml(fig);
    const second = figureDisplayHtml(fig);
    const both = first + second;
    assert.equal(count(both, PLOTLY_BUNDLE_MARKER), 1);
    assert.equal(count(both, DEFINE_GUARD), 1);
    assert.equal(count(first, PLOTLY_BUNDLE_MARKER), 1, 'the first display must carry the bundle');
    assert.equal(count(both, 'Plotly.newPlot('), 2, 'each display draws its own figure');
  });

  test('resetPlotlyBundle makes the next display carry the bundle again', () => {
    figureDisplayHtml(fig);
    resetPlotlyBundle();
    assert.equal(count(figureDisplayHtml(fig), PLOTLY_BUNDLE_MARKER), 1);
  });
});

describe('viz: figureMimeBundle (one output, several MIME types)', () => {
  beforeEach(() => resetPlotlyBundle());

  test("carries Plotly's JSON {data, layout, config}, the drawing HTML and a text fallback", () => {
    const fig = lineChart({ x: [0, 1, 2], y: [1, Number.NaN, 3], name: 'y' }, { title: 'T' });
    const bundle = figureMimeBundle(fig, { id: 'f1' });
    assert.deepEqual(Object.keys(bundle).sort(), [PLOTLY_MIME_TYPE, 'text/html', 'text/plain'].sort());
    const json = bundle[PLOTLY_MIME_TYPE];
    assert.deepEqual(Object.keys(json).sort(), ['config', 'data', 'layout']);
    assert.deepEqual(json.data[0].y, [1, null, 3], 'non-finite numbers become null, as in the HTML');
    assert.deepEqual(json.layout, JSON.parse(JSON.stringify(fig.layout)));
    assert.deepEqual(json.config, fig.config ?? {});
    assert.equal(bundle['text/html'], figureHtml(fig, { id: 'f1' }));
    assert.equal(bundle['text/plain'], 'Plotly figure: T');
    assert.doesNotThrow(() => JSON.stringify(bundle));
  });

  test('validates the figure like figureHtml', () => {
    assert.throws(() => figureMimeBundle({ data: 'x' } as unknown as Figure), /fig\.data must be an array/);
  });

  test('figureDisplayBundle puts the Plotly bundle in the first HTML of a session only', () => {
    const fig = barChart({ x: ['a'], y: [1] });
    const first = figureDisplayBundle(fig);
    const second = figureDisplayBundle(fig);
    assert.equal(count(first['text/html'], PLOTLY_BUNDLE_MARKER), 1);
    assert.equal(count(second['text/html'], PLOTLY_BUNDLE_MARKER), 0);
    assert.ok(JSON.stringify(second[PLOTLY_MIME_TYPE]).length < 10_000, 'the JSON never carries the bundle');
  });
});

describe('viz: useSharedPlotlyBundle (the book pages)', () => {
  const fig = barChart({ x: ['a'], y: [1] });
  const page = (body: string) => `<html><head><script src="require.js"></script></head><body>${body}</body></html>`;

  test('cuts every inlined bundle out and loads the shared one once, after require.js, in the guard', () => {
    const body = [
      figureHtml(fig, { includeBundle: true }),
      figureHtml(fig),
      figureHtml(fig, { includeBundle: true }),
    ].join('\n');
    const { html, removed } = useSharedPlotlyBundle(page(body), 'plotly.min.js');
    assert.equal(removed, 2);
    assert.ok(html.length < 20_000, `${html.length} bytes left`);
    assert.equal(count(html, 'Plotly.newPlot('), 3, 'the drawing scripts stay');
    assert.equal(count(html, sharedPlotlyHead('plotly.min.js')), 1);
    assert.equal(count(html, DEFINE_GUARD), 1);
    const head = html.slice(0, html.indexOf('</head>'));
    assert.ok(
      head.indexOf('require.js') < head.indexOf('src="plotly.min.js"'),
      'the guard must run after require.js loaded',
    );
    assert.ok(head.indexOf(DEFINE_GUARD) < head.indexOf('src="plotly.min.js"'));
    assert.ok(head.indexOf('src="plotly.min.js"') < head.indexOf(DEFINE_RESTORE));
  });

  test('a page without figures is left alone', () => {
    const original = page('<p>no charts</p>');
    assert.deepEqual(useSharedPlotlyBundle(original, 'plotly.min.js'), { html: original, removed: 0 });
  });

  test('a bundle that lost its guard is an error, not megabytes left behind', () => {
    const unguarded = plotlyBundleHtml()
      .split('\n')
      .filter((line) => !line.includes('__stochgradDefine = window.define'))
      .join('\n');
    assert.throws(
      () => useSharedPlotlyBundle(page(unguarded + figureHtml(fig)), 'plotly.min.js'),
      /without its require\.js guard/,
    );
  });
});

describe('viz: tslab adapter outside a kernel', () => {
  beforeEach(() => resetPlotlyBundle());

  test('showFigure and showTable throw a clear error and do not mark the bundle as sent', () => {
    const fig = lineChart({ x: [0], y: [0] });
    assert.throws(() => showFigure(fig), /showFigure\(\) needs a running Jupyter kernel, tslab or Deno/);
    assert.throws(() => showTable([{ a: 1 }]), /showTable\(\) needs a running Jupyter kernel, tslab or Deno/);
    assert.equal(count(figureDisplayHtml(fig), PLOTLY_BUNDLE_MARKER), 1);
  });
});

describe("viz: Deno's kernel", () => {
  beforeEach(() => resetPlotlyBundle());

  test('showFigure and showTable send the same MIME bundle through Deno.jupyter.display, raw, and resolve after it', async () => {
    const sent: { data: Record<string, unknown>; options: unknown }[] = [];
    const global = globalThis as { Deno?: unknown };
    global.Deno = {
      jupyter: {
        display: (data: Record<string, unknown>, options: unknown) => {
          sent.push({ data, options });
          return Promise.resolve();
        },
      },
    };
    try {
      const fig = lineChart({ x: [0, 1], y: [1, 2] });
      await showFigure(fig);
      await showFigure(fig);
      await showTable([{ a: 1 }]);
      // A display still in flight keeps showTable's promise pending.
      let release = () => {};
      let settled = false;
      (global.Deno as { jupyter: { display: unknown } }).jupyter.display = () =>
        new Promise<void>((resolve) => (release = resolve));
      const pending = showTable([{ a: 2 }]).then(() => (settled = true));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(settled, false, 'resolved before the display did');
      release();
      await pending;
    } finally {
      delete global.Deno;
    }
    assert.equal(sent.length, 3);
    assert.deepEqual(Object.keys(sent[0].data).sort(), ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
    assert.deepEqual(sent[0].options, { raw: true });
    assert.equal(
      count(sent[0].data['text/html'] as string, PLOTLY_BUNDLE_MARKER),
      1,
      'the first figure carries Plotly',
    );
    assert.equal(count(sent[1].data['text/html'] as string, PLOTLY_BUNDLE_MARKER), 0, 'once per session');
    assert.deepEqual(Object.keys(sent[2].data), ['text/html']);
  });
});

describe('viz: dataFrameHtml', () => {
  test('shows the columns, index and rows of a danfojs DataFrame', () => {
    const df = new dfd.DataFrame({ phi: [-1, 0, 2], label: ['neg', 'zero', 'pos'] });
    const html = dataFrameHtml(df);
    const headers = [...html.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    assert.deepEqual(headers, ['', 'phi', 'label', '0', '1', '2']);
    const cells = [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(cells, ['-1', 'neg', '0', 'zero', '2', 'pos']);
    assert.equal(count(html, '<tr>'), 4);
  });

  test('escapes HTML in column names and cells', () => {
    const df = new dfd.DataFrame({ '<b>col</b>': ['<script>alert("x")</script>', 'a & b'] });
    const html = dataFrameHtml(df);
    assert.ok(!html.includes('<script>') && !html.includes('<b>'), html);
    assert.ok(html.includes('&lt;b&gt;col&lt;/b&gt;'));
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    assert.ok(html.includes('a &amp; b'));
  });

  test('formats float32 noise away and right-aligns numeric columns', () => {
    const df = new dfd.DataFrame({ sigma: [0.2689414213699951, 1e-7, 123456789.5] });
    const html = dataFrameHtml(df, { digits: 3 });
    assert.ok(html.includes('>0.269</td>'), html);
    assert.ok(html.includes('>1.00e-7</td>'), html);
    assert.ok(html.includes('>1.23e+8</td>'), html);
    assert.match(html, /<td style="text-align:right[^"]*">0\.269<\/td>/);
  });

  test('accepts plain records, filling missing fields with blanks', () => {
    const html = dataFrameHtml([
      { a: 1, b: 'x' },
      { a: 2.5, c: true },
    ]);
    const headers = [...html.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    assert.deepEqual(headers, ['a', 'b', 'c'], 'records have no index column by default');
    const cells = [...html.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(cells, ['1', 'x', '', '2.5', '', 'true']);
  });

  test('long tables are elided after maxRows', () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({ i }));
    const html = dataFrameHtml(rows, { maxRows: 5 });
    assert.equal(count(html, '<tr>'), 1 + 5 + 1);
    assert.match(html, /… 7 more rows/);
  });

  test('bad input gets errors naming the argument', () => {
    assert.throws(() => dataFrameHtml({ a: [1] } as never), /data must be a danfojs DataFrame or an array of records/);
    assert.throws(() => dataFrameHtml([{ a: 1 }, 3] as never), /data\[1\] must be a record/);
    assert.throws(() => dataFrameHtml([], { digits: 0 }), /options\.digits must be an integer from 1 to 21; got 0/);
    assert.throws(() => dataFrameHtml([], { maxRows: 1.5 }), /options\.maxRows must be a positive integer/);
  });
});

test('viz: formatNumber', () => {
  assert.equal(formatNumber(42), '42');
  assert.equal(formatNumber(-0.000123456), '-0.0001235');
  assert.equal(formatNumber(0.25), '0.25');
  assert.equal(formatNumber(3.14159265, 3), '3.14');
  assert.equal(formatNumber(2e-9), '2.000e-9');
  assert.equal(formatNumber(NaN), 'NaN');
  assert.equal(formatNumber(-Infinity), '−∞');
});
