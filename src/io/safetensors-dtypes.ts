// The safetensors element types and how each maps to a tessera dtype. tessera writes F32, I32 and
// BOOL (its own dtypes); it reads those and also converts, on load, the other common types a
// PyTorch or NumPy file may hold: F64/F16/BF16 to float32, I64/I16/I8/U8/U16/U32 to int32 (an
// integer outside int32's range is refused rather than wrapped).

import type { DType } from '../core/dtype.js';

/** A safetensors dtype name as written in the header. */
export type SafetensorsDType = 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

interface DTypeInfo {
  /** Bytes per element. */
  size: number;
  /** The tessera dtype it loads as. */
  dtype: DType;
  /** Rank in the format's alignment order: writers put higher ranks first. */
  rank: number;
}

/** Every dtype tessera reads, with its size, tessera dtype and alignment rank (from the format's spec). */
export const SAFETENSORS_DTYPES: Readonly<Record<SafetensorsDType, DTypeInfo>> = {
  BOOL: { size: 1, dtype: 'bool', rank: 0 },
  U8: { size: 1, dtype: 'int32', rank: 1 },
  I8: { size: 1, dtype: 'int32', rank: 2 },
  I16: { size: 2, dtype: 'int32', rank: 5 },
  U16: { size: 2, dtype: 'int32', rank: 6 },
  F16: { size: 2, dtype: 'float32', rank: 7 },
  BF16: { size: 2, dtype: 'float32', rank: 8 },
  I32: { size: 4, dtype: 'int32', rank: 9 },
  U32: { size: 4, dtype: 'int32', rank: 10 },
  F32: { size: 4, dtype: 'float32', rank: 11 },
  F64: { size: 8, dtype: 'float32', rank: 12 },
  I64: { size: 8, dtype: 'int32', rank: 13 },
  U64: { size: 8, dtype: 'int32', rank: 14 },
};

/** The safetensors name tessera writes for each of its dtypes. */
export const SAFETENSORS_NAME: Readonly<Record<DType, SafetensorsDType>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

export function isSafetensorsDType(name: unknown): name is SafetensorsDType {
  return typeof name === 'string' && Object.hasOwn(SAFETENSORS_DTYPES, name);
}

/**
 * Converts `bytes` (little-endian elements of `dtype`) to the typed array tessera stores: a view of
 * `bytes` when no conversion is needed (the caller copies it into a tensor), else a new array.
 * Throws a RangeError (without a file name; the caller adds it) for integers outside int32.
 */
export function decodeElements(dtype: SafetensorsDType, bytes: Uint8Array): Float32Array | Int32Array | Uint8Array {
  const n = bytes.byteLength / SAFETENSORS_DTYPES[dtype].size;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // unaligned data is copied into a fresh Uint8Array first (not slice(): a Node Buffer's slice shares memory)
  switch (dtype) {
    case 'BOOL':
      return bytes;
    case 'F32':
      return aligned(bytes, 4) ? new Float32Array(bytes.buffer, bytes.byteOffset, n) : new Float32Array(new Uint8Array(bytes).buffer);
    case 'I32':
      return aligned(bytes, 4) ? new Int32Array(bytes.buffer, bytes.byteOffset, n) : new Int32Array(new Uint8Array(bytes).buffer);
    case 'U8':
    case 'I8':
    case 'I16':
    case 'U16':
    case 'U32':
      return convert(new Int32Array(n), n, (i) => readInt(view, dtype, i), dtype);
    case 'I64':
    case 'U64':
      return convert(
        new Int32Array(n),
        n,
        (i) => Number(dtype === 'I64' ? view.getBigInt64(i * 8, true) : view.getBigUint64(i * 8, true)),
        dtype,
      );
    case 'F64':
      return convert(new Float32Array(n), n, (i) => view.getFloat64(i * 8, true));
    case 'F16':
      return convert(new Float32Array(n), n, (i) => halfToFloat(view.getUint16(i * 2, true)));
    case 'BF16':
      return convert(new Float32Array(n), n, (i) => bfloat16ToFloat(view.getUint16(i * 2, true)));
  }
}

/** The raw little-endian bytes of a typed array (a view, not a copy). */
export function bytesOf(data: Float32Array | Int32Array | Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function aligned(bytes: Uint8Array, size: number): boolean {
  return bytes.byteOffset % size === 0;
}

function readInt(view: DataView, dtype: 'U8' | 'I8' | 'I16' | 'U16' | 'U32', i: number): number {
  if (dtype === 'U8') return view.getUint8(i);
  if (dtype === 'I8') return view.getInt8(i);
  if (dtype === 'I16') return view.getInt16(i * 2, true);
  if (dtype === 'U16') return view.getUint16(i * 2, true);
  return view.getUint32(i * 4, true);
}

function convert<A extends Float32Array | Int32Array>(out: A, n: number, read: (i: number) => number, intDType?: SafetensorsDType): A {
  for (let i = 0; i < n; i++) {
    const v = read(i);
    if (intDType !== undefined && (v > 2147483647 || v < -2147483648)) {
      throw new RangeError(`${intDType} value ${v} at element ${i} does not fit in int32`);
    }
    out[i] = v;
  }
  return out;
}

/** IEEE 754 half precision to a JS number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 (the top 16 bits of a float32) to a JS number. */
export function bfloat16ToFloat(b: number): number {
  scratch.u32[0] = b << 16;
  return scratch.f32[0];
}

const scratchBuffer = new ArrayBuffer(4);
const scratch = { u32: new Uint32Array(scratchBuffer), f32: new Float32Array(scratchBuffer) };
