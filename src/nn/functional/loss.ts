// nn.functional's losses, like torch.nn.functional's, composed from engine ops so autograd
// derives their gradients: regression (MSE, L1, SmoothL1, Huber), binary classification (BCE, BCE
// with logits), multi-class (NLL; cross-entropy is the engine's op, src/ops/nn.ts, since it is
// built on the softmax primitive) and KL divergence. The loss layers (src/nn/loss.ts) call these.
// Input checks that need values (NLL's targets, BCE's [0, 1] range) read them where the device
// allows; where it cannot be read synchronously (a GPU) a bad value makes the loss NaN instead.

import { fromArray, readsOnHost, readValues } from '../../core/exec.js';
import { composite } from '../../core/lifetime.js';
import { fmt } from '../../core/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { abs, add, exp, ge, gt, le, log, logicalAnd, lt, maximum, mul, neg, softplus, sub, where } from '../../ops/elementwise.js';
import { gather } from '../../ops/indexing.js';
import { permute, reshape } from '../../ops/movement.js';
import { nllRows } from '../../ops/nll.js';
import { max, mean, min, sum } from '../../ops/reduce.js';
import { tensorArg } from '../validate.js';

export type { CrossEntropyOptions } from '../../ops/nn.js';
export { crossEntropy } from '../../ops/nn.js';

/** How per-element losses are combined: averaged (default), summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  /** Default 'mean'. */
  reduction?: Reduction;
}

function reduce(name: string, loss: Tensor, reduction: Reduction | 'batchmean' = 'mean', batch = 1): Tensor {
  if (reduction === 'mean') return mean(loss);
  if (reduction === 'sum') return sum(loss);
  if (reduction === 'none') return loss;
  if (reduction === 'batchmean' && name === 'klDiv') return mul(sum(loss), 1 / batch);
  const allowed = name === 'klDiv' ? "'mean', 'batchmean', 'sum' or 'none'" : "'mean', 'sum' or 'none'";
  throw new RangeError(`${name}: reduction must be ${allowed}, got ${JSON.stringify(reduction)}`);
}

/** Checks float32 input and target of the same shape (no silent broadcasting of (N) against (N, 1)). */
function pair(name: string, input: Tensor, target: Tensor): void {
  tensorArg(name, input);
  tensorArg(name, target, 'target');
  if (input.dtype !== 'float32' || target.dtype !== 'float32') {
    throw new TypeError(`${name}: input and target must be float32, got ${input.dtype} and ${target.dtype} (convert with .float())`);
  }
  if (fmt(input.shape) !== fmt(target.shape)) {
    throw new RangeError(`${name}: target shape ${fmt(target.shape)} must match input shape ${fmt(input.shape)}`);
  }
}

/** Mean squared error: (input - target)^2. Shapes: input and target (*), same. @example mseLoss(pred, y) */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  pair('mseLoss', input, target);
  return composite([input, target], () => {
    const d = sub(input, target);
    return reduce('mseLoss', mul(d, d), options.reduction);
  });
}

/** Mean absolute error: |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  pair('l1Loss', input, target);
  return composite([input, target], () => reduce('l1Loss', abs(sub(input, target)), options.reduction));
}

/** 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (d = input - target). beta = 1 by default; 0 gives L1. */
export function smoothL1Loss(input: Tensor, target: Tensor, options: LossOptions & { beta?: number } = {}): Tensor {
  const { beta = 1 } = options;
  pair('smoothL1Loss', input, target);
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be >= 0, got ${beta}`);
  return composite([input, target], () => {
    const d = sub(input, target);
    const ad = abs(d);
    const loss = beta === 0 ? ad : where(lt(ad, beta), mul(mul(d, d), 0.5 / beta), sub(ad, 0.5 * beta));
    return reduce('smoothL1Loss', loss, options.reduction);
  });
}

/** 0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere. delta = 1 by default (then equal to smoothL1Loss). */
export function huberLoss(input: Tensor, target: Tensor, options: LossOptions & { delta?: number } = {}): Tensor {
  const { delta = 1 } = options;
  pair('huberLoss', input, target);
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be > 0, got ${delta}`);
  return composite([input, target], () => {
    const d = sub(input, target);
    const ad = abs(d);
    const loss = where(lt(ad, delta), mul(mul(d, d), 0.5), mul(sub(ad, 0.5 * delta), delta));
    return reduce('huberLoss', loss, options.reduction);
  });
}

/** log(p) clamped below at -100 (PyTorch's rule, so p = 0 gives a finite loss), with finite gradients. */
function clampedLog(p: Tensor): Tensor {
  const positive = gt(p, 0);
  return where(positive, maximum(log(where(positive, p, 1)), -100), -100);
}

export interface BCEOptions extends LossOptions {
  /** Rescales each element's loss; broadcast against the input. */
  weight?: Tensor | null;
}

/**
 * Binary cross-entropy between probabilities and targets in [0, 1]:
 * -w (t log p + (1 - t) log(1 - p)), each log clamped at -100.
 * Shapes: input, target (*), same. Prefer binaryCrossEntropyWithLogits on raw scores. An input
 * outside [0, 1] throws; on a device that cannot be read synchronously (a GPU) it cannot be checked
 * without a read, so there it makes its element's loss NaN (and so the mean or sum) instead.
 * @example binaryCrossEntropy(sigmoid(logits), labels)
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  pair('binaryCrossEntropy', input, target);
  const onHost = readsOnHost(input.storage.device);
  if (
    onHost &&
    input.size > 0 &&
    (readValues(min(input), 'binaryCrossEntropy')[0] < 0 || readValues(max(input), 'binaryCrossEntropy')[0] > 1)
  ) {
    throw new RangeError(
      'binaryCrossEntropy: input must hold probabilities in [0, 1] (apply sigmoid first, or use binaryCrossEntropyWithLogits)',
    );
  }
  return composite([input, target], () => {
    let loss = neg(add(mul(target, clampedLog(input)), mul(sub(1, target), clampedLog(sub(1, input)))));
    // no read on this device: an input outside [0, 1] makes its element's loss NaN instead of an error
    if (!onHost) loss = where(logicalAnd(ge(input, 0), le(input, 1)), loss, Number.NaN);
    if (options.weight != null) loss = mul(loss, options.weight);
    return reduce('binaryCrossEntropy', loss, options.reduction);
  });
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** Weight of positive examples per class (broadcast along the last dim): > 1 raises recall. */
  posWeight?: Tensor | null;
}

/**
 * Sigmoid and binary cross-entropy in one stable expression:
 * (1 - t) x + (1 + (posWeight - 1) t) softplus(-x), times weight.
 * Shapes: input (logits), target (*), same.
 * @example binaryCrossEntropyWithLogits(logits, labels, { posWeight: tensor([3]) })
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BCEWithLogitsOptions = {}): Tensor {
  pair('binaryCrossEntropyWithLogits', input, target);
  return composite([input, target], () => {
    const sp = softplus(neg(input));
    const logWeight = options.posWeight == null ? null : add(mul(sub(options.posWeight, 1), target), 1);
    let loss = add(mul(sub(1, target), input), logWeight === null ? sp : mul(logWeight, sp));
    if (options.weight != null) loss = mul(loss, options.weight);
    return reduce('binaryCrossEntropyWithLogits', loss, options.reduction);
  });
}

export interface NLLOptions extends LossOptions {
  /** Per-class weights (C); 'mean' then divides by the summed weights of the targets. */
  weight?: Tensor | null;
  /** A target value that adds no loss and does not count in the mean. Default -100. */
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood: -weight[t] * input[t] per sample, for log-probabilities input.
 * Shapes: input (N, C) or (N, C, d...), target int32 (N) or (N, d...); 'none' gives target's shape.
 * A target outside [0, C) that is not ignoreIndex throws; on a device that cannot be read
 * synchronously (a GPU) it cannot be checked without a read, so there it makes the loss NaN (its
 * element's loss with reduction 'none') instead of throwing.
 * @example nllLoss(logSoftmax(logits, 1), labels)
 */
export function nllLoss(input: Tensor, target: Tensor, options: NLLOptions = {}): Tensor {
  const { weight = null, ignoreIndex = -100, reduction = 'mean' } = options;
  tensorArg('nllLoss', input);
  tensorArg('nllLoss', target, 'target');
  if (input.ndim < 2) throw new RangeError(`nllLoss: input must be (N, C) or (N, C, d...), got shape ${fmt(input.shape)}`);
  const [n, c, ...spatial] = input.shape;
  if (target.dtype !== 'int32') throw new TypeError(`nllLoss: target must be int32 class indices, got ${target.dtype}`);
  if (!Number.isInteger(ignoreIndex)) throw new TypeError(`nllLoss: ignoreIndex must be an integer, got ${String(ignoreIndex)}`);
  if (fmt(target.shape) !== fmt([n, ...spatial])) {
    throw new RangeError(`nllLoss: target shape ${fmt(target.shape)} must be ${fmt([n, ...spatial])} for input ${fmt(input.shape)}`);
  }
  if (weight !== null && (weight.ndim !== 1 || weight.shape[0] !== c)) {
    throw new RangeError(`nllLoss: weight must have shape [${c}], got ${fmt(weight.shape)}`);
  }
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') reduce('nllLoss', input, reduction); // throws, naming the choices
  // (N, C, d...) -> (M, C), one row per target
  const toRows = () => (input.ndim === 2 ? input : reshape(permute(input, [0, ...spatial.map((_, i) => i + 2), 1]), [-1, c]));
  if (!readsOnHost(input.storage.device)) {
    const inputs = weight === null ? [input, target] : [input, target, weight];
    return composite(inputs, () => {
      const loss = nllRows(toRows(), reshape(target, [-1]), { weight, ignoreIndex, labelSmoothing: 0, reduction });
      return reduction === 'none' ? reshape(loss, target.shape) : loss;
    });
  }
  const tv = readValues(target, 'nllLoss');
  const w = weight === null || weight === undefined ? undefined : readValues(weight, 'nllLoss');
  const index = new Int32Array(tv.length);
  const rowWeight = new Float32Array(tv.length);
  let total = 0;
  for (let r = 0; r < tv.length; r++) {
    if (tv[r] === ignoreIndex) continue;
    if (tv[r] < 0 || tv[r] >= c)
      throw new RangeError(
        `nllLoss: target ${tv[r]} is out of range for ${c} classes (element ${r}; valid: 0 to ${c - 1}, or ignoreIndex ${ignoreIndex})`,
      );
    index[r] = tv[r];
    rowWeight[r] = w ? w[tv[r]] : 1;
    total += rowWeight[r];
  }
  const rows = toRows();
  return composite([input, target], () => {
    const picked = reshape(gather(rows, 1, fromArray([tv.length, 1], index, 'int32', 'nllLoss', input.storage.device)), [tv.length]);
    const loss = neg(mul(picked, fromArray([tv.length], rowWeight, 'float32', 'nllLoss', input.storage.device)));
    if (reduction === 'none') return reshape(loss, target.shape);
    if (reduction === 'mean') return mul(sum(loss), 1 / total);
    return reduce('nllLoss', loss, reduction);
  });
}

export interface KLDivOptions {
  /** 'mean' (over all elements), 'batchmean' (sum / N: the true KL divergence), 'sum' or 'none'. Default 'mean'. */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities. Default false. */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence KL(target || input) for log-probabilities input:
 * target (log target - input), taken as 0 where target = 0.
 * Shapes: input, target (N, *), same.
 * @example klDiv(logSoftmax(student, 1), softmax(teacher, 1), { reduction: 'batchmean' })
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  pair('klDiv', input, target);
  return composite([input, target], () => {
    let loss: Tensor;
    if (options.logTarget) loss = mul(exp(target), sub(target, input));
    else {
      const positive = gt(target, 0);
      loss = sub(where(positive, mul(target, log(where(positive, target, 1))), 0), mul(target, input));
    }
    return reduce('klDiv', loss, options.reduction ?? 'mean', input.ndim === 0 ? 1 : input.shape[0]);
  });
}
