// Elementwise ops: unary math and activations, broadcasting arithmetic, comparisons, logic,
// where/maskedFill and casts. Each op states its forward and its gradient side by side.

import type { BinaryOp, UnaryOp } from '../backend/backend.js';
import type { Device } from '../backend/device.js';
import { defaultDevice } from '../backend/registry.js';
import { attach, isGradEnabled } from '../core/autograd.js';
import { assertDType, type DType, fitsInt32, promoteTypes, toInt32 } from '../core/dtype.js';
import { copyInto, copyOf, devicesOf, emptyTensor, filled, launch, readValues, sameDevice, sameShape, strided } from '../core/exec.js';
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

/** Zeros of x's shape on x's device: the gradient of a piecewise-constant op. */
function zerosFor(x: Tensor): Tensor {
  return filled(x.shape, 0, 'float32', 'zeros', x.storage.device);
}

function requireFloat(op: string, t: Tensor): void {
  if (t.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 tensor, got ${t.dtype} (convert with .float())`);
}

function unaryRaw(op: UnaryOp, x: Tensor, alpha = 0, outDtype: DType = x.dtype): Tensor {
  const dev = x.storage.device;
  return launch(dev, (b) => {
    const out = emptyTensor(x.shape, outDtype, op, dev);
    b.unary(op, x, out, outDtype, alpha);
    return out;
  });
}

function binaryRaw(name: string, op: BinaryOp, a: Tensor, b: Tensor, outDtype: DType): Tensor {
  const shape = broadcastShapes(name, a.shape, b.shape);
  const dev = sameDevice(name, a, b);
  return launch(dev, (be) => {
    const sa = strided(a, shape);
    const sb = strided(b, shape);
    const out = emptyTensor(shape, outDtype, name, dev);
    be.binary(op, sa, sb, out, outDtype);
    return out;
  });
}

// ---- unary math ---------------------------------------------------------------------------

/**
 * Defines a unary op whose gradient is `g * dydx(x, y)`. Integer inputs give float results,
 * except for ops marked `keepsInt` (abs, square, rounding), which stay int32 like PyTorch's.
 */
function unaryOp(op: UnaryOp, dydx: (x: Tensor, y: Tensor, alpha: number) => Tensor, keepsInt = false) {
  return (x: Tensor, alpha = 0): Tensor => {
    if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describe(x)}`);
    if (keepsInt && x.dtype === 'int32') return unaryRaw(op, x);
    const input = x.dtype === 'float32' ? x : copyOf(x, 'float32');
    const y = unaryRaw(op, input, alpha);
    return attach(y, op, [x], (g) => [mul(g, dydx(input, y, alpha))]);
  };
}

/** -x */
export const neg = (x: Tensor): Tensor => {
  assertTensor('neg', x);
  if (x.dtype === 'bool') throw new TypeError('neg: not defined for bool tensors; use logicalNot');
  const y = unaryRaw('neg', x);
  return attach(y, 'neg', [x], (g) => [neg(g)]);
};
/** e^x */
export const exp = unaryOp('exp', (_x, y) => y);
/** Natural logarithm. */
export const log = unaryOp('log', (x) => reciprocal(x));
/** log(1 + x), accurate near 0. */
export const log1p = unaryOp('log1p', (x) => reciprocal(add(x, 1)));
/** e^x - 1, accurate near 0. */
export const expm1 = unaryOp('expm1', (_x, y) => add(y, 1));
/** Square root. */
export const sqrt = unaryOp('sqrt', (_x, y) => div(0.5, y));
/** 1 / sqrt(x). */
export const rsqrt = unaryOp('rsqrt', (_x, y) => mul(pow(y, 3), -0.5));
/** |x| (gradient 0 at 0, like PyTorch). */
export const abs = unaryOp('abs', (x) => sign(x), true);
/** -1, 0 or 1 (NaN for NaN); zero gradient. */
export const sign = (x: Tensor): Tensor => {
  assertTensor('sign', x);
  const y = unaryRaw('sign', x.dtype === 'bool' ? copyOf(x, 'float32') : x);
  return attach(y, 'sign', [x], () => [zerosFor(x)]);
};
export const sin = unaryOp('sin', (x) => cos(x));
export const cos = unaryOp('cos', (x) => neg(sin(x)));
export const tanh = unaryOp('tanh', (_x, y) => sub(1, mul(y, y)));
/** 1 / (1 + e^-x) */
export const sigmoid = unaryOp('sigmoid', (_x, y) => mul(y, sub(1, y)));
/** 1 / x */
export const reciprocal = unaryOp('reciprocal', (_x, y) => neg(mul(y, y)));
/** x * x */
export const square = unaryOp('square', (x) => mul(x, 2), true);
/** Rounding ops have zero gradient almost everywhere. */
export const floor = unaryOp('floor', zerosFor, true);
export const ceil = unaryOp('ceil', zerosFor, true);
/** Round half to even. */
export const round = unaryOp('round', zerosFor, true);

// ---- activations --------------------------------------------------------------------------

/** max(x, 0) */
export function relu(x: Tensor): Tensor {
  assertTensor('relu', x);
  requireFloat('relu', x);
  const y = unaryRaw('relu', x);
  return attach(y, 'relu', [x], (g) => [binaryRaw('relu', 'reluGrad', x, g, 'float32')]);
}
const leakyReluOp = unaryOp('leakyRelu', (x, _y, a) => where(gt(x, 0), 1, a));
/** x for x > 0, negativeSlope * x otherwise. */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => leakyReluOp(x, negativeSlope);
const eluOp = unaryOp('elu', (x, y, a) => where(gt(x, 0), 1, add(y, a)));
/** x for x > 0, alpha * (e^x - 1) otherwise. */
export const elu = (x: Tensor, alpha = 1): Tensor => eluOp(x, alpha);
/** Gaussian error linear unit, exact (erf) form as PyTorch's default. */
export const gelu = unaryOp('gelu', (x) => unaryRaw('geluGrad', x));
/** x * sigmoid(x) */
export const silu = unaryOp('silu', (x) => {
  const s = sigmoid(x);
  return mul(s, add(1, mul(x, sub(1, s))));
});
/** log(1 + e^x) */
export const softplus = unaryOp('softplus', (x) => sigmoid(x));

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
 * a + b with NumPy broadcasting.
 * @example add(tensor([[1, 2]]), tensor([[10], [20]])).toArray() // [[11, 12], [21, 22]]
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith('add', a, b);
  const y = binaryRaw('add', 'add', ta, tb, dt === 'bool' ? 'int32' : dt);
  return attach(y, 'add', [ta, tb], (g) => [sumTo(g, ta.shape), sumTo(g, tb.shape)]);
}

/** a - b with broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith('sub', a, b);
  if (dt === 'bool') throw new TypeError('sub: not defined for two bool tensors; use logicalXor');
  const y = binaryRaw('sub', 'sub', ta, tb, dt);
  return attach(y, 'sub', [ta, tb], (g) => [sumTo(g, ta.shape), tb.requiresGrad ? sumTo(neg(g), tb.shape) : null]);
}

/** a * b with broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith('mul', a, b);
  const y = binaryRaw('mul', 'mul', ta, tb, dt === 'bool' ? 'int32' : dt);
  return attach(y, 'mul', [ta, tb], (g) => [
    ta.requiresGrad ? sumTo(mul(g, tb), ta.shape) : null,
    tb.requiresGrad ? sumTo(mul(g, ta), tb.shape) : null,
  ]);
}

/** a / b with broadcasting (always a float result, like PyTorch's true division). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = arith('div', a, b);
  const y = binaryRaw('div', 'div', ta, tb, 'float32');
  return attach(y, 'div', [ta, tb], (g) => [
    ta.requiresGrad ? sumTo(div(g, tb), ta.shape) : null,
    tb.requiresGrad ? sumTo(neg(mul(g, div(y, tb))), tb.shape) : null,
  ]);
}

/** a ** b with broadcasting. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith('pow', a, b);
  if (dt !== 'float32' && ta.dtype !== 'bool' && tb.dtype !== 'bool') {
    // integer powers stay integers, as in PyTorch, which refuses negative exponents
    if (tb.size > 0 && readValues(min(tb), 'pow')[0] < 0)
      throw new RangeError('pow: integers to negative integer powers are not allowed (convert with .float())');
    return binaryRaw('pow', 'pow', ta, tb, 'int32');
  }
  const fa = ta.dtype === 'float32' ? ta : copyOf(ta, 'float32');
  const y = binaryRaw('pow', 'pow', fa, tb, 'float32');
  return attach(y, 'pow', [ta, tb], (g) => [
    ta.requiresGrad ? sumTo(mul(g, mul(tb, pow(fa, sub(tb, 1)))), ta.shape) : null,
    // d/db a^b = a^b ln a, taken as 0 where a == 0 (PyTorch's convention)
    tb.requiresGrad ? sumTo(mul(g, where(eq(fa, 0), 0, mul(y, log(fa)))), tb.shape) : null,
  ]);
}

function minmax(op: 'minimum' | 'maximum', a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb, dt] = arith(op, a, b);
  const y = binaryRaw(op, op, ta, tb, dt);
  return attach(y, op, [ta, tb], (g) => {
    // ties split the gradient evenly, as PyTorch does
    const pick = op === 'maximum' ? gt(ta, tb) : lt(ta, tb);
    const tie = mul(eq(ta, tb), 0.5);
    const wa = add(pick, tie);
    return [ta.requiresGrad ? sumTo(mul(g, wa), ta.shape) : null, tb.requiresGrad ? sumTo(mul(g, sub(1, wa)), tb.shape) : null];
  });
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
    const [ta, tb] = arith(name, a, b);
    return binaryRaw(name, op, ta, tb, 'bool');
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
export const logicalNot = (x: Tensor): Tensor => {
  assertTensor('logicalNot', x);
  return unaryRaw('not', x, 0, 'bool');
};
export const isNaN = (x: Tensor): Tensor => {
  assertTensor('isNaN', x);
  return unaryRaw('isnan', x, 0, 'bool');
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
