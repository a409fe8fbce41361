/** live/playground.html: notebook 06's dashboard (`playground(params)`), recomputed on every change. */
import {
  $,
  checkboxes,
  checked,
  controls,
  draw,
  echoSliders,
  numberOf,
  numbersOf,
  objectiveOfControls,
  recomputeOnChange,
  runPage,
  setStatus,
  sg,
  showObjectiveControls,
  startBackend,
  state,
} from './common';
import type * as Library from '../../src/browser';

const DEFAULT_ESTIMATORS = ['reinforce', 'reinforce-loo', 'muprop', 'ar', 'arm', 'disarm', 'st', 'concrete', 'rebar'];

function params(): Library.lab.PlaygroundParams {
  return {
    objective: objectiveOfControls(),
    logits: numbersOf('logits'),
    estimators: checked('estimators') as Library.EstimatorName[],
    samples: numberOf('samples'),
    seed: numberOf('seed'),
  };
}

async function recompute(signal: AbortSignal): Promise<void> {
  showObjectiveControls();
  const settings = params();
  setStatus(`computing ${settings.estimators.length} estimators × ${settings.samples} samples…`);
  const started = performance.now();
  const dash = await sg.lab.playground(settings);
  if (signal.aborted) return;
  state.result = {
    params: dash.params,
    expectation: dash.expectation,
    exact: dash.exact,
    zBound: dash.zBound,
    rows: dash.rows,
  };
  $('exact').textContent =
    `E[f] = ${sg.formatNumber(dash.expectation)};  exact gradient ∂E[f]/∂φ = [${dash.exact.map((g) => sg.formatNumber(g)).join(', ')}];  |z| bound ${dash.zBound.toFixed(2)}`;
  $('summary').innerHTML = sg.dataFrameHtml(dash.summary, { digits: 3 });
  const { meanVsExact, biasedMeanVsExact, biasZ, variance, snr, cost } = dash.figures;
  await draw('mean-vs-exact', meanVsExact);
  await draw('biased-mean-vs-exact', biasedMeanVsExact);
  await draw('bias-z', biasZ);
  await draw('variance', variance);
  await draw('snr', snr);
  await draw('cost', cost);
  state.computations = ((state.computations as number | undefined) ?? 0) + 1;
  setStatus(`computed in ${((performance.now() - started) / 1000).toFixed(2)} s; change any control to recompute`);
}

runPage(async () => {
  if (!(await startBackend())) return;
  checkboxes('estimators', 'estimators', sg.lab.COMPARABLE_ESTIMATORS, DEFAULT_ESTIMATORS);
  const list = controls();
  echoSliders(list);
  recomputeOnChange(list, recompute);
});
