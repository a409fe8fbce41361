/**
 * ReinMax (Liu, Dong, Liu, Yu & Gao 2023, "Bridging Discrete and Backpropagation: Straight-Through
 * and Beyond", NeurIPS 2023, arXiv 2304.08612): straight-through with Heun's method in place of
 * the forward Euler step, for a Bernoulli unit written as the two-category softmax over (φ, 0).
 *
 * The paper's algorithm for logits θ and temperature τ (as in its code, microsoft/ReinMax,
 * `reinmax/reinmax.py`, which we read): `π₀ = softmax(θ)`, the one-hot sample `D ~ π₀`,
 * `π₁ = (D + softmax(θ/τ)) / 2`, and backward `∇_θ = (2 J(π₁) − ½ J(π₀)) ∂f/∂D` with the softmax
 * Jacobian `J(π) = diag(π) − π πᵀ` (the forward value stays the hard `D`). With `θ = (φ, 0)` and
 * `D = (z, 1 − z)`, `J(π)(g₁, g₂)ᵀ = π₁(1 − π₁)(g₁ − g₂)(1, −1)` and `g₁ − g₂ = ∂f/∂z`, so
 *
 *   `ĝ = ∂f/∂z(z) · [2 π₁(1 − π₁) − ½ σ'(φ)]`,  `z = 1[u < σ(φ)]`,  `π₁ = (z + σ(φ/τ)) / 2`.
 *
 * Temperature: `options.temperature` (default 0.5) is the paper's τ. It enters only `π₁` through
 * `σ(φ/τ)`; the forward sample is always Bernoulli(σ(φ)). The authors recommend τ ≥ 1 (their code
 * refuses τ < 1). At τ = 1, `π₁` is the midpoint of `D` and `π₀` (Heun's method) and
 * `ĝ = ∂f/∂z · (1 − σ)/2` if z = 1, `∂f/∂z · σ/2` if z = 0: exactly the "1/2" estimator, whose mean
 * `σ'(φ) (∂f/∂z(1) + ∂f/∂z(0)) / 2` is the trapezoidal rule for `f(1) − f(0)`, exact when f is at
 * most quadratic in each unit. Biased otherwise, and for τ ≠ 1 even for linear f:
 * `E[ĝ] = c [σ (1 − s²)/2 + (1 − σ) s (2 − s)/2 − σ'(φ)/2]` for `f = cz`, `s = σ(φ/τ)`.
 * One evaluation of f and a backward pass; inside networks the straight-through op with rule
 * `'reinmax'`.
 */
import { straightThrough } from './straight-through';

export const reinmax = straightThrough(
  'ReinMax (second-order straight-through, Heun)',
  'Liu, Dong, Liu, Yu & Gao 2023',
  (settings) => ({ kind: 'reinmax', temperature: settings.temperature }),
);
