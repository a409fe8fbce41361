/** Log axes write exponents as powers of ten (10³), never SI prefixes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineChart } from '../src';

test('log axes use exponentformat power; linear axes leave Plotly\'s default', () => {
  const figure = lineChart({ x: [1, 10], y: [1e-6, 1e-3] }, { logY: true });
  assert.equal(figure.layout.yaxis?.exponentformat, 'power');
  assert.equal(figure.layout.xaxis?.exponentformat, undefined);
});
