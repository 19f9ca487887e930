// The functional core behind the layers: linear, batch and layer normalisation, adaptive average
// pooling. linear and training-mode batchNorm call one recorded op each (src/ops: linearOp,
// batchNormTrain, with hand-written backward passes); the rest compose engine ops, so autograd
// derives their gradients. The layer classes only normalise their arguments and call these.

import { noGrad } from '../core/autograd.js';
import { fromArray } from '../core/exec.js';
import { composite, releasing } from '../core/lifetime.js';
import { fmt } from '../core/shape.js';
import { assertTensor, type Tensor } from '../core/tensor.js';
import { avgPool2d } from '../ops/conv.js';
import { add, mul, rsqrt, sub } from '../ops/elementwise.js';
import { linearOp, matmul } from '../ops/linalg.js';
import { reshape, squeeze, transpose, unsqueeze } from '../ops/movement.js';
import { batchNormTrain } from '../ops/nn.js';
import { mean } from '../ops/reduce.js';

/**
 * y = x W^T + b, like torch.nn.functional.linear.
 * Shapes: x (*, in), weight (out, in), bias (out) -> (*, out).
 * @example linear(randn([32, 784]), w, b).shape // [32, 10] for w (10, 784)
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  assertTensor('linear', x);
  assertTensor('linear', weight, 'weight');
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D (out, in), got shape ${fmt(weight.shape)}`);
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new RangeError(`linear: input must have ${weight.shape[1]} features in its last dim, got shape ${fmt(x.shape)}`);
  }
  if (bias != null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new RangeError(`linear: bias must have shape [${weight.shape[0]}], got ${fmt(bias.shape)}`);
  }
  return linearOp(x, weight, bias ?? null);
}

export interface BatchNormOptions {
  /** Scale (C), applied after normalising. */
  weight?: Tensor | null;
  /** Shift (C). */
  bias?: Tensor | null;
  /** Normalise with the batch's statistics (and update the running ones) instead of the running ones. Default false. */
  training?: boolean;
  /** Weight of the new batch in the running averages. Default 0.1. */
  momentum?: number;
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
          runningMean.copy_(add(mul(runningMean, 1 - momentum), mul(mu, momentum)));
          runningVar.copy_(add(mul(runningVar, 1 - momentum), mul(v, (momentum * n) / (n - 1))));
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

/**
 * The (outSize, inSize) matrix that averages PyTorch's adaptive windows
 * [floor(i * in / out), ceil((i + 1) * in / out)).
 */
function adaptiveMatrix(inSize: number, outSize: number, like: Tensor): Tensor {
  const m = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    for (let j = start; j < end; j++) m[i * inSize + j] = 1 / (end - start);
  }
  return fromArray([outSize, inSize], m, 'float32', 'adaptiveAvgPool2d', like.storage.device);
}

/**
 * Average pooling to a fixed output size, like torch.nn.functional.adaptive_avg_pool2d. When the
 * sizes divide, this is avgPool2d; otherwise the windows overlap and it is P_h x P_w^T with
 * averaging matrices. Shape: x (N, C, H, W) or (C, H, W) -> (N, C, OH, OW); a null size keeps the input's.
 * @example adaptiveAvgPool2d(x, 1) // global average pooling: (N, C, 1, 1)
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  assertTensor('adaptiveAvgPool2d', x);
  if (x.ndim === 3) return squeeze(adaptiveAvgPool2d(unsqueeze(x, 0), outputSize), 0);
  if (x.ndim !== 4) throw new RangeError(`adaptiveAvgPool2d: input must be (N, C, H, W) or (C, H, W), got shape ${fmt(x.shape)}`);
  const [h, w] = [x.shape[2], x.shape[3]];
  const [oh, ow] = typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0] ?? h, outputSize[1] ?? w];
  for (const o of [oh, ow]) {
    if (!Number.isInteger(o) || o < 1) {
      throw new RangeError(`adaptiveAvgPool2d: outputSize must be positive integers, got ${JSON.stringify(outputSize)}`);
    }
  }
  if (h === 0 || w === 0) throw new RangeError(`adaptiveAvgPool2d: input must have non-empty H and W, got shape ${fmt(x.shape)}`);
  if (h % oh === 0 && w % ow === 0) return avgPool2d(x, [h / oh, w / ow]);
  const rows = matmul(adaptiveMatrix(h, oh, x), x); // (N, C, OH, W)
  return matmul(rows, transpose(adaptiveMatrix(w, ow, x), 0, 1)); // (N, C, OH, OW)
}
