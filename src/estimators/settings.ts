/** The settings shared by the estimators and their defaults, written once (`estimate` and networks use them). */
export interface EstimatorSettings {
  /** Relaxation temperature τ > 0 (concrete, gumbel-st, rebar). */
  temperature: number;
  /** Slope s > 0 of the annealed sigmoid (st-annealed). */
  slope: number;
  /** Moving-average decay in (0, 1) of the per-draw baselines (reinforce-ema, reinforce-optimal). */
  decay: number;
  /** Scale η of REBAR's control variate. */
  eta: number;
}

export const DEFAULT_SETTINGS: Readonly<EstimatorSettings> = { temperature: 0.5, slope: 1, decay: 0.9, eta: 1 };
