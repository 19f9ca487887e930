// Neural-network functions: softmax, logSoftmax, dropout and a numerically stable cross-entropy
// with three paths: the backend's fused kernel (crossEntropyRows: loss and gradient rows in one
// pass) for class-index targets where the backend has one (the webgpu device); fused on the host,
// its gradient in one step (softmax - target), where the device reads synchronously and the
// classes are few (faster there); composed from engine ops on the device (src/ops/nll.ts) where it
// cannot, and from 100 classes on (faster there).

import { attach, noGrad } from '../core/autograd.js';
import { emptyTensor, fromArray, launch, readsOnHost, readValues, sameDevice } from '../core/exec.js';
import { composite, ownByGraph } from '../core/lifetime.js';
import { fmt, normAxis } from '../core/shape.js';
import { assertTensor, type Tensor } from '../core/tensor.js';
import { rand } from './creation.js';
import { add, div, exp, lt, mul, neg, rsqrt, sub } from './elementwise.js';
import { contiguous, permute, reshape, transpose } from './movement.js';
import { nllRows } from './nll.js';
import { mean, sum } from './reduce.js';

/** Row-wise softmax or log-softmax over the last dim of a contiguous tensor. */
function softmaxLast(x: Tensor, log: boolean): Tensor {
  const cx = contiguous(x);
  const cols = x.shape[x.ndim - 1];
  const rows = cols === 0 ? 0 : x.size / cols;
  const dev = x.storage.device;
  return launch(dev, (b) => {
    const out = emptyTensor(x.shape, 'float32', log ? 'logSoftmax' : 'softmax', dev);
    if (rows > 0) b.softmax(cx, rows, cols, out, log);
    return out;
  });
}

function softmaxAny(name: string, x: Tensor, dim: number, log: boolean): Tensor {
  assertTensor(name, x);
  if (x.dtype !== 'float32') throw new TypeError(`${name}: expected a float32 tensor, got ${x.dtype}`);
  if (x.ndim === 0) throw new RangeError(`${name}: expected at least 1 dim, got a scalar`);
  const d = normAxis(name, dim, x.ndim);
  const last = x.ndim - 1;
  const y = d === last ? softmaxLast(x, log) : transpose(softmaxLast(transpose(x, d, last), log), d, last);
  return attach(y, name, [x], (g) => (log ? [sub(g, mul(exp(y), sum(g, d, true)))] : [mul(y, sub(g, sum(mul(g, y), d, true)))]));
}

/**
 * exp(x) / sum(exp(x)) along `dim`, computed stably.
 * @example softmax(logits, -1) // rows sum to 1
 */
export const softmax = (x: Tensor, dim = -1): Tensor => softmaxAny('softmax', x, dim, false);
/** log(softmax(x)) along `dim`, computed stably. */
export const logSoftmax = (x: Tensor, dim = -1): Tensor => softmaxAny('logSoftmax', x, dim, true);

/**
 * Zeroes each element with probability `p` and scales the rest by 1/(1-p) when `training`.
 * @example dropout(h, 0.2, model.training)
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  assertTensor('dropout', x);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout: p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const r = rand(x.shape, { device: x.storage.device });
  const keep = lt(r, 1 - p);
  r.dispose();
  const mask = div(keep, 1 - p);
  keep.dispose();
  const y = mul(x, mask);
  ownByGraph(y, [mask], [x]); // the mask is read only by y's backward
  return y;
}

export interface CrossEntropyOptions {
  /** 'mean' (default; weighted mean when `weight` is given), 'sum' or 'none'. */
  reduction?: 'mean' | 'sum' | 'none';
  /** Per-class weights (C). */
  weight?: Tensor;
  /** Target value that contributes no loss and no gradient. Default -100. */
  ignoreIndex?: number;
  /** Mixes the targets with the uniform distribution: q = (1 - s) onehot + s / C. Default 0. */
  labelSmoothing?: number;
}

/** crossEntropy's arguments, checked, with the defaults applied. @internal */
export interface CrossEntropyArgs {
  logits: Tensor;
  target: Tensor;
  weight: Tensor | null;
  ignoreIndex: number;
  labelSmoothing: number;
  reduction: 'mean' | 'sum' | 'none';
}

/**
 * Cross-entropy between logits and targets, fused with log-softmax (like torch.nn.functional.cross_entropy).
 * Shapes: logits (N, C) or (N, C, d...); target int32 class indices (N) or (N, d...), or float32
 * class probabilities of the logits' shape. A class-index target outside [0, C) that is not
 * ignoreIndex throws; on a device that cannot be read synchronously (a GPU) it cannot be checked
 * without a read, so there an out-of-range target makes the loss NaN (its row's loss with
 * reduction 'none') instead of throwing.
 * @example crossEntropy(model(x), labels).backward()
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const args = checkCrossEntropy(logits, target, options);
  const host = readsOnHost(logits.storage.device);
  if (target.dtype === 'int32' && logits.storage.device.backend.crossEntropyRows !== undefined) {
    if (host) checkTargets(args); // the host path's errors; without a read, an out-of-range target gives NaN
    return crossEntropyFused(args);
  }
  if (!host) return crossEntropyOnDevice(args);
  if (logits.shape[1] < COMPOSED_MIN_CLASSES) return crossEntropyOnHost(args);
  checkTargets(args); // the host path's errors, from a read of the targets alone
  return crossEntropyOnDevice(args);
}

/**
 * From this many classes on, the composed path is faster than the host path on the CPU device,
 * forward + backward (bench/cross_entropy_paths.ts, 2 shared cores, composed/host): (128, 10) 2.3,
 * (1024, 10) 1.9, (128, 32) 1.1, (64, 64) 1.0, (64, 128) 0.79, (128, 100) 0.65, (64, 1000) 0.50.
 * Below it the host loop wins: the composed path's fixed cost (about 15 small ops) dominates.
 */
const COMPOSED_MIN_CLASSES = 100;

/** Throws the host path's RangeError for the first class-index target outside [0, C) that is not ignoreIndex. */
function checkTargets(a: CrossEntropyArgs): void {
  if (a.target.dtype !== 'int32' || a.target.size === 0) return;
  const c = a.logits.shape[1];
  const tv = readValues(a.target, 'crossEntropy');
  for (let r = 0; r < tv.length; r++) {
    const t = tv[r];
    if (t !== a.ignoreIndex && (t < 0 || t >= c)) throw targetRangeError(t, c, r, a.ignoreIndex);
  }
}

function targetRangeError(t: number, c: number, row: number, ignoreIndex: number): RangeError {
  return new RangeError(
    `crossEntropy: target ${t} is out of range for ${c} classes (row ${row}; valid: 0 to ${c - 1}, or ignoreIndex ${ignoreIndex})`,
  );
}

function checkCrossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions): CrossEntropyArgs {
  const { reduction = 'mean', weight, ignoreIndex = -100, labelSmoothing = 0 } = options;
  assertTensor('crossEntropy', logits, 'logits');
  assertTensor('crossEntropy', target, 'target');
  if (weight !== undefined) assertTensor('crossEntropy', weight, 'weight');
  if (logits.ndim < 2) throw new RangeError(`crossEntropy: logits must be (N, C) or (N, C, d...), got shape ${fmt(logits.shape)}`);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
    throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  if (!Number.isInteger(ignoreIndex)) throw new TypeError(`crossEntropy: ignoreIndex must be an integer, got ${String(ignoreIndex)}`);
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none')
    throw new RangeError(`crossEntropy: reduction must be 'mean', 'sum' or 'none', got ${String(reduction)}`);
  const c = logits.shape[1];
  if (weight !== undefined && (weight.ndim !== 1 || weight.shape[0] !== c))
    throw new RangeError(`crossEntropy: weight must have shape [${c}], got ${fmt(weight.shape)}`);
  const spatial = logits.shape.slice(2);
  if (target.dtype === 'float32') {
    if (target.shape.some((d, i) => d !== logits.shape[i]) || target.ndim !== logits.ndim) {
      throw new RangeError(`crossEntropy: probability targets must match logits shape ${fmt(logits.shape)}, got ${fmt(target.shape)}`);
    }
  } else if (target.dtype !== 'int32') {
    throw new TypeError(`crossEntropy: target must be int32 class indices or float32 probabilities, got ${target.dtype}`);
  } else if (
    target.ndim !== logits.ndim - 1 ||
    target.shape[0] !== logits.shape[0] ||
    target.shape.slice(1).some((d, i) => d !== spatial[i])
  ) {
    throw new RangeError(
      `crossEntropy: target shape ${fmt(target.shape)} does not match logits ${fmt(logits.shape)} (expected ${fmt([logits.shape[0], ...spatial])})`,
    );
  }
  sameDevice('crossEntropy', logits, target, 'input', 'target');
  if (weight !== undefined) sameDevice('crossEntropy', logits, weight, 'input', 'weight');
  return { logits, target, weight: weight ?? null, ignoreIndex, labelSmoothing, reduction };
}

/** (N, C, d...) -> (N*d..., C): the class dim last, one row per target. */
function classRows(x: Tensor): { rows: Tensor; order: number[] } {
  const c = x.shape[1];
  const order = [0, ...x.shape.slice(2).map((_, i) => i + 2), 1];
  return { rows: x.ndim === 2 ? x : reshape(permute(x, order), [-1, c]), order };
}

/**
 * crossEntropy composed from engine ops on the logits' device (log-softmax, gather, where, sum),
 * reading nothing back; autograd derives the gradient. Its path on a device that cannot be read
 * synchronously; an out-of-range target gives NaN. @internal
 * @example crossEntropyOnDevice({ logits, target, weight: null, ignoreIndex: -100, labelSmoothing: 0, reduction: 'mean' })
 */
export function crossEntropyOnDevice(a: CrossEntropyArgs): Tensor {
  const { logits, target } = a;
  const inputs = a.weight === null ? [logits, target] : [logits, target, a.weight];
  return composite(inputs, () => {
    const lsm = logSoftmax(classRows(logits).rows, 1); // (R, C)
    const t2 = target.dtype === 'float32' ? classRows(target).rows : reshape(target, [-1]); // (R, C) or (R)
    const loss = nllRows(lsm, t2, a);
    return a.reduction === 'none' ? reshape(loss, [logits.shape[0], ...logits.shape.slice(2)]) : loss;
  });
}

/**
 * crossEntropy with the backend's fused kernel (crossEntropyRows): one pass gives each row's loss,
 * target weight and gradient; the reduction and the backward (the stored gradient rows scaled by
 * the upstream gradient) are engine ops, so nothing is read back. int32 targets only. @internal
 * @example crossEntropyFused({ logits, target, weight: null, ignoreIndex: -100, labelSmoothing: 0, reduction: 'mean' })
 */
export function crossEntropyFused(a: CrossEntropyArgs): Tensor {
  const { logits, target, weight, reduction } = a;
  const c = logits.shape[1];
  const spatial = logits.shape.slice(2);
  const dev = logits.storage.device;
  const inputs = weight === null ? [logits, target] : [logits, target, weight];
  return composite(inputs, () => {
    const { rows: x2, order } = classRows(logits);
    const cx = contiguous(x2); // (R, C)
    const ct = contiguous(reshape(target, [-1])); // (R)
    const cw = weight === null ? null : contiguous(weight); // (C)
    const rows = cx.shape[0];
    const loss = emptyTensor([rows], 'float32', 'crossEntropy', dev);
    const rowWeight = emptyTensor([rows], 'float32', 'crossEntropy', dev);
    const grad = emptyTensor([rows, c], 'float32', 'crossEntropy', dev);
    launch(dev, (b) =>
      b.crossEntropyRows?.({
        logits: cx,
        target: ct,
        weight: cw,
        rows,
        cols: c,
        ignoreIndex: a.ignoreIndex,
        smoothing: a.labelSmoothing,
        loss,
        rowWeight,
        grad,
      }),
    );
    const y = noGrad(() => {
      if (reduction === 'none') return reshape(loss, [logits.shape[0], ...spatial]);
      const s = sum(loss);
      return reduction === 'sum' ? s : div(s, sum(rowWeight));
    });
    return attach(y, 'crossEntropy', [logits], (g) =>
      noGrad(() => {
        // d loss / d logits: the kernel's rows times the upstream gradient (over sum(rowWeight) for 'mean')
        const scale = reduction === 'none' ? reshape(g, [rows, 1]) : reduction === 'sum' ? g : div(g, sum(rowWeight));
        const gx = mul(grad, scale);
        if (logits.ndim === 2) return [gx];
        const inv = order.map((_, i) => order.indexOf(i));
        return [contiguous(permute(reshape(gx, [logits.shape[0], ...spatial, c]), inv))];
      }),
    );
  });
}

/**
 * crossEntropy computed on the host from the log-softmax, with its gradient in one step
 * (softmax * sum(q) - q): the path on devices that read synchronously, which also checks every
 * target (a RangeError naming the row). @internal
 * @example crossEntropyOnHost({ logits, target, weight: null, ignoreIndex: -100, labelSmoothing: 0, reduction: 'mean' })
 */
export function crossEntropyOnHost(a: CrossEntropyArgs): Tensor {
  const { logits, target, weight, ignoreIndex, labelSmoothing, reduction } = a;
  const c = logits.shape[1];
  const spatial = logits.shape.slice(2);
  const { rows: x2, order } = classRows(logits);
  const probs = target.dtype === 'float32';
  const rows = x2.shape[0];
  const lsm = softmaxLast(x2, true);
  const lsmv = readValues(lsm, 'crossEntropy') as Float32Array;
  const w = weight ? (readValues(weight, 'crossEntropy') as Float32Array) : null;
  // q: the target distribution per row, scaled by the row's weight (zero for ignored rows)
  const q = new Float32Array(rows * c);
  const rowLoss = new Float32Array(rows);
  let denom = 0;
  if (probs) {
    const tv = readValues(classRows(target).rows, 'crossEntropy');
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < c; k++) {
        const qk = ((1 - labelSmoothing) * tv[r * c + k] + labelSmoothing / c) * (w ? w[k] : 1);
        q[r * c + k] = qk;
        rowLoss[r] -= qk * lsmv[r * c + k];
      }
    }
    denom = rows;
  } else {
    const tv = readValues(target, 'crossEntropy');
    for (let r = 0; r < rows; r++) {
      const t = tv[r];
      if (t === ignoreIndex) continue;
      if (t < 0 || t >= c) throw targetRangeError(t, c, r, ignoreIndex);
      const wr = w ? w[t] : 1;
      denom += wr;
      for (let k = 0; k < c; k++) {
        const qk = (labelSmoothing / c) * (w ? w[k] : 1) + (k === t ? (1 - labelSmoothing) * wr : 0);
        q[r * c + k] = qk;
        rowLoss[r] -= qk * lsmv[r * c + k];
      }
    }
  }
  const scale = reduction === 'mean' ? 1 / denom : 1;
  let y: Tensor;
  const dev = logits.storage.device;
  if (reduction === 'none') y = fromArray(probs ? [rows] : target.shape, rowLoss, 'float32', 'crossEntropy', dev);
  else {
    let s = 0;
    for (let r = 0; r < rows; r++) s += rowLoss[r];
    y = fromArray([], [s * scale], 'float32', 'crossEntropy', dev);
  }
  if (reduction === 'none' && probs) y = reshape(y, [logits.shape[0], ...spatial]);
  const qt = fromArray([rows, c], q, 'float32', 'crossEntropy', dev);
  return attach(
    y,
    'crossEntropy',
    [logits],
    (g) =>
      noGrad(() => {
        // d loss_r / d x_r = softmax(x_r) * sum(q_r) - q_r
        const qsum = sum(qt, 1, true);
        let gx = sub(mul(exp(lsm), qsum), qt);
        gx = reduction === 'none' ? mul(gx, reshape(g, [rows, 1])) : mul(gx, mul(g, scale));
        if (logits.ndim === 2) return [gx];
        const inv = order.map((_, i) => order.indexOf(i));
        return [contiguous(permute(reshape(gx, [logits.shape[0], ...spatial, c]), inv))];
      }),
    [lsm, qt],
  );
}

/**
 * Batch normalisation with the batch's own statistics, as one recorded op: per channel of x
 * (N, C, *), y = (x - mean) / sqrt(var + eps) * weight + bias with the biased variance. Its
 * backward uses the closed form (three full-size passes instead of about ten for the composed
 * ops): gx = a (g - mean(g) - xhat mean(g xhat)) with a = weight / sqrt(var + eps).
 * Returns y and the batch mean and biased variance (C) for the running statistics.
 * Arguments are checked by the caller (nn's batchNorm).
 */
export function batchNormTrain(
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): { y: Tensor; mean: Tensor; variance: Tensor } {
  const c = x.shape[1];
  const stat = [1, c, ...x.shape.slice(2).map(() => 1)]; // (1, C, 1, ...)
  const axes = [0, ...x.shape.slice(2).map((_, i) => i + 2)];
  const n = x.size / c;
  const w = weight === null ? null : reshape(weight.detach(), stat);
  const { d, mu, v, invstd, a, y } = noGrad(() => {
    const mu = mean(x.detach(), axes, true); // (1, C, 1, ...)
    const d = sub(x.detach(), mu); // (N, C, *)
    const d2 = mul(d, d);
    const v = mean(d2, axes, true);
    d2.dispose(); // temporaries are released at once: a synchronous loop would have to spill them
    const ve = add(v, eps);
    const invstd = rsqrt(ve);
    ve.dispose();
    const a = w === null ? invstd : mul(invstd, w); // the per-channel scale
    const y = mul(d, a);
    if (bias !== null) y.add_(reshape(bias.detach(), stat));
    return { d, mu, v, invstd, a, y };
  });
  const inputs = [x, ...(weight === null ? [] : [weight]), ...(bias === null ? [] : [bias])];
  const out = attach(
    y,
    'batchNorm',
    inputs,
    (g) => {
      const gSum = sum(g, axes, true); // (1, C, 1, ...): the bias gradient
      const gdSum = sum(mul(g, d), axes, true); // sum(g (x - mean)) per channel
      let gx: Tensor | null = null;
      if (x.requiresGrad) {
        gx = mul(g, a);
        gx.add_(mul(d, neg(div(mul(mul(a, mul(invstd, invstd)), gdSum), n))));
        gx.add_(neg(div(mul(a, gSum), n)));
      }
      const grads: (Tensor | null)[] = [gx];
      if (weight !== null) grads.push(weight.requiresGrad ? reshape(mul(gdSum, invstd), [c]) : null); // sum(g xhat)
      if (bias !== null) grads.push(bias.requiresGrad ? reshape(gSum, [c]) : null);
      return grads;
    },
    [d, invstd, a],
  ); // saved for the backward alone
  return { y: out, mean: reshape(mu, [c]), variance: reshape(v, [c]) };
}
