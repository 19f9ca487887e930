// nn.functional's normalisation: batch norm (training-mode statistics by one recorded op,
// src/ops/nn.ts batchNormTrain; its composed reference beside it) and layer norm (composed
// engine ops, autograd deriving the gradient).

import { noGrad } from '../../core/autograd.js';
import { composite, releasing } from '../../core/lifetime.js';
import { fmt } from '../../core/shape.js';
import { assertTensor, type Tensor } from '../../core/tensor.js';
import { add, mul, rsqrt, sub } from '../../ops/elementwise.js';
import { reshape } from '../../ops/movement.js';
import { batchNormTrain } from '../../ops/nn.js';
import { mean } from '../../ops/reduce.js';

export interface BatchNormOptions {
  /** Scale (C), applied after normalising. */
  weight?: Tensor | null;
  /** Shift (C). */
  bias?: Tensor | null;
  /** Normalise with the batch's statistics (and update the running ones) instead of the running ones. Default false. */
  training?: boolean;
  /** Weight of the new batch in the running averages: a number, or a scalar tensor on x's device. Default 0.1. */
  momentum?: number | Tensor;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
}

/**
 * Batch normalisation over dim 1 of x (N, C, *), like torch.nn.functional.batch_norm. In training
 * the batch mean and biased variance normalise, and the running statistics (when given) are
 * updated in place: running = (1 - momentum) * running + momentum * batch, with the unbiased
 * variance. Otherwise the running statistics normalise.
 * @example batchNorm(x, runningMean, runningVar, { training: true }) // x (N, C, H, W)
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  assertTensor('batchNorm', x);
  if (x.ndim < 2) throw new RangeError(`batchNorm: input must be (N, C, *), got shape ${fmt(x.shape)}`);
  const c = x.shape[1];
  const stat = [1, c, ...x.shape.slice(2).map(() => 1)]; // (1, C, 1, ...)
  for (const [name, t] of [
    ['runningMean', runningMean],
    ['runningVar', runningVar],
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t !== null && (t.ndim !== 1 || t.shape[0] !== c)) {
      throw new RangeError(`batchNorm: ${name} must have shape [${c}], got ${fmt(t.shape)}`);
    }
  }
  if (training || runningMean === null || runningVar === null) {
    const n = x.size / c;
    if (n <= 1) throw new RangeError(`batchNorm: expected more than 1 value per channel when training, got input shape ${fmt(x.shape)}`);
    const { y, mean: mu, variance: v } = batchNormTrain(x, weight, bias, eps);
    if (training && runningMean !== null && runningVar !== null) {
      releasing(() =>
        noGrad(() => {
          const keep = typeof momentum === 'number' ? 1 - momentum : sub(1, momentum);
          const unbiased = typeof momentum === 'number' ? (momentum * n) / (n - 1) : mul(momentum, n / (n - 1));
          runningMean.copy_(add(mul(runningMean, keep), mul(mu, momentum)));
          runningVar.copy_(add(mul(runningVar, keep), mul(v, unbiased)));
        }),
      );
    }
    // the batch statistics are read by nothing else (the backward keeps its own)
    mu.dispose();
    v.dispose();
    return y;
  }
  let y = mul(sub(x, reshape(runningMean, stat)), reshape(rsqrt(add(runningVar, eps)), stat));
  if (weight !== null) y = mul(y, reshape(weight, stat));
  if (bias !== null) y = add(y, reshape(bias, stat));
  return y;
}

/**
 * batchNorm with batch statistics composed from engine ops, autograd deriving the gradient: the
 * plain reference the fused `batchNormTrain` is tested against. Returns y only.
 */
export function batchNormComposed(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps = 1e-5): Tensor {
  const c = x.shape[1];
  const stat = [1, c, ...x.shape.slice(2).map(() => 1)];
  const axes = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
  const d = sub(x, mean(x, axes, true));
  let y = mul(d, rsqrt(add(mean(mul(d, d), axes, true), eps)));
  if (weight !== null) y = mul(y, reshape(weight, stat));
  if (bias !== null) y = add(y, reshape(bias, stat));
  return y;
}

export interface LayerNormOptions {
  /** Scale of normalizedShape. */
  weight?: Tensor | null;
  /** Shift of normalizedShape. */
  bias?: Tensor | null;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
}

/**
 * Normalises over the trailing dims given by `normalizedShape` (mean 0, biased variance 1), then
 * scales and shifts, like torch.nn.functional.layer_norm. Shape: x (*, ...normalizedShape), same out.
 * @example layerNorm(h, [512]) // h (B, T, 512)
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], options: LayerNormOptions = {}): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options;
  assertTensor('layerNorm', x);
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || fmt(tail) !== fmt(normalizedShape)) {
    throw new RangeError(`layerNorm: input must end with dims ${fmt(normalizedShape)}, got shape ${fmt(x.shape)}`);
  }
  const axes = normalizedShape.map((_, i) => x.ndim - k + i);
  return composite([x], () => {
    const d = sub(x, mean(x, axes, true));
    let y = mul(d, rsqrt(add(mean(mul(d, d), axes, true), eps)));
    if (weight !== null) y = mul(y, weight);
    if (bias !== null) y = add(y, bias);
    return y;
  });
}

/** float32's machine epsilon, torch.finfo(torch.float32).eps: RMSNorm's eps when none is given. */
export const FLOAT32_EPS = 2 ** -23;

export interface RMSNormOptions {
  /** Scale of normalizedShape. */
  weight?: Tensor | null;
  /**
   * Added to the mean square. Default (undefined or null): float32's machine epsilon 2^-23
   * (1.1920929e-7), as PyTorch 2.4's rms_norm does with eps=None (torch.finfo(x.dtype).eps).
   */
  eps?: number | null;
}

/**
 * Root-mean-square normalisation over the trailing dims `normalizedShape`, like PyTorch 2.4's
 * torch.nn.functional.rms_norm: y = x / sqrt(mean(x^2) + eps) * weight (no centring, no shift).
 * Shape: x (*, ...normalizedShape), same out.
 * @example rmsNorm(h, [512], { weight: g }) // h (B, T, 512)
 */
export function rmsNorm(x: Tensor, normalizedShape: readonly number[], options: RMSNormOptions = {}): Tensor {
  const { weight = null } = options;
  const eps = options.eps ?? FLOAT32_EPS;
  assertTensor('rmsNorm', x);
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || x.ndim < k || fmt(tail) !== fmt(normalizedShape)) {
    throw new RangeError(`rmsNorm: input must end with dims ${fmt(normalizedShape)}, got shape ${fmt(x.shape)}`);
  }
  if (typeof eps !== 'number' || !(eps >= 0)) throw new RangeError(`rmsNorm: eps must be a number >= 0, got ${eps}`);
  if (weight !== null && fmt(weight.shape) !== fmt(normalizedShape)) {
    throw new RangeError(`rmsNorm: weight must have shape ${fmt(normalizedShape)}, got ${fmt(weight.shape)}`);
  }
  const axes = normalizedShape.map((_, i) => x.ndim - k + i);
  return composite([x], () => {
    const y = mul(x, rsqrt(add(mean(mul(x, x), axes, true), eps)));
    return weight === null ? y : mul(y, weight);
  });
}
