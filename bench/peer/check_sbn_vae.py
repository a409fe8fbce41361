#!/usr/bin/python3
"""Unbiasedness check of the estimators in sbn_vae.py, by enumeration (run by hand).

On tiny models (6 visible, 3 latent per stochastic layer, hidden width 4 for `nonlinear`),
float64, two fixed binary examples: the exact ELBO gradient of every parameter comes from
summing q(z|x) F(x, z) over all latent configurations and differentiating with autograd.
Each estimator is called M times on the examples repeated R times (so one call is the mean of
R independent estimates); the mean of the M calls is compared with the exact gradient in units
of its standard error. The bound is Bonferroni over every coordinate tested, for a 1e-3
family-wise false-alarm rate. Straight-through is biased: it is run too, and the check
asserts that its bias is detected (evidence that the test has power).

    /usr/bin/python3 bench/peer/check_sbn_vae.py
"""
from __future__ import annotations

import itertools
import statistics
import sys
import time

import torch

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
from sbn_vae import MODELS, SBN, log_bernoulli, make_estimator, make_model

DTYPE = torch.float64
VISIBLE, LATENT, HIDDEN = 6, 3, 4
REPEATS, CALLS = 500, 400  # R copies of the batch per call, M calls per estimator
UNBIASED = ('reinforce-loo', 'muprop', 'arm', 'disarm')
FAMILY_ALPHA = 1e-3


def tiny_model(kind: str) -> SBN:
    """Glorot weights scaled up and random biases, so the gradients are far from zero."""
    model = make_model(kind, VISIBLE, LATENT, HIDDEN, seed=3, dtype=DTYPE)
    generator = torch.Generator().manual_seed(4)
    with torch.no_grad():
        for name, tensor in model.params.items():
            if name.endswith('.w'):
                tensor.mul_(2.0)
            else:
                tensor.copy_(torch.randn(tensor.shape, generator=generator, dtype=DTYPE))
    return model


def exact_gradient(model: SBN, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """d/dtheta (1/B) sum_n sum_z q(z|x_n) F(x_n, z), every latent configuration enumerated."""
    configs = torch.tensor(list(itertools.product([0.0, 1.0], repeat=LATENT * model.layers)),
                           dtype=DTYPE)
    rows = x.shape[0] * configs.shape[0]
    zs = [x.repeat_interleave(configs.shape[0], 0)]
    zs += [configs[:, LATENT * l:LATENT * (l + 1)].repeat(x.shape[0], 1) for l in range(model.layers)]
    log_q = sum(log_bernoulli(zs[l], model.encode(l, zs[l - 1])) for l in range(1, model.layers + 1))
    log_p = sum(log_bernoulli(zs[l - 1], model.decode(l, zs[l])) for l in range(1, model.layers + 1))
    log_p = log_p + log_bernoulli(zs[-1], model.prior())
    assert log_q.shape == (rows,)
    elbo = (log_q.exp() * (log_p - log_q)).sum() / x.shape[0]
    grads = torch.autograd.grad(elbo, list(model.params.values()))
    return dict(zip(model.params, grads))


def estimates(model: SBN, x: torch.Tensor, estimator: str, seed: int) -> torch.Tensor:
    """CALLS ascent directions, each flattened over all parameters (in model.params order)."""
    estimate = make_estimator(estimator)
    generator = torch.Generator().manual_seed(seed)
    big = x.repeat(REPEATS, 1)
    out = []
    for _ in range(CALLS):
        loss, _ = estimate(model, big, generator)
        grads = torch.autograd.grad(loss, list(model.params.values()), allow_unused=True)
        out.append(torch.cat([-g.flatten() if g is not None else torch.zeros(p.numel(), dtype=DTYPE)
                              for g, p in zip(grads, model.params.values())]))
    return torch.stack(out)


def main() -> int:
    x = torch.tensor([[1, 0, 1, 1, 0, 0], [0, 1, 1, 0, 1, 1]], dtype=DTYPE)
    results = []
    for kind in MODELS:
        model = tiny_model(kind)
        exact = torch.cat([g.flatten() for g in exact_gradient(model, x).values()])
        for seed, estimator in enumerate(UNBIASED + ('st',), start=10):
            start = time.perf_counter()
            draws = estimates(model, x, estimator, seed)
            mean, sd = draws.mean(0), draws.std(0)
            # A coordinate with zero spread (e.g. a weight from a pixel that is 0 in every
            # example) is deterministic: it must equal the exact value, z is 0 or infinite.
            error = mean - exact
            exact_enough = error.abs() <= 1e-12 * (1 + exact.abs())
            z = torch.where(sd > 0, error / (sd / CALLS ** 0.5),
                            torch.where(exact_enough, 0.0, float('inf')))
            results.append((kind, estimator, z, exact, mean, time.perf_counter() - start))
    tested = sum(r[2].numel() for r in results if r[1] in UNBIASED)
    bound = statistics.NormalDist().inv_cdf(1 - FAMILY_ALPHA / (2 * tested))
    print(f'{tested} coordinates tested; bound |z| < {bound:.2f} '
          f'(family-wise false alarms {FAMILY_ALPHA}); {CALLS} calls x {REPEATS} copies each')
    failures = []
    for kind, estimator, z, exact, mean, seconds in results:
        worst = z.abs().max().item()
        bias = (mean - exact).norm().item() / exact.norm().item()
        print(f'{kind:<10} {estimator:<14} max |z| {worst:8.2f}  relative bias {bias:.4f}  '
              f'({z.numel()} coordinates, {seconds:.1f} s)')
        if estimator in UNBIASED and worst >= bound:
            failures.append(f'{kind}/{estimator}: max |z| {worst:.2f} >= {bound:.2f}')
        elif estimator == 'st' and worst < bound:
            failures.append(f'{kind}/st: bias not detected (max |z| {worst:.2f}): the test lacks power')
    for failure in failures:
        print('FAIL', failure)
    print('OK' if not failures else f'{len(failures)} failure(s)')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
