// Element types of tensors: names, sizes, typed-array constructors and promotion rules.

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
