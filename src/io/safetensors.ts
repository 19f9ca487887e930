// The safetensors format (https://huggingface.co/docs/safetensors), byte-level and browser-safe:
//
//   [8 bytes: N, u64 little-endian] [N bytes: JSON header, padded with spaces] [tensor data]
//
// The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets relative
// to the start of the data) and may hold "__metadata__", a map of strings. The data of the tensors,
// row-major little-endian, must tile the data section exactly: no gaps, no overlaps, nothing after.
// Reading checks all of that and refuses a truncated or corrupted file with a message naming it.
// Nothing in a file is evaluated: the header goes through JSON.parse and the data is copied.

import type { TypedArray } from '../core/dtype.js';
import type { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';
import { FileFormatError, jsonSyntaxError } from './errors.js';
import { describe, setOwn, type TensorMap, tensorEntries } from './records.js';
import {
  bytesOf,
  decodeElements,
  isSafetensorsDType,
  SAFETENSORS_DTYPES,
  SAFETENSORS_NAME,
  type SafetensorsDType,
} from './safetensors-dtypes.js';

/** The largest header the reference implementation accepts (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One tensor's entry in a safetensors header. */
export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  /** [begin, end) in bytes, relative to the start of the data section. */
  dataOffsets: [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** Entries in the order of their data in the file. */
  tensors: Map<string, SafetensorsEntry>;
  /** The `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file (8 + header length). */
  dataStart: number;
}

/** Tensors and metadata decoded from a safetensors file. */
export interface SafetensorsContents {
  /** The tensors by name, in file order. */
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * The values of named tensors, read from their devices with `await t.data()` (the read every device
 * supports): what `encodeSafetensors` and `assertFinite` take so that saving never reads a tensor
 * synchronously.
 * @example const values = await readTensorValues(Object.entries(model.stateDict()));
 */
export async function readTensorValues(tensors: Iterable<readonly [string, Tensor]>): Promise<Map<string, TypedArray>> {
  const entries = [...tensors];
  const datas = await Promise.all(entries.map(([, t]) => t.data()));
  return new Map(entries.map(([name], i) => [name, datas[i]]));
}

/**
 * Serialises named tensors (float32 as F32, int32 as I32, bool as BOOL) and an optional string map
 * into safetensors bytes, laid out as the reference writer does: sorted by dtype alignment, then by
 * name, header padded to a multiple of 8 bytes so every tensor's data is aligned. `values` (from
 * `readTensorValues`) gives the tensors' values already read; without it they are read synchronously,
 * which a device such as a GPU may refuse.
 *
 * @example
 * const bytes = encodeSafetensors({ 'fc.weight': randn([10, 784]) }, { format: 'tessera' });
 * const same = encodeSafetensors(weights, {}, await readTensorValues(Object.entries(weights))); // any device
 */
export function encodeSafetensors(
  tensors: TensorMap,
  metadata: Readonly<Record<string, string>> = {},
  values?: ReadonlyMap<string, TypedArray>,
): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('encodeSafetensors: big-endian hosts are not supported');
  const entries = tensorEntries('encodeSafetensors', 'tensors', tensors).map(([name, t]) => {
    if (name === '' || name === '__metadata__') throw new RangeError(`encodeSafetensors: invalid tensor name "${name}"`);
    return { name, t, dtype: SAFETENSORS_NAME[t.dtype] };
  });
  entries.sort((a, b) => SAFETENSORS_DTYPES[b.dtype].rank - SAFETENSORS_DTYPES[a.dtype].rank || compareNames(a.name, b.name));
  const header: Record<string, unknown> = {};
  const meta = checkMetadata('encodeSafetensors', metadata);
  if (Object.keys(meta).length > 0) header.__metadata__ = meta;
  const datas: Uint8Array[] = [];
  let offset = 0;
  for (const { name, t, dtype } of entries) {
    const data = bytesOf(values?.get(name) ?? t.toTypedArray());
    setOwn(header, name, { dtype, shape: [...t.shape], data_offsets: [offset, offset + data.byteLength] });
    datas.push(data);
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + padded);
  let p = 8 + padded;
  for (const d of datas) {
    out.set(d, p);
    p += d.byteLength;
  }
  return out;
}

/**
 * Parses and validates the header of safetensors `bytes` (the whole file) without reading tensor
 * data: dtypes, shapes, offsets that tile the data section, and the file's length.
 * `file` names the source in errors.
 *
 * @example const { tensors } = readSafetensorsHeader(bytes, 'model.safetensors'); // Map name -> {dtype, shape}
 */
export function readSafetensorsHeader(bytes: Uint8Array, file = '<safetensors bytes>'): SafetensorsHeader {
  const fail = (problem: string) => new FileFormatError(file, problem);
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`readSafetensorsHeader: bytes must be a Uint8Array, got ${describe(bytes)}`);
  if (bytes.byteLength < 8) throw fail(`not a safetensors file: ${bytes.byteLength} bytes, too short for the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw fail(`not a safetensors file, or corrupted: header length ${n} exceeds the 100 MB limit`);
  const headerBytes = Number(n);
  const dataStart = 8 + headerBytes;
  if (dataStart > bytes.byteLength) {
    throw fail(`truncated: the header is ${headerBytes} bytes long but the file has only ${bytes.byteLength - 8} bytes after the length`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    throw fail('corrupted: the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw fail(`not a safetensors file, or corrupted: the header does not start with '{'`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw fail(`corrupted: the header is not valid JSON (${jsonSyntaxError(e, text)})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw fail('corrupted: the header is not a JSON object');

  let metadata: Record<string, string> = {};
  const list: [string, SafetensorsEntry][] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name === '__metadata__') {
      metadata = checkMetadata(file, value, fail);
      continue;
    }
    list.push([name, checkEntry(name, value, fail)]);
  }
  list.sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1]);
  let end = 0;
  for (const [name, e] of list) {
    const [begin, stop] = e.dataOffsets;
    if (begin !== end) {
      throw fail(
        `corrupted: tensor "${name}" has data_offsets [${begin}, ${stop}], which ${begin > end ? 'leaves a gap' : 'overlaps the previous tensor'} (expected to begin at ${end})`,
      );
    }
    end = stop;
  }
  const available = bytes.byteLength - dataStart;
  if (end > available) throw fail(`truncated: the header describes ${end} bytes of tensor data but only ${available} are present`);
  if (end < available) throw fail(`corrupted: ${available - end} unexpected bytes after the last tensor's data`);
  return { tensors: new Map(list), metadata, dataStart };
}

/**
 * Reads safetensors `bytes` into tensors (see readSafetensorsHeader for the checks). F32/I32/BOOL load
 * as float32/int32/bool; F64/F16/BF16 convert to float32 and other integer types to int32.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes, 'model.safetensors');
 * tensors['fc.weight'].shape; // [10, 784]
 */
export function decodeSafetensors(bytes: Uint8Array, file = '<safetensors bytes>'): SafetensorsContents {
  if (!LITTLE_ENDIAN) throw new Error('decodeSafetensors: big-endian hosts are not supported');
  const header = readSafetensorsHeader(bytes, file);
  const tensors: Record<string, Tensor> = {};
  for (const [name, e] of header.tensors) {
    const chunk = bytes.subarray(header.dataStart + e.dataOffsets[0], header.dataStart + e.dataOffsets[1]);
    let data: Float32Array | Int32Array | Uint8Array;
    try {
      data = decodeElements(e.dtype, chunk);
    } catch (err) {
      throw new FileFormatError(file, `tensor "${name}": ${(err as Error).message}`);
    }
    setOwn(tensors, name, tensor(data, { dtype: SAFETENSORS_DTYPES[e.dtype].dtype }).reshape(e.shape));
  }
  return { tensors, metadata: header.metadata };
}

function checkEntry(name: string, value: unknown, fail: (problem: string) => Error): SafetensorsEntry {
  const where = `tensor "${name}"`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fail(`corrupted: ${where} is not an object in the header`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isSafetensorsDType(dtype)) {
    throw fail(`${where} has unsupported dtype ${JSON.stringify(dtype)} (tessera reads ${Object.keys(SAFETENSORS_DTYPES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw fail(`corrupted: ${where} has invalid shape ${JSON.stringify(shape)} (expected an array of non-negative integers)`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[1] < offsets[0]
  ) {
    throw fail(`corrupted: ${where} has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end] with 0 <= begin <= end)`);
  }
  const count = shape.reduce((a: number, d: number) => a * d, 1);
  const nbytes = count * SAFETENSORS_DTYPES[dtype].size;
  if (!Number.isSafeInteger(nbytes)) throw fail(`corrupted: ${where} has a shape too large to address: ${JSON.stringify(shape)}`);
  if (offsets[1] - offsets[0] !== nbytes) {
    throw fail(
      `corrupted: ${where} is ${dtype} of shape [${shape.join(', ')}] (${nbytes} bytes) but its data_offsets span ${offsets[1] - offsets[0]} bytes`,
    );
  }
  return { dtype, shape: [...shape], dataOffsets: [offsets[0], offsets[1]] };
}

function checkMetadata(where: string, value: unknown, fail?: (problem: string) => Error): Record<string, string> {
  const bad = (problem: string) => (fail ? fail(`corrupted: ${problem}`) : new TypeError(`${where}: ${problem}`));
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw bad(`__metadata__ must be an object of strings, got ${describe(value)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw bad(`__metadata__["${k}"] must be a string, got ${describe(v)}`);
    setOwn(out, k, v);
  }
  return out;
}

/** Byte-wise (UTF-8) order of names, as the reference writer sorts them. */
function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) if (ea[i] !== eb[i]) return ea[i] - eb[i];
  return ea.length - eb.length;
}
