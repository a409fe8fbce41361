/**
 * live/baseline.html: notebook 02's exact variance of REINFORCE against a constant baseline b
 * (`baselineVariance`, drawn by `baselineVarianceFigure`), for the objective and logits chosen.
 */
import {
  $,
  controls,
  draw,
  echoSliders,
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

/** The slider moves the first logit; the text field holds them all. */
function syncFirstLogit(list: (HTMLInputElement | HTMLSelectElement)[]): void {
  const slider = list.find((control) => control.name === 'phi1') as HTMLInputElement;
  const text = list.find((control) => control.name === 'logits') as HTMLInputElement;
  slider.addEventListener('input', () => {
    const rest = text.value
      .split(',')
      .slice(1)
      .map((x) => x.trim());
    text.value = [slider.value, ...rest].join(', ');
  });
  text.addEventListener('change', () => {
    const first = Number(text.value.split(',')[0]);
    if (Number.isFinite(first)) slider.value = String(first);
  });
}

async function recompute(): Promise<void> {
  showObjectiveControls();
  const logits = numbersOf('logits');
  const f = sg.lab.playgroundObjective(objectiveOfControls(), logits.length);
  const phi = sg.tf.tensor1d(logits);
  let curves: Library.lab.BaselineVarianceCurve[];
  try {
    curves = sg.lab.baselineVariance(f, phi);
  } finally {
    phi.dispose();
  }
  state.curves = curves.map((c) => ({
    unit: c.unit,
    gradient: c.gradient,
    expectation: c.expectation,
    optimalBaseline: c.optimalBaseline,
    minimumVariance: c.minimumVariance,
  }));
  await draw('variance-curve', sg.lab.baselineVarianceFigure(curves));
  $('table').innerHTML = sg.dataFrameHtml(
    curves.map((c) => ({
      unit: c.unit,
      'exact g': c.gradient,
      'E[f]': c.expectation,
      'b* (optimal)': c.optimalBaseline,
      'Var at b = 0': c.variance(0),
      'Var at b = E[f]': c.variance(c.expectation),
      'Var at b*': c.minimumVariance,
    })),
    { digits: 4 },
  );
  setStatus('exact, by enumerating every configuration; change any control to redraw');
}

runPage(async () => {
  if (!(await startBackend())) return;
  const list = controls();
  syncFirstLogit(list);
  echoSliders(list);
  recomputeOnChange(list, recompute, 100);
});
