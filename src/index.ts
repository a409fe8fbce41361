/** stochgrad: gradient estimators for stochastic binary units. The whole public API. */
import * as tf from '@tensorflow/tfjs';

export { tf };
export { BACKENDS, initBackend, parseBackendName } from './backend';
export type { BackendName, InitBackendOptions } from './backend';
