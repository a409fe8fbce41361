/** Shared checks for the network models: flattened gradients, their moments over calls, z-scores. */
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../src/models/model';

/** Every parameter's gradient, flattened and concatenated in parameter order. */
export function flattenGradients<B>(
  model: Model<B>,
  gradients: Record<string, tf.Tensor>,
  scale: (name: string) => number = () => 1,
): Float32Array {
  const own = new Set(model.estimatorParameters ?? []);
  const names = Object.keys(model.parameters).filter((n) => !own.has(n));
  return tf.tidy(
    () => tf.concat(names.map((n) => tf.mul(gradients[n], scale(n)).reshape([-1]))).dataSync() as Float32Array,
  );
}

/**
 * For a variance-normalised estimator, the factor that undoes a call's normalisation of parameter
 * `name`: `scales[layerOf(name)]` for the parameters of a stochastic layer's logits, else 1.
 */
export function unnormalise(
  scales: number[] | undefined,
  layerOf: (name: string) => number | undefined,
): (name: string) => number {
  return (name) => {
    const layer = layerOf(name);
    return scales && layer !== undefined ? (scales[layer] ?? 1) : 1;
  };
}

/** Mean and standard error of every coordinate over `calls` independent `gradients()` estimates (seeds fixed). */
export function gradientMoments<B>(
  model: Model<B>,
  estimator: string,
  batch: B,
  calls: number,
  samples: number,
  layerOf: (name: string) => number | undefined = () => undefined,
) {
  let sum: Float64Array | undefined;
  let squares: Float64Array | undefined;
  for (let call = 0; call < calls; call++) {
    const result = model.gradients(estimator, batch, { samples, seed: 7919 * call + 1 });
    const g = flattenGradients(model, result.gradients, unnormalise(result.scales, layerOf));
    tf.dispose([result.objective, ...Object.values(result.gradients)]);
    sum ??= new Float64Array(g.length);
    squares ??= new Float64Array(g.length);
    g.forEach((v, i) => {
      sum![i] += v;
      squares![i] += v * v;
    });
  }
  const mean = Array.from(sum!, (s) => s / calls);
  const se = mean.map((m, i) => Math.sqrt(Math.max(squares![i] / calls - m * m, 0) / (calls - 1)));
  return { mean, se };
}

/** The largest |mean − exact| / se over the coordinates. */
export function maxAbsZ(mean: number[], se: number[], exact: Float32Array): number {
  return Math.max(...mean.map((m, i) => Math.abs(m - exact[i]) / Math.max(se[i], 1e-7)));
}

/** Central finite differences of `value()` for every entry of the objective's parameters, in parameter order. */
export function finiteDifferences<B>(model: Model<B>, value: () => number, h: number): number[] {
  const out: number[] = [];
  const own = new Set(model.estimatorParameters ?? []);
  for (const [name, variable] of Object.entries(model.parameters)) {
    if (own.has(name)) continue;
    const original = variable.dataSync().slice();
    for (let i = 0; i < original.length; i++) {
      const shifted = (delta: number) => {
        const values = original.slice();
        values[i] += delta;
        variable.assign(tf.tensor(values, variable.shape));
        return value();
      };
      out.push((shifted(h) - shifted(-h)) / (2 * h));
      variable.assign(tf.tensor(original, variable.shape));
    }
  }
  return out;
}
