// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
//
//   [0x00 0x00] [type code] [number of dims n] [n sizes, u32 big-endian] [data, big-endian, row-major]
//
// type codes: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64. Files are often gzip'd
// (`.gz`); decodeIdx and readIdx detect that from the bytes. Every check names the file.

import type { DType } from '../core/dtype.js';
import type { Tensor } from '../core/tensor.js';
import { FileFormatError } from '../io/errors.js';
import { nodeModules } from '../io/node.js';
import { tensor } from '../ops/creation.js';
import { gunzip, isGzip } from './gzip.js';

/** The element types of IDX files. */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** An IDX array: its element type, shape and values. */
export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const CODES: Readonly<Record<number, { dtype: IdxDType; size: number }>> = {
  8: { dtype: 'uint8', size: 1 },
  9: { dtype: 'int8', size: 1 },
  11: { dtype: 'int16', size: 2 },
  12: { dtype: 'int32', size: 4 },
  13: { dtype: 'float32', size: 4 },
  14: { dtype: 'float64', size: 8 },
};
const CODE_OF: Readonly<Record<IdxDType, number>> = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };

/**
 * Parses uncompressed IDX bytes. Checks the magic number, type code, dims and that the length is
 * exactly header + data; `file` names the source in errors.
 *
 * @example parseIdx(bytes, 'train-labels-idx1-ubyte') // { dtype: 'uint8', shape: [60000], data }
 */
export function parseIdx(bytes: Uint8Array, file = '<idx bytes>'): IdxArray {
  const fail = (problem: string) => new FileFormatError(file, problem);
  if (isGzip(bytes)) throw fail('is gzip-compressed; decompress it first (decodeIdx and readIdx do this for you)');
  if (bytes.byteLength < 4) throw fail(`not an IDX file: ${bytes.byteLength} bytes, too short for the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(`not an IDX file: the magic number must start with two zero bytes, got 0x${hex(bytes[0])} 0x${hex(bytes[1])}`);
  }
  const type = CODES[bytes[2]];
  if (type === undefined)
    throw fail(`not an IDX file, or corrupted: unknown type code 0x${hex(bytes[2])} (expected 08, 09, 0B, 0C, 0D or 0E)`);
  const ndim = bytes[3];
  if (ndim === 0) throw fail('corrupted: the number of dims is 0');
  const headerBytes = 4 + 4 * ndim;
  if (bytes.byteLength < headerBytes)
    throw fail(`truncated: ${bytes.byteLength} bytes, but the header of a ${ndim}-d array needs ${headerBytes}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.size;
  if (!Number.isSafeInteger(expected)) throw fail(`corrupted: dims [${shape.join(', ')}] are too large`);
  if (bytes.byteLength < expected) {
    throw fail(`truncated: a ${type.dtype} array of shape [${shape.join(', ')}] needs ${expected} bytes, the file has ${bytes.byteLength}`);
  }
  if (bytes.byteLength > expected)
    throw fail(`corrupted: ${bytes.byteLength - expected} unexpected bytes after the ${type.dtype} array of shape [${shape.join(', ')}]`);
  const body = bytes.subarray(headerBytes);
  return { dtype: type.dtype, shape, data: readBigEndian(type.dtype, body, count) };
}

/**
 * Parses IDX bytes, gzip'd or not (detected from the bytes).
 * @example const images = await decodeIdx(await (await fetch(url)).bytes(), url);
 */
export async function decodeIdx(bytes: Uint8Array, file = '<idx bytes>'): Promise<IdxArray> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes, file) : bytes, file);
}

/**
 * Reads an IDX file (`.gz` or not) from disk (Node.js).
 * @example const labels = await readIdx('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 */
export async function readIdx(path: string): Promise<IdxArray> {
  const { fs } = await nodeModules('readIdx');
  return decodeIdx(await fs.readFile(path), path);
}

/**
 * Serialises an array in the IDX format (uncompressed).
 * @example encodeIdx({ dtype: 'uint8', shape: [2, 2], data: new Uint8Array([0, 255, 255, 0]) })
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const { dtype, shape, data } = array;
  const code = CODE_OF[dtype];
  if (code === undefined) throw new TypeError(`encodeIdx: unknown dtype ${String(dtype)}`);
  if (shape.length === 0 || shape.length > 255 || !shape.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 32)) {
    throw new RangeError(`encodeIdx: shape must have 1 to 255 dims of size below 2^32, got [${shape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new RangeError(`encodeIdx: shape [${shape.join(', ')}] needs ${count} values, got ${data.length}`);
  const size = CODES[code].size;
  const out = new Uint8Array(4 + 4 * shape.length + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  const at = 4 + 4 * shape.length;
  for (let i = 0; i < count; i++) {
    const p = at + i * size;
    const v = data[i];
    if (dtype === 'uint8') view.setUint8(p, v);
    else if (dtype === 'int8') view.setInt8(p, v);
    else if (dtype === 'int16') view.setInt16(p, v, false);
    else if (dtype === 'int32') view.setInt32(p, v, false);
    else if (dtype === 'float32') view.setFloat32(p, v, false);
    else view.setFloat64(p, v, false);
  }
  return out;
}

/**
 * An IDX array as a tensor: integer types become int32, float types float32.
 * @example idxToTensor(await readIdx('t10k-labels-idx1-ubyte.gz')) // int32 (10000)
 */
export function idxToTensor(array: IdxArray): Tensor {
  const dtype: DType = array.dtype === 'float32' || array.dtype === 'float64' ? 'float32' : 'int32';
  const data = dtype === 'int32' ? Int32Array.from(array.data) : Float32Array.from(array.data);
  return tensor(data, { dtype }).reshape(array.shape);
}

function readBigEndian(dtype: IdxDType, body: Uint8Array, count: number): IdxArray['data'] {
  // copies into fresh arrays (a Node Buffer's slice would share its memory pool)
  if (dtype === 'uint8') return new Uint8Array(body.subarray(0, count));
  if (dtype === 'int8') return new Int8Array(body.buffer, body.byteOffset, count).slice();
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (dtype === 'int16') return Int16Array.from({ length: count }, (_, i) => view.getInt16(2 * i, false));
  if (dtype === 'int32') return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, false));
  if (dtype === 'float32') return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, false));
  return Float64Array.from({ length: count }, (_, i) => view.getFloat64(4 * i, false));
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0').toUpperCase();
}
