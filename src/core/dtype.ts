// Element types of tensors: names, sizes, typed-array constructors, promotion rules, and the one
// rule for converting numbers to int32.
//
// Converting to int32 (tensor(), full, fill_, arange, linspace, maskedFill values, and casts of
// float32 tensors with .to('int32') / .int()): a fractional value is truncated toward zero, as in
// PyTorch and C (2.7 -> 2, -2.7 -> -2); NaN, +-Infinity and values outside
// [-2147483648, 2147483647] are an error naming the op and the value's position. PyTorch raises for
// such values when they come from Python numbers and returns an undefined value (INT_MIN on x86)
// for tensor casts; tessera raises for both, so no conversion is ever silently wrong.

/** The element type of a tensor. `float32` is the default; `bool` is stored one byte per element. */
export type DType = 'float32' | 'int32' | 'bool';

export type TypedArray = Float32Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** A typed-array view of `length` elements at byte address `ptr` of `buffer`. */
export function typedView(dtype: DType, buffer: ArrayBufferLike, ptr: number, length: number): TypedArray {
  if (dtype === 'float32') return new Float32Array(buffer, ptr, length);
  if (dtype === 'int32') return new Int32Array(buffer, ptr, length);
  return new Uint8Array(buffer, ptr, length);
}

/** A fresh zeroed typed array of `length` elements. */
export function typedArray(dtype: DType, length: number): TypedArray {
  if (dtype === 'float32') return new Float32Array(length);
  if (dtype === 'int32') return new Int32Array(length);
  return new Uint8Array(length);
}

/** Result type of an arithmetic op on two tensors (PyTorch's promotion for these three types). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === 'float32' || b === 'float32') return 'float32';
  if (a === 'int32' || b === 'int32') return 'int32';
  return 'bool';
}

export function assertDType(op: string, arg: string, value: unknown): DType {
  if (value === 'float32' || value === 'int32' || value === 'bool') return value;
  throw new TypeError(`${op}: ${arg} must be one of float32, int32, bool, got ${String(value)}`);
}

/** The smallest int32, -2^31. @example fitsInt32(INT32_MIN) // true */
export const INT32_MIN = -2147483648;
/** The largest int32, 2^31 - 1. @example fitsInt32(INT32_MAX + 1) // false */
export const INT32_MAX = 2147483647;

/**
 * Whether `v` converts to int32 (truncated toward zero) without overflow: false for NaN and infinities.
 * @example fitsInt32(2147483647.5) // true (truncates to 2147483647); fitsInt32(NaN) // false
 */
export function fitsInt32(v: number): boolean {
  return v > INT32_MIN - 1 && v < INT32_MAX + 1;
}

/**
 * The error for a value that does not convert to int32, naming `op`, what the value is, and where
 * it sits (`at [1, 0]`, or '' for a single value).
 * @example int32Error('full', 'value', 3e9) // full: value 3000000000 cannot be converted to int32 ...
 */
export function int32Error(op: string, what: string, v: number, at = ''): RangeError {
  return new RangeError(
    `${op}: ${what} ${v}${at} cannot be converted to int32 without overflow (int32 holds finite values in [${INT32_MIN}, ${INT32_MAX}]; fractions are truncated toward zero)`,
  );
}

/** `v` truncated toward zero, or an error naming `op` and `what` when it does not fit int32. @example toInt32('full', 'value', -2.7) // -2 */
export function toInt32(op: string, what: string, v: number): number {
  if (!fitsInt32(v)) throw int32Error(op, what, v);
  return Math.trunc(v);
}

/** The row-major position of flat index `flat` in `shape`, for error messages. @example position(5, [2, 3]) // '[1, 2]' */
export function position(flat: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1, r = flat; d >= 0; d--) {
    idx[d] = r % shape[d];
    r = Math.floor(r / shape[d]);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * Throws naming `op` and the position of the first value of `data` (of `shape`) that does not fit int32.
 * @example checkInt32Values('tensor', [1, NaN], [2]) // RangeError: tensor: value NaN at [1] cannot be converted ...
 */
export function checkInt32Values(op: string, data: ArrayLike<number>, shape: readonly number[], what = 'value'): void {
  if (data instanceof Int32Array || data instanceof Uint8Array) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!fitsInt32(v)) throw int32Error(op, what, v, shape.length === 0 ? '' : ` at ${position(i, shape)}`);
  }
}
