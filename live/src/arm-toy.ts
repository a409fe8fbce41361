/**
 * live/arm-toy.html: SGD on ARM's toy (`startToyRun`, the runs of `toyTrajectories`) advanced in
 * chunks, the chart redrawn as the runs grow and the page free between chunks, next to the
 * deterministic path (`deterministicToyPath`) and summarised at the end (`summarizeTrajectories`).
 */
import {
  $,
  checkboxes,
  checked,
  controls,
  draw,
  echoSliders,
  numberOf,
  recomputeOnChange,
  runPage,
  setStatus,
  sg,
  startBackend,
  state,
} from './common';
import type * as Library from '../../src/browser';

const ESTIMATORS = ['reinforce', 'reinforce-loo', 'ar', 'arm', 'disarm', 'st', 'st-sigmoid', 'concrete', 'gumbel-st'];
const DEFAULT_ESTIMATORS = ['reinforce', 'arm', 'disarm', 'st'];
/** SGD steps between yields to the page, and the least time between two redraws. */
const CHUNK_STEPS = 25;
const REDRAW_MS = 150;
const EVERY = 10;

async function train(signal: AbortSignal): Promise<void> {
  const p0 = numberOf('p0');
  const steps = numberOf('steps');
  const seeds = numberOf('seeds');
  const seed = numberOf('seed');
  const lr = numberOf('lr');
  const estimators = checked('estimators');
  if (estimators.length === 0) throw new Error('choose at least one estimator');
  const path = sg.lab.deterministicToyPath(p0, { steps, lr, every: EVERY });
  const runs: Library.lab.ToyRun[] = [];
  state.done = false;
  state.drawnSteps = [];
  try {
    for (const estimator of estimators) {
      for (let s = 0; s < seeds; s++) {
        const samples = estimator === 'reinforce-loo' ? 2 : 1;
        runs.push(sg.lab.startToyRun({ p0, estimator, samples, seed: seed + s, steps, lr, every: EVERY }));
      }
    }
    const figure = () =>
      sg.lab.trajectoryFigure(
        runs.map((run) => run.trajectory),
        path,
        { p0, steps },
      );
    let drawn = -Infinity;
    while (!runs.every((run) => run.done)) {
      for (const run of runs) run.advance(CHUNK_STEPS);
      if (performance.now() - drawn > REDRAW_MS) {
        await draw('trajectories', figure());
        (state.drawnSteps as number[]).push(runs[0].step);
        drawn = performance.now();
        setStatus(`step ${runs[0].step} of ${steps}, ${runs.length} runs…`);
      }
      await sg.yieldToEventLoop();
      if (signal.aborted) return;
    }
    await draw('trajectories', figure());
    const trajectories = runs.map((run) => run.trajectory);
    state.runs = trajectories;
    state.path = path;
    state.done = true;
    $('summary').innerHTML = sg.dataFrameHtml(
      sg.lab.summarizeTrajectories(trajectories).map((s) => ({
        estimator: s.estimator,
        runs: s.runs,
        'share that passed σ = 0.9': s.reached,
        'median step it first did': s.medianFirstStep,
        'share that ended below ½': s.endBelowHalf,
        'final σ: lowest': s.finalMin,
        'final σ: mean': s.finalMean,
        'final σ: highest': s.finalMax,
      })),
      { digits: 3 },
    );
    const stepsTo = sg.lab.deterministicStepsTo(p0, 0.9, lr);
    $('path').textContent =
      `exact-gradient path: σ(φ) = ${path.probability[path.probability.length - 1].toFixed(4)} after ${steps} steps; ` +
      (stepsTo === null
        ? 'it never passes σ = 0.9 (p0 ≥ 1/2: the optimum is σ → 0).'
        : `it passes σ = 0.9 after ${stepsTo} steps.`);
    setStatus(`${runs.length} runs of ${steps} steps done; change any control to train again`);
  } finally {
    for (const run of runs) run.dispose();
  }
}

runPage(async () => {
  if (!(await startBackend())) return;
  checkboxes('estimators', 'estimators', ESTIMATORS, DEFAULT_ESTIMATORS);
  const list = controls();
  echoSliders(list);
  recomputeOnChange(list, train);
});
