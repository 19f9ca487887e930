// Creating tensors: from data, constants, ranges, identity, and random values from the seedable
// default generator (manualSeed). Every creation op checks its shape and size first, naming itself
// and the shape; values converted to int32 follow core/dtype.ts (truncation; NaN or overflow errs).

import type { RandomDist } from '../backend/backend.js';
import type { Device } from '../backend/device.js';
import { assertDType, type DType, fitsInt32, INT32_MAX, INT32_MIN } from '../core/dtype.js';
import { checkAllocation, type DeviceLike, emptyTensor, filled, fromArray, launch, toDevice } from '../core/exec.js';
import { defaultGenerator, type Generator } from '../core/random.js';
import { checkShape, sizeOf } from '../core/shape.js';
import { assertTensor, type NestedArray, Tensor } from '../core/tensor.js';

export interface TensorOptions {
  /** Element type. Default float32 (bool for boolean data, int32 for Int32Array data). */
  dtype?: DType;
  /** Track gradients for this leaf. Default false. */
  requiresGrad?: boolean;
  /** Device to create it on ('cpu', 'reference', ...). Default: the default device (setDefaultDevice). */
  device?: DeviceLike;
}

export interface RandomOptions extends TensorOptions {
  /** Generator to draw from; defaults to the global one seeded by manualSeed. */
  generator?: Generator;
}

type ShapeArg = number | readonly number[];

function finish(t: Tensor, options: TensorOptions): Tensor {
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

function dtypeOf(options: TensorOptions, fallback: DType = 'float32', op = 'tensor'): DType {
  return options.dtype === undefined ? fallback : assertDType(op, 'dtype', options.dtype);
}

/** The checked shape: non-negative integers, of a size the tensor heap can hold as `dtype`. */
function toShape(op: string, shape: ShapeArg, dtype: DType = 'float32', device?: Device): number[] {
  const s = typeof shape === 'number' ? [shape] : Array.isArray(shape) ? [...shape] : null;
  if (s === null) throw new TypeError(`${op}: shape must be a number or an array of numbers, got ${String(shape)}`);
  checkShape(op, s);
  checkAllocation(op, s, dtype, device);
  return s;
}

/** The device of the options (the default device when none). */
function dev(options: TensorOptions, op: string): Device {
  return toDevice(options.device, op);
}

/**
 * A tensor from a number, boolean, (nested) array or typed array.
 * @example tensor([[1, 2], [3, 4]]) // float32, shape [2, 2]
 * @example tensor([0, 2, 1], { dtype: 'int32' })
 */
export function tensor(
  data: NestedArray | Float32Array | Int32Array | Uint8Array | readonly number[] | readonly boolean[],
  options: TensorOptions = {},
): Tensor {
  if (data instanceof Tensor) throw new TypeError('tensor: data is already a Tensor; use .clone() or .detach()');
  const shape: number[] = [];
  let flat: ArrayLike<number>;
  let inferred: DType = 'float32';
  if (ArrayBuffer.isView(data)) {
    shape.push(data.length);
    flat = data as ArrayLike<number>;
    if (data instanceof Int32Array) inferred = 'int32';
  } else {
    for (let v: unknown = data; Array.isArray(v); v = v[0]) shape.push(v.length);
    const out: number[] = [];
    let sawBool = false;
    let sawNum = false;
    const walk = (v: unknown, d: number, path: string) => {
      if (d === shape.length) {
        if (typeof v === 'number') sawNum = true;
        else if (typeof v === 'boolean') sawBool = true;
        else throw new TypeError(`tensor: expected numbers or booleans, got ${v === null ? 'null' : typeof v} at ${path || 'top level'}`);
        out.push(Number(v));
        return;
      }
      if (!Array.isArray(v) || v.length !== shape[d]) {
        throw new RangeError(
          `tensor: ragged nested array: expected length ${shape[d]} at ${path || 'top level'}, got ${Array.isArray(v) ? v.length : typeof v}`,
        );
      }
      for (let i = 0; i < v.length; i++) walk(v[i], d + 1, `${path}[${i}]`);
    };
    walk(data, 0, '');
    if (sawBool && !sawNum) inferred = 'bool';
    flat = out;
  }
  return finish(fromArray(shape, flat, dtypeOf(options, inferred), 'tensor', dev(options, 'tensor')), options);
}

/** A tensor of zeros. @example zeros([2, 3]) */
export function zeros(shape: ShapeArg, options: TensorOptions = {}): Tensor {
  const dtype = dtypeOf(options, 'float32', 'zeros');
  const d = dev(options, 'zeros');
  return finish(filled(toShape('zeros', shape, dtype, d), 0, dtype, 'zeros', d), options);
}

/** A tensor of ones. @example ones([4]) */
export function ones(shape: ShapeArg, options: TensorOptions = {}): Tensor {
  const dtype = dtypeOf(options, 'float32', 'ones');
  const d = dev(options, 'ones');
  return finish(filled(toShape('ones', shape, dtype, d), 1, dtype, 'ones', d), options);
}

/** A tensor filled with `value` (int32: truncated; NaN or out of range is an error). @example full([2, 2], 7) */
export function full(shape: ShapeArg, value: number | boolean, options: TensorOptions = {}): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean')
    throw new TypeError(`full: value must be a number or boolean, got ${typeof value}`);
  const dtype = dtypeOf(options, typeof value === 'boolean' ? 'bool' : 'float32', 'full');
  const d = dev(options, 'full');
  return finish(filled(toShape('full', shape, dtype, d), Number(value), dtype, 'full', d), options);
}

/**
 * Values from `start` to `end` (exclusive) by `step`; `arange(n)` is 0..n-1. With dtype int32,
 * `start` and `step` must be integers and every value must fit int32.
 * @example arange(5).toArray() // [0, 1, 2, 3, 4]
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [s, e] = end === undefined ? [0, start] : [start, end];
  if (![s, e, step].every(Number.isFinite) || step === 0)
    throw new RangeError(`arange: start, end and step must be finite and step nonzero, got ${s}, ${e}, ${step}`);
  const dtype = dtypeOf(options, 'float32', 'arange');
  if (dtype === 'int32' && !(Number.isInteger(s) && Number.isInteger(step)))
    throw new RangeError(`arange: start and step must be integers for dtype int32, got start ${s}, step ${step}`);
  const n = Math.max(0, Math.ceil((e - s) / step));
  checkAllocation('arange', [n], dtype);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = s + i * step;
  return finish(fromArray([n], data, dtype, 'arange', dev(options, 'arange')), options);
}

/** `steps` evenly spaced values from `start` to `end` inclusive. @example linspace(0, 1, 5) */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = dtypeOf(options, 'float32', 'linspace');
  checkAllocation('linspace', [steps], dtype);
  const data = new Float64Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // symmetric evaluation, as PyTorch does, so the last value is exactly `end`
  for (let i = 0; i < steps; i++) data[i] = i < steps / 2 ? start + i * step : end - (steps - 1 - i) * step;
  return finish(fromArray([steps], data, dtype, 'linspace', dev(options, 'linspace')), options);
}

/** An identity matrix (n, m). @example eye(3) */
export function eye(n: number, m = n, options: TensorOptions = {}): Tensor {
  const dtype = dtypeOf(options, 'float32', 'eye');
  const [rows, cols] = toShape('eye', [n, m], dtype);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) data[i * cols + i] = 1;
  return finish(fromArray([rows, cols], data, dtype, 'eye', dev(options, 'eye')), options);
}

/**
 * On a device whose backend has a `random` primitive (a GPU), `n` values of `dist` drawn there in
 * one dispatch, keyed by two words drawn from the generator `g`; null on other devices (they
 * draw on the host).
 */
function onDevice(op: string, s: number[], dtype: DType, device: Device, g: Generator, dist: RandomDist, low = 0, high = 0): Tensor | null {
  if (device.backend.random === undefined) return null;
  const seed: [number, number] = [g.nextU32(), g.nextU32()];
  return launch(device, (b) => {
    const out = emptyTensor(s, dtype, op, device);
    if (out.size > 0) b.random?.(out, out.size, dist, seed, low, high);
    return out;
  });
}

function random(op: string, shape: ShapeArg, options: RandomOptions, dist: 'uniform' | 'normal', draw: (g: Generator) => number): Tensor {
  const dtype = dtypeOf(options, 'float32', op);
  if (dtype !== 'float32') throw new TypeError(`${op}: dtype must be float32, got ${dtype}`);
  const device = dev(options, op);
  const s = toShape(op, shape, 'float32', device);
  const g = options.generator ?? defaultGenerator;
  const t = onDevice(op, s, 'float32', device, g, dist);
  if (t !== null) return finish(t, options);
  const data = new Float32Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  return finish(fromArray(s, data, 'float32', op, device), options);
}

/**
 * Uniform values in [0, 1). On a device with a random kernel (webgpu) they are drawn there,
 * seeded from the generator: reproducible per device, not the CPU's values.
 * @example manualSeed(0); rand([2, 2])
 */
export function rand(shape: ShapeArg, options: RandomOptions = {}): Tensor {
  return random('rand', shape, options, 'uniform', (g) => g.uniform());
}

/** Standard normal values (drawn on the device where it has a random kernel, as rand). @example randn([3, 4]) */
export function randn(shape: ShapeArg, options: RandomOptions = {}): Tensor {
  return random('randn', shape, options, 'normal', (g) => g.normal());
}

/** Uniform integers in [low, high), int32 (drawn on the device where it has a random kernel, as rand). @example randint(0, 10, [5]) */
export function randint(low: number, high: number, shape: ShapeArg, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low)
    throw new RangeError(`randint: need integers low < high, got ${low}, ${high}`);
  if (!fitsInt32(low) || !fitsInt32(high - 1))
    throw new RangeError(`randint: low and high - 1 must fit int32 [${INT32_MIN}, ${INT32_MAX}], got ${low}, ${high}`);
  const device = dev(options, 'randint');
  const s = toShape('randint', shape, 'int32', device);
  const g = options.generator ?? defaultGenerator;
  const t = onDevice('randint', s, 'int32', device, g, 'int', low, high);
  if (t !== null) return finish(t, { ...options, dtype: 'int32' });
  const data = new Int32Array(sizeOf(s));
  for (let i = 0; i < data.length; i++) data[i] = g.int(low, high);
  return finish(fromArray(s, data, 'int32', 'randint', device), { ...options, dtype: 'int32' });
}

const shapeOfArg = (op: string, t: Tensor): readonly number[] => {
  assertTensor(op, t);
  return t.shape;
};
const like = (op: string, t: Tensor, options: TensorOptions): TensorOptions => {
  assertTensor(op, t);
  return { dtype: t.dtype, device: t.storage.device, ...options };
};
const sameDeviceAs = (t: Tensor, options: RandomOptions): RandomOptions => ({ device: t.storage.device, ...options });
/** Zeros of `t`'s shape and dtype. */
export const zerosLike = (t: Tensor, options: TensorOptions = {}): Tensor => zeros(t.shape, like('zerosLike', t, options));
/** Ones of `t`'s shape and dtype. */
export const onesLike = (t: Tensor, options: TensorOptions = {}): Tensor => ones(t.shape, like('onesLike', t, options));
/** `value` in `t`'s shape and dtype. */
export const fullLike = (t: Tensor, value: number, options: TensorOptions = {}): Tensor =>
  full(t.shape, value, like('fullLike', t, options));
/** Uniform [0, 1) values of `t`'s shape. */
export const randLike = (t: Tensor, options: RandomOptions = {}): Tensor => rand(shapeOfArg('randLike', t), sameDeviceAs(t, options));
/** Standard normal values of `t`'s shape. */
export const randnLike = (t: Tensor, options: RandomOptions = {}): Tensor => randn(shapeOfArg('randnLike', t), sameDeviceAs(t, options));
/** Integers in [low, high) of `t`'s shape. */
export const randintLike = (t: Tensor, low: number, high: number, options: RandomOptions = {}): Tensor =>
  randint(low, high, shapeOfArg('randintLike', t), sameDeviceAs(t, options));

/** A 0-d tensor. @example scalar(3.5) */
export function scalar(value: number, options: TensorOptions = {}): Tensor {
  return finish(fromArray([], [value], dtypeOf(options, 'float32', 'scalar'), 'scalar', dev(options, 'scalar')), options);
}
