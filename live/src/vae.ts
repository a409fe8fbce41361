/**
 * live/vae.html: two SBN VAEs (`trainVaeDemo`, the same training as in Node) trained side by side
 * on the shipped digits (`fetchDataset('mnist-2k')`), interleaved at every evaluation so the page
 * stays responsive: their ELBO curves, reconstructions and samples (`vaeDemoImages`) as they learn.
 */
import {
  $,
  controls,
  draw,
  numberOf,
  recomputeOnChange,
  runPage,
  setStatus,
  sg,
  startBackend,
  state,
  textOf,
} from './common';
import type * as Library from '../../src/browser';

const GRID_MS = 1000;
const CHART_MS = 250;
const IMAGES = 8;

interface Run {
  estimator: string;
  steps: number[];
  elbo: number[];
  images?: Library.lab.VaeDemoImages;
  imagesAt: number;
}

function elboFigure(runs: Run[], total: number): Library.Figure {
  const fig = sg.lineChart(
    runs.map((run) => ({ name: run.estimator, x: run.steps, y: run.elbo })),
    {
      title: 'ELBO on 200 validation digits (nats, higher is better)',
      xTitle: 'training step',
      yTitle: 'ELBO',
      xRange: [0, total],
    },
  );
  return fig;
}

function drawGrids(runs: Run[]): void {
  if (!runs.every((run) => run.images)) return;
  const [a, b] = runs.map((run) => run.images!);
  const join = (...parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  };
  sg.drawImageGrid($('reconstructions') as HTMLCanvasElement, join(a.originals, a.reconstructions, b.reconstructions), {
    columns: IMAGES,
    scale: 2,
  });
  sg.drawImageGrid($('samples') as HTMLCanvasElement, join(a.samples, b.samples), { columns: IMAGES, scale: 2 });
}

function fillEstimators(): void {
  for (const [name, initial] of [
    ['a', 'disarm'],
    ['b', 'reinforce-loo'],
  ] as const) {
    const select = document.querySelector<HTMLSelectElement>(`select[name="${name}"]`)!;
    for (const estimator of sg.NETWORK_ESTIMATOR_NAMES) select.add(new Option(estimator, estimator));
    select.value = initial;
  }
}

function trainer(data: Library.Dataset) {
  return async (signal: AbortSignal): Promise<void> => {
    const steps = numberOf('steps');
    const names = [textOf('a'), textOf('b')];
    document.querySelectorAll('.name-a').forEach((element) => (element.textContent = names[0]));
    document.querySelectorAll('.name-b').forEach((element) => (element.textContent = names[1]));
    const runs: Run[] = names.map((estimator) => ({ estimator, steps: [], elbo: [], imagesAt: -Infinity }));
    state.runs = runs;
    state.evaluations = 0;
    state.done = false;
    let drawn = -Infinity;
    const started = performance.now();
    const options = {
      steps,
      latent: [numberOf('latent')],
      lr: numberOf('lr'),
      seed: numberOf('seed'),
      evalEvery: numberOf('evalEvery'),
      signal,
    };
    const results = await Promise.all(
      runs.map((run) =>
        sg.lab.trainVaeDemo(data, {
          ...options,
          estimator: run.estimator,
          onEvaluation: (step, metrics, model) => {
            run.steps.push(step);
            run.elbo.push(metrics.elbo);
            state.evaluations = (state.evaluations as number) + 1;
            const now = performance.now();
            if (step === steps || now - run.imagesAt > GRID_MS) {
              run.images = sg.lab.vaeDemoImages(model, data, IMAGES);
              run.imagesAt = now;
              drawGrids(runs);
            }
            if (step === steps || now - drawn > CHART_MS) {
              drawn = now;
              void draw('elbo', elboFigure(runs, steps));
              setStatus(`step ${Math.min(...runs.map((r) => r.steps[r.steps.length - 1] ?? 0))} of ${steps}…`);
            }
          },
        }),
      ),
    );
    if (signal.aborted) return;
    await draw('elbo', elboFigure(runs, steps));
    const seconds = (performance.now() - started) / 1000;
    state.stepsPerSecond = (2 * steps) / seconds;
    state.trainSeconds = results.map((r) => r.seconds);
    state.done = true;
    setStatus(
      `${steps} steps of each estimator in ${seconds.toFixed(1)} s (${(state.stepsPerSecond as number).toFixed(1)} steps/s in all); change any control to train again`,
    );
  };
}

runPage(async () => {
  if (!(await startBackend(false))) return;
  setStatus('loading the digits…');
  const data = await sg.fetchDataset('mnist-2k');
  fillEstimators();
  recomputeOnChange(controls(), trainer(data));
});
