// Elementwise ops: unary math and activations, broadcasting arithmetic, comparisons, logic,
// where/maskedFill and casts. The unary and binary ones are built from the primitive table
// (src/core/primitives: dtype rule, scalar definition, gradient); this file adds the argument
// checks, dtype promotion and the reduction of broadcast gradients.

import type { Device } from '../backend/device.js';
import { defaultDevice } from '../backend/registry.js';
import { attach, isGradEnabled } from '../core/autograd.js';
import { assertDType, type DType, fitsInt32, promoteTypes, toInt32 } from '../core/dtype.js';
import { copyInto, copyOf, emptyTensor, filled, launch, readsOnHost, readValues, sameDevice, sameShape, strided } from '../core/exec.js';
import { type BinaryOp, binaryDef, binaryDType } from '../core/primitives/binary.js';
import { type RawOps, type UnaryOp, unaryDef } from '../core/primitives/unary.js';
import { broadcastShapes, fmt, type Shape } from '../core/shape.js';
import { assertTensor, Tensor, type TensorLike } from '../core/tensor.js';
import { min, sumTo } from './reduce.js';

// ---- helpers ------------------------------------------------------------------------------

/**
 * `x` as a tensor; numbers become scalars of `like`'s dtype, or float32 when `like` is bool or
 * the number is no int32 (fractional, non-finite, out of range): `intTensor.add(3e9)` is a float
 * result, never a wrapped integer. Scalars go on `device` (default: `like`'s device).
 */
export function toTensor(x: TensorLike, like?: Tensor, op?: string, device?: Device): Tensor {
  if (x instanceof Tensor) return x;
  const dev = device ?? (like === undefined ? defaultDevice() : like.storage.device);
  if (typeof x === 'boolean') return filled([], x ? 1 : 0, 'bool', op, dev);
  if (typeof x !== 'number') throw new TypeError(`${op === undefined ? '' : `${op}: `}expected a Tensor or a number, got ${describe(x)}`);
  let dtype: DType = like?.dtype ?? 'float32';
  if (dtype === 'bool' || (dtype === 'int32' && !(Number.isInteger(x) && fitsInt32(x)))) dtype = 'float32';
  return filled([], x, dtype, op, dev);
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array (wrap it with tensor(...))';
  return typeof x;
}

/** A float32 (or `dtype`) tensor of ones of `shape`, on `device`. */
export function onesOf(shape: Shape, dtype: DType = 'float32', device?: Device): Tensor {
  return filled(shape, 1, dtype, 'ones', device);
}

function requireFloat(op: string, t: Tensor): void {
  if (t.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 tensor, got ${t.dtype} (convert with .float())`);
}

// The two hottest paths call the device directly instead of through launch()'s callback (what
// launch does, without a closure per op: the per-op cost of small tensors is mostly allocation).
function unaryRaw(op: UnaryOp, x: Tensor, alpha = 0, outDtype: DType = x.dtype): Tensor {
  const dev = x.storage.device;
  dev.beginOp();
  const out = emptyTensor(x.shape, outDtype, op, dev);
  dev.backend.unary(op, x, out, outDtype, alpha);
  return out;
}

function binaryRaw(name: string, op: BinaryOp, a: Tensor, b: Tensor, outDtype: DType): Tensor {
  const shape = broadcastShapes(name, a.shape, b.shape);
  const dev = sameDevice(name, a, b);
  dev.beginOp();
  const out = emptyTensor(shape, outDtype, name, dev);
  dev.backend.binary(op, strided(a, shape), strided(b, shape), out, outDtype);
  return out;
}

// ---- unary math ---------------------------------------------------------------------------

/** Raw primitives for the gradient rules of src/core/primitives (no graph nodes of their own). */
const raw: RawOps = {
  unary: (op, x, alpha = 0) => unaryRaw(op, x, alpha),
  binary: (op, a, b) => binaryRaw(op, op, a, b, 'float32'),
  zeros: (like) => filled(like.shape, 0, 'float32', 'zeros', like.storage.device),
  where: (cond, a, b) => where(cond, a, b),
};

/**
 * The public op of unary primitive `op`: its dtype rule and gradient from the primitive table
 * (src/core/primitives/unary.ts). 'float' ops convert int32 and bool inputs to float32 first;
 * 'keepInt' ops keep int32 (abs, square, rounding, like PyTorch's) and record no gradient for it.
 * @example const hardswish = unaryOp('hardswish'); hardswish(tensor([-4, 0, 4])) // [0, 0, 4]
 */
export function unaryOp(op: UnaryOp): (x: Tensor, alpha?: number) => Tensor {
  const def = unaryDef(op);
  const grad = def.grad;
  return (x: Tensor, alpha = 0): Tensor => {
    if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describe(x)}`);
    if (def.dtype === 'bool') return unaryRaw(op, x, alpha, 'bool');
    if (def.dtype === 'keepInt' && x.dtype === 'int32') return unaryRaw(op, x, alpha);
    const input = x.dtype === 'float32' ? x : copyOf(x, 'float32');
    const y = unaryRaw(op, input, alpha);
    if (grad === null || !isGradEnabled() || !x.requiresGrad) return y;
    return attach(y, op, [x], (g) => [grad(g, input, y, alpha, raw)]);
  };
}

const negOp = unaryOp('neg');
/** -x */
export const neg = (x: Tensor): Tensor => {
  assertTensor('neg', x);
  if (x.dtype === 'bool') throw new TypeError('neg: not defined for bool tensors; use logicalNot');
  return negOp(x);
};
/** e^x */
export const exp = unaryOp('exp');
/** Natural logarithm. */
export const log = unaryOp('log');
/** log(1 + x), accurate near 0. */
export const log1p = unaryOp('log1p');
/** e^x - 1, accurate near 0. */
export const expm1 = unaryOp('expm1');
/** Square root. */
export const sqrt = unaryOp('sqrt');
/** 1 / sqrt(x). */
export const rsqrt = unaryOp('rsqrt');
/** |x| (gradient 0 at 0, like PyTorch). */
export const abs = unaryOp('abs');
const signOp = unaryOp('sign');
/** -1, 0 or 1 (NaN for NaN); zero gradient. */
export const sign = (x: Tensor): Tensor => {
  assertTensor('sign', x);
  return signOp(x);
};
export const sin = unaryOp('sin');
export const cos = unaryOp('cos');
export const tanh = unaryOp('tanh');
/** 1 / (1 + e^-x) */
export const sigmoid = unaryOp('sigmoid');
/** 1 / x */
export const reciprocal = unaryOp('reciprocal');
/** x * x */
export const square = unaryOp('square');
/** Rounding ops have zero gradient almost everywhere. */
export const floor = unaryOp('floor');
export const ceil = unaryOp('ceil');
/** Round half to even. */
export const round = unaryOp('round');

// ---- activations --------------------------------------------------------------------------

const reluOp = unaryOp('relu');
/** max(x, 0) */
export function relu(x: Tensor): Tensor {
  assertTensor('relu', x);
  requireFloat('relu', x);
  return reluOp(x);
}
const leakyReluOp = unaryOp('leakyRelu');
/** x for x > 0, negativeSlope * x otherwise. */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => leakyReluOp(x, negativeSlope);
const eluOp = unaryOp('elu');
/** x for x > 0, alpha * (e^x - 1) otherwise. */
export const elu = (x: Tensor, alpha = 1): Tensor => eluOp(x, alpha);
const geluOp = unaryOp('gelu');
const geluTanhOp = unaryOp('geluTanh');
/**
 * Gaussian error linear unit x * Phi(x), like torch.nn.functional.gelu: the exact (erf) form by
 * default, or with approximate 'tanh' 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (GPT-2's).
 * @example gelu(x, 'tanh')
 */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'none') return geluOp(x);
  if (approximate === 'tanh') return geluTanhOp(x);
  throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
}
/** x * sigmoid(x) */
export const silu = unaryOp('silu');
/** log(1 + e^x) */
export const softplus = unaryOp('softplus');

// ---- binary arithmetic --------------------------------------------------------------------

function arith(name: string, a: TensorLike, b: TensorLike): [Tensor, Tensor, DType] {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new TypeError(`${name}: at least one argument must be a Tensor, got ${describe(a)} and ${describe(b)}`);
  }
  const ta = toTensor(a, b instanceof Tensor ? b : undefined, name);
  const tb = toTensor(b, ta, name);
  return [ta, tb, promoteTypes(ta.dtype, tb.dtype)];
}

/**
 * y = op(a, b) for operands already promoted, with the gradient rules of the primitive table
 * (src/core/primitives/binary.ts), each reduced to its input's shape. The rules see the operands `oa`, `ob`
 * (defaults to the inputs; pow passes its float32 copy of a).
 */
function binaryOp(op: BinaryOp, ta: Tensor, tb: Tensor, outDtype: DType, oa: Tensor = ta, ob: Tensor = tb): Tensor {
  const y = binaryRaw(op, op, oa, ob, outDtype);
  // no rule lookup, closure or input list unless a graph is recorded (the per-op cost of small tensors)
  if (!isGradEnabled() || !(ta.requiresGrad || tb.requiresGrad)) return y;
  const grad = binaryDef(op).grad;
  if (grad === null) return y;
  const [da, db] = grad;
  return attach(y, op, [ta, tb], (g) => [
    ta.requiresGrad ? sumTo(da(g, oa, ob, y, raw), ta.shape) : null,
    tb.requiresGrad ? sumTo(db(g, oa, ob, y, raw), tb.shape) : null,
  ]);
}

/**
 * a + b with NumPy broadcasting.
 * @example add(tensor([[1, 2]]), tensor([[10], [20]])).toArray() // [[11, 12], [21, 22]]
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith('add', a, b);
  return binaryOp('add', ta, tb, binaryDType('add', dt));
}

/** a - b with broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith('sub', a, b);
  if (dt === 'bool') throw new TypeError('sub: not defined for two bool tensors; use logicalXor');
  return binaryOp('sub', ta, tb, binaryDType('sub', dt));
}

/** a * b with broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith('mul', a, b);
  return binaryOp('mul', ta, tb, binaryDType('mul', dt));
}

/** a / b with broadcasting (always a float result, like PyTorch's true division). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith('div', a, b);
  return binaryOp('div', ta, tb, binaryDType('div', dt));
}

/**
 * a ** b with broadcasting. Integer powers stay integers, as in PyTorch, which refuses negative
 * integer exponents; on a device that cannot be read synchronously (a GPU) that check is skipped,
 * as PyTorch skips it on CUDA, and a negative exponent gives a ** b truncated toward zero (0 but
 * for a = 1 or -1).
 * @example pow(tensor([1, 2, 3]), 2) // [1, 4, 9]
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith('pow', a, b);
  if (dt !== 'float32' && ta.dtype !== 'bool' && tb.dtype !== 'bool') {
    if (tb.size > 0 && readsOnHost(tb.storage.device) && readValues(min(tb), 'pow')[0] < 0)
      throw new RangeError('pow: integers to negative integer powers are not allowed (convert with .float())');
    return binaryRaw('pow', 'pow', ta, tb, 'int32');
  }
  const fa = ta.dtype === 'float32' ? ta : copyOf(ta, 'float32');
  return binaryOp('pow', ta, tb, binaryDType('pow', dt), fa, tb);
}

function minmax(op: 'minimum' | 'maximum', a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith(op, a, b);
  return binaryOp(op, ta, tb, binaryDType(op, dt));
}
/** Elementwise minimum (NaN propagates). */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => minmax('minimum', a, b);
/** Elementwise maximum (NaN propagates). */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => minmax('maximum', a, b);

/** Limits values to [min, max]; either bound may be omitted. Gradient passes where not clipped. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  assertTensor('clamp', x);
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new TypeError('clamp: at least one of min and max must be given');
  }
  if (min != null && max != null && min > max) throw new RangeError(`clamp: min (${min}) must not exceed max (${max})`);
  let y = x;
  if (min != null) y = where(lt(x, min), min, y);
  if (max != null) y = where(gt(x, max), max, y);
  return y;
}

// ---- comparisons and logic (no gradient) --------------------------------------------------

function compare(op: BinaryOp, name: string = op) {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const [ta, tb, dt] = arith(name, a, b);
    return binaryRaw(name, op, ta, tb, binaryDType(op, dt));
  };
}
export const eq = compare('eq');
export const ne = compare('ne');
export const lt = compare('lt');
export const le = compare('le');
export const gt = compare('gt');
export const ge = compare('ge');
export const logicalAnd = compare('and', 'logicalAnd');
export const logicalOr = compare('or', 'logicalOr');
export const logicalXor = compare('xor', 'logicalXor');
const notOp = unaryOp('not');
export const logicalNot = (x: Tensor): Tensor => {
  assertTensor('logicalNot', x);
  return notOp(x);
};
const isNaNOp = unaryOp('isnan');
export const isNaN = (x: Tensor): Tensor => {
  assertTensor('isNaN', x);
  return isNaNOp(x);
};

// ---- selection ----------------------------------------------------------------------------

/**
 * `a` where `condition` is true, else `b`, all broadcast together.
 * @example where(gt(x, 0), x, 0)
 */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const cdev = a instanceof Tensor ? a.storage.device : b instanceof Tensor ? b.storage.device : undefined;
  const c = toTensor(condition, undefined, 'where', cdev);
  if (c.dtype !== 'bool') throw new TypeError(`where: condition must be a bool tensor, got ${c.dtype} (compare with gt/eq/... first)`);
  // scalars go where the tensors are
  const at = a instanceof Tensor ? a.storage.device : b instanceof Tensor ? b.storage.device : c.storage.device;
  const ta = toTensor(a, b instanceof Tensor ? b : undefined, 'where', at);
  const tb = toTensor(b, ta, 'where');
  const dt = promoteTypes(ta.dtype, tb.dtype);
  const shape = broadcastShapes('where', broadcastShapes('where', c.shape, ta.shape), tb.shape);
  sameDevice('where', c, tb, 'condition', 'other');
  const dev = sameDevice('where', c, ta, 'condition', 'input');
  const y = launch(dev, (be) => {
    const sc = strided(c, shape);
    const sa = strided(ta, shape);
    const sb = strided(tb, shape);
    const out = emptyTensor(shape, dt, 'where', dev);
    be.where(sc, sa, sb, out, dt);
    return out;
  });
  return attach(y, 'where', [ta, tb], (g) => {
    const zero = filled([], 0, 'float32', 'where', dev);
    return [ta.requiresGrad ? sumTo(where(c, g, zero), ta.shape) : null, tb.requiresGrad ? sumTo(where(c, zero, g), tb.shape) : null];
  });
}

/** `x` with `value` where `mask` (bool, broadcastable) is true. */
export function maskedFill(x: Tensor, mask: TensorLike, value: number): Tensor {
  assertTensor('maskedFill', x);
  const m = toTensor(mask, undefined, 'maskedFill', x.storage.device);
  if (m.dtype !== 'bool') throw new TypeError(`maskedFill: mask must be a bool tensor, got ${m.dtype}`);
  if (!sameShape(broadcastShapes('maskedFill', x.shape, m.shape), x.shape))
    throw new RangeError(`maskedFill: mask of shape ${fmt(m.shape)} cannot be broadcast to the input's shape ${fmt(x.shape)}`);
  if (typeof value !== 'number' && typeof value !== 'boolean')
    throw new TypeError(`maskedFill: value must be a number, got ${describe(value)}`);
  // the value takes x's dtype, by the int32 rule of core/dtype.ts (3e9 into int32 is an error)
  const v = x.dtype === 'int32' ? toInt32('maskedFill', 'value', Number(value)) : Number(value);
  const out = where(m, toTensor(v, x), x);
  return out.dtype === x.dtype ? out : cast(out, x.dtype);
}

// ---- dtype and copies ---------------------------------------------------------------------

/**
 * `x` converted to `dtype`: float -> int32 truncates toward zero and refuses NaN, infinities and
 * values outside int32 (see core/dtype.ts); nonzero -> true.
 * @example cast(tensor([2.7, -2.7]), 'int32').toArray() // [2, -2]
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertTensor('to', x);
  assertDType('to', 'dtype', dtype);
  if (x.dtype === dtype) return x;
  return copyOf(x, dtype, 'to');
}

/** A contiguous copy that stays in the graph. */
export function clone(x: Tensor): Tensor {
  assertTensor('clone', x);
  const y = copyOf(x);
  return attach(y, 'clone', [x], (g) => [g]);
}

/**
 * Writes `src` (broadcast to dst's shape) into `dst`'s memory; `op` names the in-place method in
 * errors. Refuses leaves that require grad in grad mode, and expanded (stride 0) destinations.
 */
export function copyInPlace(dst: Tensor, src: TensorLike, op = 'copy_'): void {
  // a number into int32 converts exactly by the int32 rule (not through a float32 scalar)
  const s =
    typeof src === 'number' && dst.dtype === 'int32'
      ? filled([], toInt32(op, 'value', src), 'int32', op, dst.storage.device)
      : toTensor(src, dst, op);
  checkInPlace(dst, s, op);
  copyInto(s, dst, op);
}

/** dst = dst (op) src in dst's own memory: no temporary when dst is dense and src cannot overlap it. */
export function updateInPlace(dst: Tensor, op: 'add' | 'sub' | 'mul', src: TensorLike, name: string): void {
  const s = toTensor(src, dst, name);
  checkInPlace(dst, s, name);
  const direct = dst.isContiguous() && promoteTypes(dst.dtype, s.dtype) === dst.dtype && (s.storage !== dst.storage || s === dst);
  if (!direct) {
    copyInto(op === 'add' ? add(dst, s) : op === 'sub' ? sub(dst, s) : mul(dst, s), dst, name);
    return;
  }
  const dev = sameDevice(name, dst, s, 'self', 'other');
  launch(dev, (b) => b.binary(op, dst, strided(s, dst.shape), dst, dst.dtype));
}

/** The checks every in-place write makes: shape, autograd leaf, expanded destination. */
function checkInPlace(dst: Tensor, s: Tensor, op: string): void {
  if (!sameShape(broadcastShapes(op, dst.shape, s.shape), dst.shape)) {
    throw new RangeError(`${op}: a source of shape ${fmt(s.shape)} cannot be broadcast to the destination's shape ${fmt(dst.shape)}`);
  }
  if (dst.requiresGrad && dst.isLeaf && isGradEnabled()) {
    throw new Error(`${op}: in-place update of a leaf tensor that requires grad; wrap the update in noGrad(() => ...)`);
  }
  if (dst.size > 0 && dst.shape.some((n, i) => n > 1 && dst.strides[i] === 0)) {
    throw new Error(
      `${op}: the destination is an expanded view (elements of shape ${fmt(dst.shape)} share memory); write into a .clone() instead`,
    );
  }
}
