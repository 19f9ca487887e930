// The Backend interface: the small set of primitives every op is composed from, computing in the
// memory of one device (src/backend/device.ts). Only src/core talks to a backend; the registry of
// devices is src/backend/registry.ts.
//
// Arguments are views: a buffer handle of the device plus an offset in elements (never a raw
// address: a GPU buffer has none), with shapes and strides in elements where the layout may be
// strided. Outputs are contiguous unless stated. Shapes arrive already validated and broadcast.

import type { DType } from '../core/dtype.js';
import type { BinaryOp } from '../core/primitives/binary.js';
import type { UnaryOp } from '../core/primitives/unary.js';

/** A buffer of one device's memory, opaque to everything but that device. @example device.allocate(64).nbytes // 64 */
export interface DeviceBuffer {
  readonly nbytes: number;
}

/** Where a tensor argument starts: a buffer and the offset of element 0 in it, in elements. */
export interface View {
  readonly buffer: DeviceBuffer;
  readonly offset: number;
}

/** A strided tensor argument: a view, its dtype, and per-dim sizes and element strides. */
export interface Strided extends View {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

// The elementwise primitives are defined (name, dtype rule, scalar reference, gradient) once, in
// src/core/primitives; their names are the types every backend's dispatch is keyed by.
export type { BinaryOp } from '../core/primitives/binary.js';
export type { UnaryOp } from '../core/primitives/unary.js';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/** A 2-D operand of a matrix product: row-major with leading dimension `ld`, or its transpose. */
export interface MatArg extends View {
  ld: number;
  trans: boolean;
}

/** Convolution geometry, NCHW input (N, C, H, W), OIHW weight (O, C/groups, KH, KW). */
export interface Conv2dGeom {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilH: number;
  dilW: number;
  groups: number;
}

/** Pooling geometry on NCHW input. */
export interface Pool2dGeom {
  n: number;
  c: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  /** avgPool2d: whether zero padding counts in the divisor. */
  countIncludePad: boolean;
}

/**
 * One fused Adam/AdamW step (adamStep). Scalars as the unfused update uses them: c1 = 1 - beta1,
 * c2 = 1 - beta2, stepSize = lr / (1 - beta1^t), bc2 = sqrt(1 - beta2^t); `decay` = 1 - lr * wd
 * multiplies the parameter first when `decoupled` (AdamW); `l2` adds wd * param to the gradient (Adam).
 */
export interface AdamStepArgs {
  beta1: number;
  c1: number;
  beta2: number;
  c2: number;
  stepSize: number;
  bc2: number;
  eps: number;
  decay: number;
  wd: number;
  decoupled: boolean;
  l2: boolean;
  amsgrad: boolean;
  maximize: boolean;
}

/** The distribution of a `random` draw: uniform [0, 1) or standard normal float32, or uniform int32 in [low, high). */
export type RandomDist = 'uniform' | 'normal' | 'int';

/**
 * The fused cross-entropy of contiguous float32 logits (rows, cols) against int32 class targets
 * (rows), each row in one pass (crossEntropyRows). With q the target distribution
 * ((1 - smoothing) onehot(t) + smoothing / cols) and w the class weights (all 1 when null):
 * loss[r] = -sum_c w-weighted q_c log softmax_c, rowWeight[r] = w[t] (the weighted mean's
 * denominator term), grad (rows, cols) = d loss[r] / d logits[r]. A row whose target is ignoreIndex
 * has loss, rowWeight and grad 0; a target outside [0, cols) otherwise makes its loss, rowWeight
 * and grad NaN. Non-target classes with q_c = 0 add nothing to the loss (a -inf logit there is fine).
 * The exact weighting with smoothing is PyTorch's (src/ops/nn.ts, crossEntropyOnHost).
 */
export interface CrossEntropyRowsArgs {
  logits: View;
  target: View;
  weight: View | null;
  rows: number;
  cols: number;
  ignoreIndex: number;
  smoothing: number;
  loss: View;
  rowWeight: View;
  grad: View;
}

/**
 * The primitives of one device, on views of that device's buffers. `adamStep` and
 * `maxPool2dBackward` are fused kernels a backend may lack: the ops then compose the same result
 * from the other primitives (src/ops/optim.ts, src/ops/conv.ts).
 */
export interface Backend {
  readonly name: string;
  /** out[i] = value, `n` elements of `dtype`. */
  fill(out: View, dtype: DType, n: number, value: number): void;
  /** dst = src elementwise (same shape), converting dtype if they differ. */
  copy(src: Strided, dst: Strided): void;
  /** out = op(x); out contiguous of x's shape; `alpha` parameterises leakyRelu/elu. */
  unary(op: UnaryOp, x: Strided, out: View, outDtype: DType, alpha: number): void;
  /** out = op(a, b); a and b have the (broadcast) output shape, with 0 strides on repeated dims. */
  binary(op: BinaryOp, a: Strided, b: Strided, out: View, outDtype: DType): void;
  /** out = cond ? a : b, all three broadcast to the output shape. */
  where(cond: Strided, a: Strided, b: Strided, out: View, outDtype: DType): void;
  /** Contiguous x viewed as (outer, r, inner) reduced over r: out (outer, inner). */
  reduce(op: ReduceOp, x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void;
  /** Index of the max (or min) along r of contiguous (outer, r, inner): int32 out (outer, inner). */
  argReduce(op: 'argmax' | 'argmin', x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void;
  /** C (m, n) = A (m, k) @ B (k, n), plus C when `accumulate`. float32. */
  matmul(m: number, n: number, k: number, a: MatArg, b: MatArg, c: View, ldc: number, accumulate: boolean): void;
  /** Row-wise softmax (or log-softmax) of contiguous (rows, cols) float32. */
  softmax(x: View, rows: number, cols: number, out: View, log: boolean): void;
  /** y (N, O, OH, OW) = conv2d(x, w) + bias, the bias (O) broadcast over (N, ., OH, OW); null for none. */
  conv2d(x: View, w: View, bias: View | null, y: View, g: Conv2dGeom): void;
  /** gx (N, C, H, W) = gradient of conv2d with respect to x. */
  conv2dBackwardInput(gy: View, w: View, gx: View, g: Conv2dGeom): void;
  /** gw (O, C/groups, KH, KW) = gradient of conv2d with respect to w. */
  conv2dBackwardWeight(x: View, gy: View, gw: View, g: Conv2dGeom): void;
  /** Max pooling; writes the flat input index (within each (n, c) plane) of each max to `indices` (int32). */
  maxPool2d(x: View, y: View, indices: View, g: Pool2dGeom): void;
  /** Optional fused kernel: gx (zeroed here) += gy at indices; else a scatterAdd over planes. */
  maxPool2dBackward?(gy: View, indices: View, gx: View, g: Pool2dGeom): void;
  avgPool2d(x: View, y: View, g: Pool2dGeom): void;
  avgPool2dBackward(gy: View, gx: View, g: Pool2dGeom): void;
  /** out (outer, n, inner) = x (outer, d, inner) at rows idx (n int32 in 0..d-1). */
  indexSelect(x: View, dtype: DType, outer: number, d: number, inner: number, idx: View, n: number, out: View): void;
  /** out (outer, d, inner) += src (outer, n, inner) at rows idx. float32. */
  indexAdd(src: View, outer: number, n: number, inner: number, idx: View, d: number, out: View): void;
  /** torch.gather along `axis`: out[..i..] = x[..index[..i..]..]; all contiguous, index int32 of out's shape. */
  gather(x: View, dtype: DType, xShape: readonly number[], axis: number, index: View, outShape: readonly number[], out: View): void;
  /** The adjoint of gather: out (xShape, zeroed by caller) += src at index along axis. float32. */
  scatterAdd(src: View, outShape: readonly number[], axis: number, index: View, xShape: readonly number[], out: View): void;
  /**
   * Optional fused kernel. In place over n contiguous float32 elements: m, v (and vmax when
   * amsgrad) and the parameter p take one Adam step with gradient g, in f32 exactly as the
   * unfused ops would.
   */
  adamStep?(p: View, g: View, m: View, v: View, vmax: View | null, n: number, a: AdamStepArgs): void;
  /**
   * Optional: `n` values of `dist` into contiguous `out` (float32, or int32 for 'int' in [low, high))
   * from a counter-based generator keyed by `seed` (two u32 words drawn from the caller's
   * Generator): one dispatch, reproducible per device, not the CPU's stream. Without it, values
   * are drawn on the host and written to the device.
   */
  random?(out: View, n: number, dist: RandomDist, seed: readonly [number, number], low: number, high: number): void;
  /** Optional fused cross-entropy of (rows, cols) logits (CrossEntropyRowsArgs); else the op composes it. */
  crossEntropyRows?(a: CrossEntropyRowsArgs): void;
}
