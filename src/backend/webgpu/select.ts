// The webgpu index kernels: indexSelect, gather and their adjoints indexAdd and scatterAdd (float
// adds into shared rows by compare-and-swap on the f32 bits: WGSL has no float atomics, so the
// order of the adds into one element, and its last-bit rounding, varies from run to run).
// Indices are assumed valid (the ops check them: src/ops/indexing.ts); an invalid one is clamped
// into range by the reads and skipped by the adds, so no kernel touches memory outside its views.

import type { DType } from '../../core/dtype.js';
import type { View } from '../backend.js';
import type { GpuBuf, WebGpuDevice } from './device.js';
import { ROW, WG } from './wgsl.js';

/** The most dims a gather/scatterAdd kernel takes (its params hold the shapes). */
const MAX_RANK = 16;

/** The element of `x` an output element `e` copies: WGSL `fn src(e: u32) -> u32` per kernel. */
function copyKernel(dtype: DType, srcFn: string): string {
  const body =
    dtype === 'bool'
      ? // one invocation per output word: bytes of the word outside [off, off + total) keep their value
        `  let first = off / 4u;
  let w = first + t;
  if (total == 0u || w > (off + total - 1u) / 4u) { return; }
  var word = o[w];
  for (var b = 0u; b < 4u; b++) {
    let pos = w * 4u + b;
    if (pos < off || pos >= off + total) { continue; }
    let k = src(pos - off);
    let byte = (x[k >> 2u] >> ((k & 3u) * 8u)) & 0xffu;
    word = (word & ~(0xffu << (b * 8u))) | (byte << (b * 8u));
  }
  o[w] = word;`
      : `  if (t >= total) { return; }
  o[off + t] = x[src(t)];`;
  return /* wgsl */ `@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> o: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<u32>;
@group(0) @binding(3) var<storage, read> ix: array<u32>;
${srcFn}
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x + gid.y * ${ROW}u;
  let total = p[0];
  let off = p[1];
${body}
}
`;
}

/** Float adds of `src` elements into `o` by CAS: `fn dst(e: u32) -> i32` gives the target (-1: skip). */
function addKernel(dstFn: string): string {
  return /* wgsl */ `@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> o: array<atomic<u32>>;
@group(0) @binding(2) var<storage, read> s: array<u32>;
@group(0) @binding(3) var<storage, read> ix: array<u32>;
${dstFn}
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x + gid.y * ${ROW}u;
  if (t >= p[0]) { return; }
  let d = dst(t);
  if (d < 0) { return; }
  let v = bitcast<f32>(s[p[1] + t]);
  let at = u32(d);
  var old = atomicLoad(&o[at]);
  loop {
    let r = atomicCompareExchangeWeak(&o[at], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}
`;
}

// params: total, out off, x off, idx off, outer, d, inner, n
const SELECT_SRC = /* wgsl */ `fn src(e: u32) -> u32 {
  let d = p[5]; let inner = p[6]; let n = p[7];
  let i = e % inner;
  let j = (e / inner) % n;
  let oo = e / (inner * n);
  let row = u32(clamp(bitcast<i32>(ix[p[3] + j]), 0, i32(d) - 1));
  return p[2] + (oo * d + row) * inner + i;
}`;

// params: total, src off, out off, idx off, outer, d, inner, n
const INDEX_ADD_DST = /* wgsl */ `fn dst(e: u32) -> i32 {
  let d = p[5]; let inner = p[6]; let n = p[7];
  let i = e % inner;
  let j = (e / inner) % n;
  let oo = e / (inner * n);
  let row = bitcast<i32>(ix[p[3] + j]);
  if (row < 0 || row >= i32(d)) { return -1; }
  return i32(p[2] + (oo * d + u32(row)) * inner + i);
}`;

// params: total, (out|src) off, (x|out) off, idx off, rank, axis, then outShape[rank], xShape[rank]
const GATHER_POS = /* wgsl */ `fn xpos(e: u32) -> i32 {
  let rank = p[4]; let axis = p[5];
  var r = e;
  var pos = 0u;
  var stride = 1u;
  var bad = false;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let od = p[8u + u32(d)];
    let xd = p[8u + rank + u32(d)];
    var c = r % od;
    r = r / od;
    if (u32(d) == axis) {
      let k = bitcast<i32>(ix[p[3] + e]);
      bad = k < 0 || k >= i32(xd);
      c = u32(clamp(k, 0, i32(xd) - 1));
    }
    pos += c * stride;
    stride *= xd;
  }
  return select(i32(pos), -1, bad);
}`;

const SELECT = new Map<DType, string>();
const GATHER = new Map<DType, string>();
const INDEX_ADD = addKernel(INDEX_ADD_DST);
const SCATTER_ADD = addKernel(`${GATHER_POS}
fn dst(e: u32) -> i32 { let k = xpos(e); return select(k + i32(p[2]), -1, k < 0); }`);

function selectCode(dtype: DType): string {
  let c = SELECT.get(dtype);
  if (c === undefined) {
    c = copyKernel(dtype, SELECT_SRC);
    SELECT.set(dtype, c);
  }
  return c;
}

function gatherCode(dtype: DType): string {
  let c = GATHER.get(dtype);
  if (c === undefined) {
    // a bad index (clamped by xpos's caller) reads the clamped element
    c = copyKernel(
      dtype,
      `${GATHER_POS.replace('select(i32(pos), -1, bad)', 'i32(pos)')}\nfn src(e: u32) -> u32 { return p[2] + u32(xpos(e)); }`,
    );
    GATHER.set(dtype, c);
  }
  return c;
}

function invocations(dtype: DType, total: number, offset: number): number {
  if (total === 0) return 0;
  return dtype === 'bool' ? Math.floor((offset + total - 1) / 4) - Math.floor(offset / 4) + 1 : total;
}

function checkRank(op: string, rank: number): void {
  if (rank > MAX_RANK) throw new RangeError(`webgpu ${op}: rank must be at most ${MAX_RANK}, got ${rank}`);
}

/**
 * out (outer, n, inner) = x (outer, d, inner) at rows idx (int32), for every dtype (a bool output
 * word is written whole by one invocation).
 * @example indexSelect(dev, x, 'float32', 1, 10, 4, idx, 3, out) // rows idx of a (10, 4) table
 */
export function indexSelect(
  dev: WebGpuDevice,
  x: View,
  dtype: DType,
  outer: number,
  d: number,
  inner: number,
  idx: View,
  n: number,
  out: View,
): void {
  const total = outer * n * inner;
  const params = [total, out.offset, x.offset, idx.offset, outer, d, inner, n];
  const inputs = [x.buffer as GpuBuf, idx.buffer as GpuBuf];
  dev.dispatch(selectCode(dtype), params, out.buffer as GpuBuf, inputs, invocations(dtype, total, out.offset));
}

/**
 * out (outer, d, inner) += src (outer, n, inner) at rows idx (float32; duplicate rows add up).
 * @example indexAdd(dev, gy, 1, 3, 4, idx, 10, gTable) // embedding backward
 */
export function indexAdd(dev: WebGpuDevice, src: View, outer: number, n: number, inner: number, idx: View, d: number, out: View): void {
  const total = outer * n * inner;
  const params = [total, src.offset, out.offset, idx.offset, outer, d, inner, n];
  dev.dispatch(INDEX_ADD, params, out.buffer as GpuBuf, [src.buffer as GpuBuf, idx.buffer as GpuBuf], total);
}

/**
 * torch.gather along `axis`: out[..i..] = x[..index[..i..]..], all contiguous, index int32 of out's shape.
 * @example gather(dev, x, 'float32', [2, 5], 1, idx, [2, 3], out)
 */
export function gather(
  dev: WebGpuDevice,
  x: View,
  dtype: DType,
  xShape: readonly number[],
  axis: number,
  index: View,
  outShape: readonly number[],
  out: View,
): void {
  checkRank('gather', outShape.length);
  const total = outShape.reduce((a, b) => a * b, 1);
  const params = [total, out.offset, x.offset, index.offset, outShape.length, axis, 0, 0, ...outShape, ...xShape];
  const inputs = [x.buffer as GpuBuf, index.buffer as GpuBuf];
  dev.dispatch(gatherCode(dtype), params, out.buffer as GpuBuf, inputs, invocations(dtype, total, out.offset));
}

/**
 * The adjoint of gather: out (xShape, zeroed by the caller) += src (outShape) at index along axis. float32.
 * @example scatterAdd(dev, gy, [2, 3], 1, idx, [2, 5], gx)
 */
export function scatterAdd(
  dev: WebGpuDevice,
  src: View,
  outShape: readonly number[],
  axis: number,
  index: View,
  xShape: readonly number[],
  out: View,
): void {
  checkRank('scatterAdd', outShape.length);
  const total = outShape.reduce((a, b) => a * b, 1);
  const params = [total, src.offset, out.offset, index.offset, outShape.length, axis, 0, 0, ...outShape, ...xShape];
  dev.dispatch(SCATTER_ADD, params, out.buffer as GpuBuf, [src.buffer as GpuBuf, index.buffer as GpuBuf], total);
}
