#!/usr/bin/python3
"""PyTorch peer of stochgrad's sigmoid-belief-net VAE benchmark.

Models (parameters stored [in, out], so a dense layer is ``addmm(b, z, w)``):
  linear     784-200:      q(z1|x), p(z1) = Bernoulli(sigma(prior.b)), p(x|z1)
  two-layer  784-200-200:  linear plus q(z2|z1), p(z1|z2) and the prior on z2
  nonlinear  784-(200-200 LeakyReLU(0.3))-200 on both sides, one stochastic layer

Objective per example and sample: F = log p(x, z) - log q(z|x), with the Bernoulli
log-probability ``z*phi - softplus(phi)`` summed over units; the batch objective (ELBO) is the
mean of F over examples and samples.

Decoder and prior parameters get the ordinary gradient of F with the sampled z held fixed.
Each stochastic layer l of the encoder, with logits phi_l, gets an estimate g_l of
dELBO/dphi_l, pushed into its parameters through the surrogate ``sum(g_l.detach() * phi_l)``.
The learning signal of layer l is its downstream objective (every term of F that depends on
z_l or a later layer); later layers are re-sampled from the same uniforms.

Prints one JSON object on stdout; human-readable notes go to stderr.
"""
from __future__ import annotations

import argparse
import ctypes
import gzip
import inspect
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

import torch
import torch.nn.functional as nnf

MODELS = ('linear', 'nonlinear', 'two-layer')
ESTIMATORS = ('reinforce-loo', 'muprop', 'arm', 'disarm', 'st')
FASHION_MNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'
LEAK = 0.3


# ----------------------------------------------------------------------------------- model

@dataclass
class SBN:
    """A sigmoid-belief-net VAE: named parameters and the encoder/decoder maps.

    Layer l (1-based) of the encoder maps z_{l-1} (z_0 = x) to the logits of z_l; layer l of
    the decoder maps z_l to the logits of z_{l-1}. ``prior.b`` holds the logits of the top
    layer z_L.
    """
    kind: str
    layers: int
    params: dict[str, torch.Tensor] = field(default_factory=dict)

    def dense(self, name: str, z: torch.Tensor) -> torch.Tensor:
        return torch.addmm(self.params[name + '.b'], z, self.params[name + '.w'])

    def hidden(self, name: str, z: torch.Tensor) -> torch.Tensor:
        """Two LeakyReLU(0.3) dense layers ``name.h1``, ``name.h2`` (nonlinear model only)."""
        h = nnf.leaky_relu(self.dense(name + '.h1', z), LEAK)
        return nnf.leaky_relu(self.dense(name + '.h2', h), LEAK)

    def encode(self, layer: int, parent: torch.Tensor) -> torch.Tensor:
        """Logits of q(z_layer | z_{layer-1} = parent)."""
        if self.kind == 'nonlinear':
            parent = self.hidden('q1', parent)
        return self.dense(f'q{layer}', parent)

    def decode(self, layer: int, z: torch.Tensor) -> torch.Tensor:
        """Logits of p(z_{layer-1} | z_layer = z); z_0 is x."""
        if self.kind == 'nonlinear':
            z = self.hidden('p1', z)
        return self.dense(f'p{layer}', z)

    def prior(self) -> torch.Tensor:
        return self.params['prior.b']


def glorot(fan_in: int, fan_out: int, generator: torch.Generator, dtype: torch.dtype) -> torch.Tensor:
    limit = (6.0 / (fan_in + fan_out)) ** 0.5
    return (torch.rand(fan_in, fan_out, generator=generator, dtype=dtype) * 2 - 1) * limit


def make_model(kind: str, visible: int = 784, latent: int = 200, hidden: int = 200,
               seed: int = 1, dtype: torch.dtype = torch.float32) -> SBN:
    """Glorot-uniform weights (seeded), zero biases; every parameter requires grad."""
    if kind not in MODELS:
        raise ValueError(f'model: expected one of {", ".join(MODELS)}, got {kind!r}')
    shapes: dict[str, tuple[int, int]] = {}
    if kind == 'nonlinear':
        shapes.update({'q1.h1': (visible, hidden), 'q1.h2': (hidden, hidden), 'q1': (hidden, latent),
                       'p1.h1': (latent, hidden), 'p1.h2': (hidden, hidden), 'p1': (hidden, visible)})
    else:
        shapes.update({'q1': (visible, latent), 'p1': (latent, visible)})
    if kind == 'two-layer':
        shapes.update({'q2': (latent, latent), 'p2': (latent, latent)})
    generator = torch.Generator().manual_seed(seed)
    params: dict[str, torch.Tensor] = {}
    for name, (fan_in, fan_out) in shapes.items():
        params[name + '.w'] = glorot(fan_in, fan_out, generator, dtype)
        params[name + '.b'] = torch.zeros(fan_out, dtype=dtype)
    params['prior.b'] = torch.zeros(latent, dtype=dtype)
    for tensor in params.values():
        tensor.requires_grad_(True)
    return SBN(kind, 2 if kind == 'two-layer' else 1, params)


def log_bernoulli(z: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """sum_i z_i phi_i - softplus(phi_i), one value per row."""
    return (z * logits - nnf.softplus(logits)).sum(-1)


def sample(u: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """z = 1[u < sigma(phi)]."""
    return (u < torch.sigmoid(logits)).to(logits.dtype)


def straight_through(hard: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """Value ``hard`` exactly (phi - phi.detach() is exactly 0), gradient dz/dphi := 1."""
    return hard + (logits - logits.detach())


# --------------------------------------------------------------------------------- rollout

@dataclass
class Rollout:
    """A path from layer ``first`` to the top: z, logits and the terms of F.

    ``zs[k]``/``phis[k]`` are z_k and phi_k for k >= first (index 0 unused). ``log_p`` carries
    the gradient of the decoder/prior terms; ``terms[k]`` = log p(z_{k-1}|z_k) - log q(z_k|.)
    (the prior added to the top one), detached unless straight-through.
    """
    zs: list[torch.Tensor | None]
    phis: list[torch.Tensor | None]
    log_p: torch.Tensor
    terms: list[torch.Tensor]

    def downstream(self, layer: int) -> torch.Tensor:
        """The terms of F that depend on z_layer or later, one value per row."""
        return sum(self.terms[layer:])


def rollout(model: SBN, parent: torch.Tensor, first: int, z_first: torch.Tensor,
            phi_first: torch.Tensor, us: list[torch.Tensor | None], st: bool = False) -> Rollout:
    """Completes the path from z_{first-1} = parent and z_first, re-sampling later layers
    from ``us[k]`` (common random numbers). With ``st`` the samples are straight-through and
    log q keeps its gradient; otherwise log q is a detached value (encoder parameters get
    their gradient from the surrogate only)."""
    zs: list[torch.Tensor | None] = [None] * (model.layers + 1)
    phis: list[torch.Tensor | None] = [None] * (model.layers + 1)
    terms: list[torch.Tensor] = [torch.zeros(())] * (model.layers + 1)
    zs[first - 1], zs[first], phis[first] = parent, z_first, phi_first
    log_p = 0
    for k in range(first, model.layers + 1):
        if k > first:
            phis[k] = model.encode(k, zs[k - 1])
            hard = sample(us[k], phis[k].detach())
            zs[k] = straight_through(hard, phis[k]) if st else hard
        p_k = log_bernoulli(zs[k - 1], model.decode(k, zs[k]))
        q_k = log_bernoulli(zs[k], phis[k] if st else phis[k].detach())
        if k == model.layers:
            p_k = p_k + log_bernoulli(zs[k], model.prior())
        log_p = log_p + p_k
        terms[k] = p_k - q_k if st else (p_k - q_k).detach()
    return Rollout(zs, phis, log_p, terms)


def uniforms(model: SBN, rows: int, latent: int, generator: torch.Generator,
             dtype: torch.dtype) -> list[torch.Tensor | None]:
    return [None] + [torch.rand(rows, latent, generator=generator, dtype=dtype)
                     for _ in range(model.layers)]


# ------------------------------------------------------------------------------ estimators
# Each returns (loss, elbo): ``loss.backward()`` leaves minus the ascent direction in every
# parameter's .grad; ``elbo`` is the detached batch objective of the samples used.

Estimator = Callable[[SBN, torch.Tensor, torch.Generator], tuple[torch.Tensor, torch.Tensor]]


def disarm_weights(u: torch.Tensor, phi: torch.Tensor, b: torch.Tensor, twin: torch.Tensor,
                   f_b: torch.Tensor, f_twin: torch.Tensor) -> torch.Tensor:
    """1/2 (f(b) - f(b~)) (-1)^{b~} 1[b != b~] sigma(|phi|)."""
    sign = 1 - 2 * twin
    differ = (b != twin).to(phi.dtype)
    return (0.5 * (f_b - f_twin)).unsqueeze(1) * sign * differ * torch.sigmoid(phi.abs())


def arm_weights(u: torch.Tensor, phi: torch.Tensor, b: torch.Tensor, twin: torch.Tensor,
                f_b: torch.Tensor, f_twin: torch.Tensor) -> torch.Tensor:
    """(f(1[u > sigma(-phi)]) - f(1[u < sigma(phi)])) (u - 1/2)."""
    return (f_twin - f_b).unsqueeze(1) * (u - 0.5)


def antithetic(twin_of: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
               weights: Callable[..., torch.Tensor]) -> Estimator:
    """ARM-style estimator, per layer the pair (b, twin) from one u. The path (b at every
    layer) runs with autograd on: it gives the decoder gradient, the objective and f(b) of
    every layer. Each layer's twin is completed under no_grad, one extra pass per layer, the
    later layers re-sampled from the same uniforms."""

    def estimate(model: SBN, x: torch.Tensor, generator: torch.Generator):
        rows = x.shape[0]
        us = uniforms(model, rows, model.params['prior.b'].shape[0], generator, x.dtype)
        phi1 = model.encode(1, x)
        with torch.no_grad():
            b1 = sample(us[1], phi1)
        path = rollout(model, x, 1, b1, phi1, us)
        phis = [path.phis[k] for k in range(1, model.layers + 1)]
        with torch.no_grad():
            signals = []
            for layer in range(1, model.layers + 1):
                phi, parent, b = path.phis[layer], path.zs[layer - 1], path.zs[layer]
                twin = twin_of(us[layer], phi)
                f_twin = rollout(model, parent, layer, twin, phi, us).downstream(layer)
                signals.append(weights(us[layer], phi, b, twin, path.downstream(layer), f_twin))
        surrogate = sum((g * phi).sum() for g, phi in zip(signals, phis)) / rows
        loss = -(path.log_p.mean() + surrogate)
        return loss, path.downstream(1).mean()

    return estimate


def reinforce_loo(samples: int = 2) -> Estimator:
    """(f_k - mean of the other samples' f) (z - sigma(phi)), K samples per example."""

    def estimate(model: SBN, x: torch.Tensor, generator: torch.Generator):
        rows = x.shape[0] * samples
        us = uniforms(model, rows, model.params['prior.b'].shape[0], generator, x.dtype)
        phi1 = model.encode(1, x).repeat(samples, 1)  # row k*B + n: sample k of example n
        z1 = sample(us[1], phi1.detach())
        path = rollout(model, x.repeat(samples, 1), 1, z1, phi1, us)
        with torch.no_grad():
            signals = []
            for layer in range(1, model.layers + 1):
                f = path.downstream(layer).view(samples, -1)
                others = (f.sum(0, keepdim=True) - f) / (samples - 1)
                phi = path.phis[layer]
                signals.append((f - others).view(-1, 1) * (path.zs[layer] - torch.sigmoid(phi)))
        surrogate = sum((g * path.phis[layer]).sum() for layer, g in enumerate(signals, start=1))
        loss = -(path.log_p.mean() + surrogate / rows)
        return loss, path.downstream(1).mean()

    return estimate


def muprop(model: SBN, x: torch.Tensor, generator: torch.Generator):
    """[f(z) - f(zbar) - f'_l.(z_l - zbar_l)] (z_l - sigma(phi_l)) + f'_l * sigma'(phi_l).

    The learning signal is the full F. zbar is the mean-field pass (each layer outputs
    sigma(phi) of the previous mean-field layer) and f'_l = dF(zbar)/dzbar_l, the total
    derivative through the later mean-field layers, by autograd (no parameter gradient).
    """
    rows = x.shape[0]
    means, phi_bars, f_bar = [x], [], 0
    for layer in range(1, model.layers + 1):
        phi_bar = model.encode(layer, means[-1])
        z_bar = torch.sigmoid(phi_bar)
        f_bar = f_bar + log_bernoulli(means[-1], model.decode(layer, z_bar)) \
            - log_bernoulli(z_bar, phi_bar)
        means.append(z_bar)
        phi_bars.append(phi_bar)
    f_bar = f_bar + log_bernoulli(means[-1], model.prior())
    slopes = torch.autograd.grad(f_bar.sum(), means[1:])

    us = uniforms(model, rows, model.params['prior.b'].shape[0], generator, x.dtype)
    phi1 = phi_bars[0]  # the sampled parent of layer 1 is x, as in the mean-field pass
    path = rollout(model, x, 1, sample(us[1], phi1.detach()), phi1, us)
    with torch.no_grad():
        f = path.downstream(1) - f_bar
        signals = []
        for layer, slope in enumerate(slopes, start=1):
            z, p = path.zs[layer], torch.sigmoid(path.phis[layer])
            residual = f - (slope * (z - means[layer])).sum(1)
            signals.append(residual.unsqueeze(1) * (z - p) + slope * p * (1 - p))
    surrogate = sum((g * path.phis[layer]).sum() for layer, g in enumerate(signals, start=1))
    loss = -(path.log_p.mean() + surrogate / rows)
    return loss, path.downstream(1).mean()


def st(model: SBN, x: torch.Tensor, generator: torch.Generator):
    """Straight-through (identity): hard samples forward, dz/dphi := 1, full F backward."""
    us = uniforms(model, x.shape[0], model.params['prior.b'].shape[0], generator, x.dtype)
    phi1 = model.encode(1, x)
    z1 = straight_through(sample(us[1], phi1.detach()), phi1)
    path = rollout(model, x, 1, z1, phi1, us, st=True)
    objective = path.downstream(1).mean()
    return -objective, objective.detach()


def make_estimator(name: str) -> Estimator:
    if name == 'disarm':
        return antithetic(lambda u, phi: sample(1 - u, phi), disarm_weights)
    if name == 'arm':
        return antithetic(lambda u, phi: (u > torch.sigmoid(-phi)).to(phi.dtype), arm_weights)
    if name == 'reinforce-loo':
        return reinforce_loo(2)
    if name == 'muprop':
        return muprop
    if name == 'st':
        return st
    raise ValueError(f'estimator: expected one of {", ".join(ESTIMATORS)}, got {name!r}')


# ------------------------------------------------------------------------------- benchmark

def load_batch(rows: int, seed: int) -> tuple[torch.Tensor, str]:
    """The first ``rows`` Fashion-MNIST training images, pixel/255 > 0.5; without the files,
    seeded Bernoulli(0.5) pixels."""
    if os.path.exists(FASHION_MNIST):
        with gzip.open(FASHION_MNIST, 'rb') as stream:
            header = stream.read(16)
            count = int.from_bytes(header[4:8], 'big')
            if int.from_bytes(header[:4], 'big') != 2051 or count < rows:
                raise ValueError(f'{FASHION_MNIST}: expected an idx3 file of >= {rows} images')
            pixels = torch.frombuffer(bytearray(stream.read(rows * 784)), dtype=torch.uint8)
        return (pixels.view(rows, 784) > 127).to(torch.float32), f'fashion-mnist train[0:{rows}] > 0.5'
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(rows, 784, generator=generator) < 0.5).to(torch.float32), \
        f'Bernoulli(0.5) pixels, seed {seed} ({FASHION_MNIST} not found)'


TRAIN_SPLIT = 50000


def load_images(seed: int) -> tuple[torch.Tensor, str]:
    """The training split of the loop: the first 50,000 Fashion-MNIST training images as float32
    pixels in [0, 1] (what ``stochgrad train --dataset fashion-mnist`` trains on); without the
    files, seeded uniform pixels of the same shape."""
    if os.path.exists(FASHION_MNIST):
        with gzip.open(FASHION_MNIST, 'rb') as stream:
            header = stream.read(16)
            if int.from_bytes(header[:4], 'big') != 2051 or int.from_bytes(header[4:8], 'big') < TRAIN_SPLIT:
                raise ValueError(f'{FASHION_MNIST}: expected an idx3 file of >= {TRAIN_SPLIT} images')
            pixels = torch.frombuffer(bytearray(stream.read(TRAIN_SPLIT * 784)), dtype=torch.uint8)
        return pixels.view(TRAIN_SPLIT, 784).to(torch.float32) / 255, f'fashion-mnist train[0:{TRAIN_SPLIT}] / 255'
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(TRAIN_SPLIT, 784, generator=generator), \
        f'uniform pixels, seed {seed} ({FASHION_MNIST} not found)'


def loaded_blas() -> list[str]:
    """Real paths of the BLAS libraries mapped into this process (libblas.so.3 is whatever
    Debian's alternatives, or LD_LIBRARY_PATH, resolve it to)."""
    with open('/proc/self/maps') as maps:
        paths = {line.split()[-1] for line in maps if '/' in line}
    return sorted({os.path.realpath(p) for p in paths if 'blas' in os.path.basename(p).lower()})


def blas_name() -> str:
    """BLAS_INFO from torch's build configuration and the BLAS actually loaded."""
    info = next((part.split('=', 1)[1] for part in torch.__config__.show().replace(',', ' ').split()
                 if part.startswith('BLAS_INFO=')), 'unknown')
    described = []
    for path in loaded_blas():
        owner = subprocess.run(['dpkg', '-S', path], capture_output=True, text=True).stdout
        described.append(f'{path} ({owner.split(":")[0] if owner else "no Debian package"})')
    return f'BLAS_INFO={info}; loaded: ' + (', '.join(described) or 'none')


def set_blas_threads(threads: int) -> str:
    """torch.set_num_threads does not reach a BLAS torch was not built against; OpenBLAS
    (if loaded) is told directly. The reference BLAS is single-threaded."""
    openblas = [path for path in loaded_blas() if 'openblas' in os.path.basename(path)]
    if not openblas:
        return 'BLAS single-threaded (reference BLAS): only torch\'s own kernels use the threads'
    ctypes.CDLL(openblas[0]).openblas_set_num_threads(threads)
    return f'openblas_set_num_threads({threads})'


def median_ms(samples_ns: list[int]) -> float:
    return statistics.median(samples_ns) / 1e6


def time_matmul(repeats: int = 2000, warmup: int = 100) -> dict:
    """x @ W, 50 x 784 by 784 x 200, float32, median of ``repeats`` after ``warmup`` untimed."""
    generator = torch.Generator().manual_seed(7)
    x = torch.rand(50, 784, generator=generator)
    w = torch.rand(784, 200, generator=generator)
    times, cpu_times = [], []
    with torch.no_grad():
        for i in range(repeats + warmup):
            start, cpu_start = time.perf_counter_ns(), time.process_time_ns()
            x @ w
            end, cpu_end = time.perf_counter_ns(), time.process_time_ns()
            if i >= warmup:
                times.append(end - start)
                cpu_times.append(cpu_end - cpu_start)
    ms = median_ms(times)
    return {'shape': [50, 784, 200], 'ms': round(ms, 5), 'gflops': round(2 * 50 * 784 * 200 / ms / 1e6, 3),
            'cpuMs': round(median_ms(cpu_times), 5)}


ADAM_FOREACH = 'foreach' in inspect.signature(torch.optim.Adam).parameters


def make_adam(params, lr: float = 1e-4) -> torch.optim.Adam:
    """Adam as a careful user creates it: the multi-tensor (foreach) update where torch has it."""
    return torch.optim.Adam(params, lr=lr, **({'foreach': True} if ADAM_FOREACH else {}))


def adam_name() -> str:
    return 'torch.optim.Adam(foreach=True)' if ADAM_FOREACH else 'torch.optim.Adam (no foreach in this torch)'


class TrainingRun:
    """One training run of a model and estimator (Adam, lr 1e-4), timed step by step: each step
    is uniforms, forward, estimator and backward into every .grad (the gradient step), then
    ``Adam.step()`` and ``zero_grad`` (the training step). Successive calls continue the run."""

    def __init__(self, kind: str, estimator: str, x: torch.Tensor, seed: int):
        self.x = x
        self.model = make_model(kind, seed=seed)
        self.estimate = make_estimator(estimator)
        self.optimizer = make_adam(self.model.params.values())
        self.generator = torch.Generator().manual_seed(seed + 1)

    def steps(self, count: int) -> dict[str, list]:
        """Runs ``count`` steps; per step the wall and process CPU nanoseconds of the gradient
        step and the whole training step, and the batch objective."""
        out: dict[str, list] = {'gradientNs': [], 'trainNs': [], 'gradientCpuNs': [], 'trainCpuNs': [],
                                'elbo': []}
        for _ in range(count):
            start, cpu_start = time.perf_counter_ns(), time.process_time_ns()
            loss, elbo = self.estimate(self.model, self.x, self.generator)
            loss.backward()
            middle, cpu_middle = time.perf_counter_ns(), time.process_time_ns()
            self.optimizer.step()
            self.optimizer.zero_grad(set_to_none=True)
            end, cpu_end = time.perf_counter_ns(), time.process_time_ns()
            out['gradientNs'].append(middle - start)
            out['trainNs'].append(end - start)
            out['gradientCpuNs'].append(cpu_middle - cpu_start)
            out['trainCpuNs'].append(cpu_end - cpu_start)
            out['elbo'].append(elbo.item())
        return out


class LoopRun:
    """The whole training loop of a model and estimator as a careful PyTorch user writes it, timed
    step by step: the step's batch (consecutive slices of a fresh ``randperm`` per epoch, gathered
    with ``index_select``), dynamic binarisation (``torch.bernoulli``), the gradient step of
    ``TrainingRun``, ``Adam.step()`` (foreach) and ``zero_grad``. Successive calls continue the run."""

    def __init__(self, kind: str, estimator: str, images: torch.Tensor, batch: int, seed: int):
        self.images = images
        self.batch = batch
        self.model = make_model(kind, seed=seed)
        self.estimate = make_estimator(estimator)
        self.optimizer = make_adam(self.model.params.values())
        self.generator = torch.Generator().manual_seed(seed + 2)
        self.order = torch.empty(0, dtype=torch.long)
        self.position = 0

    def next_batch(self) -> torch.Tensor:
        if self.position + self.batch > self.order.numel():
            self.order = torch.randperm(self.images.shape[0], generator=self.generator)
            self.position = 0
        rows = self.order[self.position:self.position + self.batch]
        self.position += self.batch
        return torch.bernoulli(self.images.index_select(0, rows), generator=self.generator)

    def steps(self, count: int) -> dict[str, list]:
        """Runs ``count`` steps; per step the wall and process CPU nanoseconds and the objective."""
        out: dict[str, list] = {'loopNs': [], 'loopCpuNs': [], 'elbo': []}
        for _ in range(count):
            start, cpu_start = time.perf_counter_ns(), time.process_time_ns()
            x = self.next_batch()
            loss, elbo = self.estimate(self.model, x, self.generator)
            loss.backward()
            self.optimizer.step()
            self.optimizer.zero_grad(set_to_none=True)
            end, cpu_end = time.perf_counter_ns(), time.process_time_ns()
            out['loopNs'].append(end - start)
            out['loopCpuNs'].append(cpu_end - cpu_start)
            out['elbo'].append(elbo.item())
        return out


def summarize(kind: str, estimator: str, timed: dict[str, list]) -> dict:
    """Medians (ms) of the timed steps and the mean objective."""
    return {'model': kind, 'estimator': estimator, 'gradientMs': round(median_ms(timed['gradientNs']), 4),
            'trainMs': round(median_ms(timed['trainNs']), 4), 'elbo': round(statistics.fmean(timed['elbo']), 3),
            'gradientCpuMs': round(median_ms(timed['gradientCpuNs']), 4),
            'trainCpuMs': round(median_ms(timed['trainCpuNs']), 4)}


def time_training(kind: str, estimator: str, x: torch.Tensor, steps: int, warmup: int,
                  seed: int) -> dict:
    """Medians over ``steps`` timed steps of one training run after ``warmup`` untimed ones.
    ``*CpuMs`` are the same medians of the process's CPU time (all threads): at one thread, a
    stand-in for wall time that a busy machine disturbs less."""
    run = TrainingRun(kind, estimator, x, seed)
    run.steps(warmup)
    return summarize(kind, estimator, run.steps(steps))


def serve(x: torch.Tensor, data: str, seed: int) -> None:
    """``--serve``: the benchmark's interleaved mode. Prints one JSON line describing torch, then
    answers one JSON request per stdin line with one JSON line:
    ``{"steps": n, "model", "estimator", "threads"}`` continues that training run (created on
    first use) by n steps and returns the per-step lists of ``TrainingRun.steps``;
    ``{"loop": n, "model", "estimator", "threads"}`` continues that loop run (``LoopRun``, on the
    training split, loaded on first use) by n steps and returns ``LoopRun.steps`` and ``loopData``;
    ``{"matmul": repeats, "threads"}`` returns ``time_matmul(repeats)``."""
    runs: dict[tuple, TrainingRun | LoopRun] = {}
    images: tuple[torch.Tensor, str] | None = None
    threads, blas_threads = None, ''
    print(json.dumps({'torch': torch.__version__, 'blas': blas_name(), 'data': data, 'cpus': os.cpu_count(),
                      'adam': adam_name()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        requested = int(request.get('threads', 1))
        if requested != threads:  # set (and the BLAS looked up) once per change, not per request
            threads = requested
            torch.set_num_threads(threads)
            blas_threads = set_blas_threads(threads)
        if 'matmul' in request:
            reply = time_matmul(int(request['matmul']), warmup=10)
        elif 'loop' in request:
            images = images or load_images(seed)
            key = ('loop', request['model'], request['estimator'], threads)
            if key not in runs:
                runs[key] = LoopRun(request['model'], request['estimator'], images[0], x.shape[0], seed)
            reply = runs[key].steps(int(request['loop']))
            reply['loopData'] = images[1]
        else:
            key = (request['model'], request['estimator'], threads)
            if key not in runs:
                runs[key] = TrainingRun(request['model'], request['estimator'], x, seed)
            reply = runs[key].steps(int(request['steps']))
        reply['threads'] = torch.get_num_threads()
        reply['blasThreads'] = blas_threads
        print(json.dumps(reply), flush=True)


def names(text: str, allowed: tuple[str, ...], argument: str) -> list[str]:
    chosen = [name.strip() for name in text.split(',') if name.strip()]
    unknown = [name for name in chosen if name not in allowed]
    if unknown or not chosen:
        raise SystemExit(f'{argument}: expected a comma-separated subset of {",".join(allowed)}, '
                         f'got {text!r}')
    return chosen


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--models', default=','.join(MODELS))
    parser.add_argument('--estimators', default=','.join(ESTIMATORS))
    parser.add_argument('--batch', type=int, default=50)
    parser.add_argument('--steps', type=int, default=60)
    parser.add_argument('--warmup', type=int, default=10)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--serve', action='store_true',
                        help='answer timing requests on stdin (the benchmark\'s interleaved mode)')
    args = parser.parse_args(argv)
    args.models = names(args.models, MODELS, '--models')
    args.estimators = names(args.estimators, ESTIMATORS, '--estimators')
    for option in ('batch', 'steps', 'threads'):
        if getattr(args, option) < 1:
            parser.error(f'--{option}: expected a positive integer')
    if args.warmup < 0:
        parser.error('--warmup: expected a non-negative integer')
    return args


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.serve:
        x, data = load_batch(args.batch, args.seed)
        serve(x, data, args.seed)
        return
    torch.set_num_threads(args.threads)
    blas_threads = set_blas_threads(args.threads)
    x, data = load_batch(args.batch, args.seed)
    blas = blas_name()
    load_before = os.getloadavg()[0]
    print(f'torch {torch.__version__}, {torch.get_num_threads()} thread(s), {blas}; {blas_threads}; '
          f'{os.cpu_count()} CPUs, load average {load_before:.2f}', file=sys.stderr)
    print(f'data: {data}; batch {args.batch}, {args.warmup} warm-up + {args.steps} timed steps',
          file=sys.stderr)
    matmul = time_matmul()
    print(f'matmul 50x784x200: {matmul["ms"]:.4f} ms, {matmul["gflops"]:.2f} GFLOP/s '
          f'(CPU {matmul["cpuMs"]:.4f} ms)', file=sys.stderr)
    rows = []
    print(f'{"model":<10} {"estimator":<14} {"gradient ms":>12} {"train ms":>10} {"elbo":>10} '
          f'{"gradient CPU ms":>16} {"train CPU ms":>13}', file=sys.stderr)
    for kind in args.models:
        for estimator in args.estimators:
            row = time_training(kind, estimator, x, args.steps, args.warmup, args.seed)
            rows.append(row)
            print(f'{kind:<10} {estimator:<14} {row["gradientMs"]:>12.3f} {row["trainMs"]:>10.3f} '
                  f'{row["elbo"]:>10.2f} {row["gradientCpuMs"]:>16.3f} {row["trainCpuMs"]:>13.3f}',
                  file=sys.stderr)
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'blas': blas,
                      'blasThreads': blas_threads, 'data': data, 'batch': args.batch,
                      'loadAverage': [round(load_before, 2), round(os.getloadavg()[0], 2)], 'steps': args.steps, 'warmup': args.warmup,
                      'matmul': matmul, 'rows': rows}))


if __name__ == '__main__':
    main(sys.argv[1:])
