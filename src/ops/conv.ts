// Convolution and pooling: conv1d, conv2d (stride, padding, dilation, groups), maxPool2d,
// avgPool2d and their 1-D forms, each with its gradient. Layout NCHW, weights OIHW.

import type { Conv2dGeom, Pool2dGeom } from '../backend/backend.js';
import { attach } from '../core/autograd.js';
import { devicesOf, emptyTensor, filled, launch, sameDevice } from '../core/exec.js';
import { fmt } from '../core/shape.js';
import { assertTensor, type Tensor } from '../core/tensor.js';
import { contiguous, reshape, squeeze, unsqueeze } from './movement.js';
import { sum } from './reduce.js';

type Pair = number | readonly [number, number];

export interface Conv2dOptions {
  /** Step between windows. Default 1. */
  stride?: Pair;
  /** Zero padding on each side, or 'same' (stride 1 only) / 'valid'. Default 0. */
  padding?: Pair | 'same' | 'valid';
  /** Spacing between kernel taps. Default 1. */
  dilation?: Pair;
  /** Split channels into groups convolved separately. Default 1. */
  groups?: number;
}

function pair(op: string, name: string, v: Pair, min: number): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!Array.isArray(v) && typeof v !== 'number') throw new TypeError(`${op}: ${name} must be a number or [h, w], got ${String(v)}`);
  if (p.some((x) => !Number.isInteger(x) || x < min))
    throw new RangeError(`${op}: ${name} must be integers >= ${min}, got ${JSON.stringify(v)}`);
  return p;
}

function outSize(op: string, inp: number, k: number, s: number, p: number, d: number, dim: string): number {
  const o = Math.floor((inp + 2 * p - d * (k - 1) - 1) / s) + 1;
  if (o <= 0) throw new RangeError(`${op}: kernel (${k}, dilation ${d}) is larger than the padded input (${inp} + 2*${p}) in ${dim}`);
  return o;
}

/**
 * 2-D convolution (cross-correlation, as in PyTorch).
 * Shapes: x (N, C, H, W), weight (O, C/groups, KH, KW), bias (O) -> (N, O, OH, OW).
 * @example conv2d(x, w, b, { stride: 1, padding: 1 })
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2dOptions = {}): Tensor {
  assertTensor('conv2d', x);
  assertTensor('conv2d', weight, 'weight');
  if (bias != null) assertTensor('conv2d', bias, 'bias');
  if (x.ndim !== 4) throw new RangeError(`conv2d: input must be 4-D (N, C, H, W), got shape ${fmt(x.shape)}`);
  if (weight.ndim !== 4) throw new RangeError(`conv2d: weight must be 4-D (O, C/groups, KH, KW), got shape ${fmt(weight.shape)}`);
  if (x.dtype !== 'float32' || weight.dtype !== 'float32')
    throw new TypeError(`conv2d: expected float32 input and weight, got ${x.dtype} and ${weight.dtype}`);
  const groups = options.groups ?? 1;
  const [n, c, h, w] = x.shape;
  const [o, cg, kh, kw] = weight.shape;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || o % groups !== 0) {
    throw new RangeError(`conv2d: groups (${groups}) must divide input channels (${c}) and output channels (${o})`);
  }
  if (cg * groups !== c)
    throw new RangeError(
      `conv2d: weight ${fmt(weight.shape)} expects ${cg * groups} input channels (C/groups = ${cg}, groups ${groups}), got input ${fmt(x.shape)}`,
    );
  const [sh, sw] = pair('conv2d', 'stride', options.stride ?? 1, 1);
  const [dh, dw] = pair('conv2d', 'dilation', options.dilation ?? 1, 1);
  let ph: number;
  let pw: number;
  const padding = options.padding ?? 0;
  if (padding === 'valid') [ph, pw] = [0, 0];
  else if (padding === 'same') {
    if (sh !== 1 || sw !== 1) throw new RangeError("conv2d: padding 'same' needs stride 1");
    if ((dh * (kh - 1)) % 2 !== 0 || (dw * (kw - 1)) % 2 !== 0)
      throw new RangeError("conv2d: padding 'same' needs an odd effective kernel size");
    [ph, pw] = [(dh * (kh - 1)) / 2, (dw * (kw - 1)) / 2];
  } else [ph, pw] = pair('conv2d', 'padding', padding, 0);
  if (bias != null && (bias.ndim !== 1 || bias.shape[0] !== o))
    throw new RangeError(`conv2d: bias must have shape [${o}], got ${fmt(bias.shape)}`);
  if (bias != null && bias.dtype !== 'float32') throw new TypeError(`conv2d: expected a float32 bias, got ${bias.dtype}`);
  const g: Conv2dGeom = {
    n,
    c,
    h,
    w,
    o,
    kh,
    kw,
    oh: outSize('conv2d', h, kh, sh, ph, dh, 'height'),
    ow: outSize('conv2d', w, kw, sw, pw, dw, 'width'),
    strideH: sh,
    strideW: sw,
    padH: ph,
    padW: pw,
    dilH: dh,
    dilW: dw,
    groups,
  };
  const cx = contiguous(x);
  const cw = contiguous(weight);
  const cb = bias == null ? null : contiguous(bias);
  const dev =
    cb === null ? sameDevice('conv2d', x, weight, 'input', 'weight') : devicesOf('conv2d', [x, weight, cb], ['input', 'weight', 'bias']);
  const y = launch(dev, (b) => {
    const out = emptyTensor([n, o, g.oh, g.ow], 'float32', 'conv2d', dev);
    // the backend adds the bias (broadcast over (N, ., OH, OW)) as it writes y
    if (out.size > 0) b.conv2d(cx, cw, cb, out, g);
    return out;
  });
  return attach(y, 'conv2d', cb === null ? [cx, cw] : [cx, cw, cb], (gy) => {
    const cgy = contiguous(gy);
    const gx = cx.requiresGrad
      ? launch(dev, (b) => {
          const out = emptyTensor(x.shape, 'float32', 'conv2d', dev);
          b.conv2dBackwardInput(cgy, cw, out, g);
          return out;
        })
      : null;
    const gw = cw.requiresGrad
      ? launch(dev, (b) => {
          const out = emptyTensor(weight.shape, 'float32', 'conv2d', dev);
          b.conv2dBackwardWeight(cx, cgy, out, g);
          return out;
        })
      : null;
    // (N, O, OH, OW) summed over the positions, then the images: contiguous reductions, no copy
    const gb = cb?.requiresGrad ? sum(sum(reshape(cgy, [n, o, g.oh * g.ow]), 2), 0) : null;
    return cb === null ? [gx, gw] : [gx, gw, gb];
  });
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/**
 * 1-D convolution. Shapes: x (N, C, L), weight (O, C/groups, K), bias (O) -> (N, O, LOut).
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1dOptions = {}): Tensor {
  assertTensor('conv1d', x);
  assertTensor('conv1d', weight, 'weight');
  if (x.ndim !== 3) throw new RangeError(`conv1d: input must be 3-D (N, C, L), got shape ${fmt(x.shape)}`);
  if (weight.ndim !== 3) throw new RangeError(`conv1d: weight must be 3-D (O, C/groups, K), got shape ${fmt(weight.shape)}`);
  const padding = options.padding ?? 0;
  const y = conv2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
    stride: [1, options.stride ?? 1],
    padding: typeof padding === 'string' ? padding : [0, padding],
    dilation: [1, options.dilation ?? 1],
    groups: options.groups ?? 1,
  });
  return squeeze(y, 2);
}

export interface Pool2dOptions {
  /** Window step; defaults to the kernel size. */
  stride?: Pair;
  /** Implicit padding on each side (at most half the kernel). Default 0. */
  padding?: Pair;
  /** Round output size up instead of down. Default false. */
  ceilMode?: boolean;
  /** avgPool2d: count padded zeros in the average. Default true (PyTorch's default). */
  countIncludePad?: boolean;
}

function poolGeom(op: string, x: Tensor, kernelSize: Pair, options: Pool2dOptions): Pool2dGeom {
  assertTensor(op, x);
  if (x.ndim !== 4) throw new RangeError(`${op}: input must be 4-D (N, C, H, W), got shape ${fmt(x.shape)}`);
  if (x.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 input, got ${x.dtype}`);
  const [kh, kw] = pair(op, 'kernelSize', kernelSize, 1);
  const [sh, sw] = pair(op, 'stride', options.stride ?? [kh, kw], 1);
  const [ph, pw] = pair(op, 'padding', options.padding ?? 0, 0);
  if (ph > kh / 2 || pw > kw / 2) throw new RangeError(`${op}: padding (${ph}, ${pw}) must be at most half the kernel size (${kh}, ${kw})`);
  const [n, c, h, w] = x.shape;
  const size = (inp: number, k: number, s: number, p: number) => {
    const span = inp + 2 * p - k;
    if (span < 0) throw new RangeError(`${op}: kernel ${fmt([kh, kw])} is larger than the padded input ${fmt([h + 2 * ph, w + 2 * pw])}`);
    let out = (options.ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    // the last window must start inside the input or left padding (PyTorch's rule)
    if (options.ceilMode && (out - 1) * s >= inp + p) out--;
    return out;
  };
  return {
    n,
    c,
    h,
    w,
    oh: size(h, kh, sh, ph),
    ow: size(w, kw, sw, pw),
    kh,
    kw,
    strideH: sh,
    strideW: sw,
    padH: ph,
    padW: pw,
    countIncludePad: options.countIncludePad ?? true,
  };
}

/**
 * 2-D max pooling. x (N, C, H, W) -> (N, C, OH, OW).
 * @example maxPool2d(x, 2) // halves H and W
 */
export function maxPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  const g = poolGeom('maxPool2d', x, kernelSize, options);
  const cx = contiguous(x);
  const shape = [g.n, g.c, g.oh, g.ow];
  const dev = x.storage.device;
  const indices = emptyTensor(shape, 'int32', 'maxPool2d', dev);
  const y = launch(dev, (b) => {
    const out = emptyTensor(shape, 'float32', 'maxPool2d', dev);
    b.maxPool2d(cx, out, indices, g);
    return out;
  });
  return attach(
    y,
    'maxPool2d',
    [cx],
    (gy) => {
      const cgy = contiguous(gy);
      return [maxPool2dBackward(cgy, indices, x.shape, g)];
    },
    [indices],
  ); // the indices live only for the backward pass
}

/**
 * The gradient of maxPool2d: gx (N, C, H, W) with gy (N, C, OH, OW) added at the recorded max
 * positions. The backend's fused kernel where it has one; else a scatterAdd over (N*C) planes,
 * which the fused kernel is tested equal to.
 */
export function maxPool2dBackward(gy: Tensor, indices: Tensor, xShape: readonly number[], g: Pool2dGeom): Tensor {
  const dev = gy.storage.device;
  const be = dev.backend;
  if (be.maxPool2dBackward !== undefined) {
    dev.beginOp();
    const out = emptyTensor(xShape, 'float32', 'maxPool2d', dev);
    be.maxPool2dBackward(gy, indices, out, g);
    return out;
  }
  const planes = g.n * g.c;
  const gx = filled([planes, g.h * g.w], 0, 'float32', 'maxPool2d', dev);
  launch(dev, (b) => b.scatterAdd(gy, [planes, g.oh * g.ow], 1, indices, [planes, g.h * g.w], gx));
  return reshape(gx, [...xShape]);
}

/** 2-D average pooling. x (N, C, H, W) -> (N, C, OH, OW). */
export function avgPool2d(x: Tensor, kernelSize: Pair, options: Pool2dOptions = {}): Tensor {
  const g = poolGeom('avgPool2d', x, kernelSize, options);
  const cx = contiguous(x);
  const shape = [g.n, g.c, g.oh, g.ow];
  const dev = x.storage.device;
  const y = launch(dev, (b) => {
    const out = emptyTensor(shape, 'float32', 'avgPool2d', dev);
    b.avgPool2d(cx, out, g);
    return out;
  });
  return attach(y, 'avgPool2d', [cx], (gy) => {
    const cgy = contiguous(gy);
    return [
      launch(dev, (b) => {
        const out = emptyTensor(x.shape, 'float32', 'avgPool2d', dev);
        b.avgPool2dBackward(cgy, out, g);
        return out;
      }),
    ];
  });
}

/** 1-D max pooling. x (N, C, L) -> (N, C, LOut). */
export function maxPool1d(x: Tensor, kernelSize: number, options: { stride?: number; padding?: number } = {}): Tensor {
  assertTensor('maxPool1d', x);
  if (x.ndim !== 3) throw new RangeError(`maxPool1d: input must be 3-D (N, C, L), got shape ${fmt(x.shape)}`);
  const y = maxPool2d(unsqueeze(x, 2), [1, kernelSize], { stride: [1, options.stride ?? kernelSize], padding: [0, options.padding ?? 0] });
  return squeeze(y, 2);
}

/** 1-D average pooling. x (N, C, L) -> (N, C, LOut). */
export function avgPool1d(x: Tensor, kernelSize: number, options: { stride?: number; padding?: number } = {}): Tensor {
  assertTensor('avgPool1d', x);
  if (x.ndim !== 3) throw new RangeError(`avgPool1d: input must be 3-D (N, C, L), got shape ${fmt(x.shape)}`);
  const y = avgPool2d(unsqueeze(x, 2), [1, kernelSize], { stride: [1, options.stride ?? kernelSize], padding: [0, options.padding ?? 0] });
  return squeeze(y, 2);
}
