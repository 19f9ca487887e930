// The webgpu reductions: sum/max/min/prod and argmax/argmin of contiguous (outer, r, inner) over r.
//
// Two kernels per op: one thread per output with a serial loop (many outputs, short r), and a
// workgroup of RW threads per output that strides over r and combines in workgroup memory (long
// r). When r is long and the outputs few, r is split into chunks, a workgroup per (output, chunk)
// writing partials (outer, chunks, inner) that a second pass reduces: a sum of 1e6 elements runs on
// hundreds of workgroups, then one. Combining is deterministic (a fixed tree); NaN wins max/min;
// int32 wraps; bool is read as bytes (sum/prod give int32, max/min give bool, as the reference).
// argmax/argmin keep (value, index) pairs: the first NaN wins, then the first index among equals.

import type { DType } from '../../core/dtype.js';
import type { ReduceOp, View } from '../backend.js';
import type { GpuBuf, WebGpuDevice } from './device.js';
import { ROW, WG } from './wgsl.js';

type ArgOp = 'argmax' | 'argmin';
type AnyOp = ReduceOp | ArgOp;
/** How x is read: f32 or i32 words, or bool bytes (computed in i32). */
type Src = 'f32' | 'i32' | 'u8';

/**
 * Threads of a workgroup reducing one output: 64 (two warps, one AMD wavefront). On lavapipe 256
 * made the barrier-heavy tree 10 to 20 times slower (sum of 1e6: 28 ms against 3 ms).
 */
const RW = 64;
/** Below this r the serial kernel is used. */
const SERIAL_MAX_R = 64;
/** From this many outputs on the serial kernel is used (enough threads already). */
const SERIAL_MIN_OUT = 8192;
/** Elements one workgroup covers at least before r is split into chunks. */
const CHUNK = 4096;
/** Workgroups a chunked first pass aims at. */
const TARGET_GROUPS = 512;
/** The "no candidate" index of the arg kernels. */
const NONE = '0xffffffffu';

/** NaN and infinity made at run time (a constant one is a shader error), and a NaN test by bits. */
export const NAN_WGSL = /* wgsl */ `
fn t_nan() -> f32 { var u = 0x7fc00000u; return bitcast<f32>(u); }
fn t_inf() -> f32 { var u = 0x7f800000u; return bitcast<f32>(u); }
fn t_isnan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
`;

const isArg = (op: AnyOp): op is ArgOp => op === 'argmax' || op === 'argmin';

function load(src: Src, i: string): string {
  if (src === 'u8') return `i32((x0[(${i}) >> 2u] >> (((${i}) & 3u) * 8u)) & 0xffu)`;
  return src === 'f32' ? `bitcast<f32>(x0[${i}])` : `bitcast<i32>(x0[${i}])`;
}

/**
 * The WGSL functions `comb(a, b)` (reductions) or `takeB(av, ai, bv, bi)` (arg ops: one shader for
 * both, params word `dir` is 1 for argmin) for `op` on type `ty`.
 */
function combiner(op: AnyOp, ty: 'f32' | 'i32', dir: number): string {
  const f = ty === 'f32';
  if (isArg(op)) {
    const nan = f
      ? `let an = t_isnan(av); let bn = t_isnan(bv);
  if (an && bn) { return bi < ai; }
  if (an || bn) { return bn; }`
      : '';
    return `fn takeB(av: ${ty}, ai: u32, bv: ${ty}, bi: u32) -> bool {
  if (bi == ${NONE}) { return false; }
  if (ai == ${NONE}) { return true; }
  ${nan}
  if (select(bv > av, bv < av, p[${dir}] != 0u)) { return true; }
  if (bv == av) { return bi < ai; }
  return false;
}`;
  }
  const body = {
    sum: 'a + b',
    prod: 'a * b',
    max: f ? 'select(max(a, b), t_nan(), t_isnan(a) || t_isnan(b))' : 'max(a, b)',
    min: f ? 'select(min(a, b), t_nan(), t_isnan(a) || t_isnan(b))' : 'min(a, b)',
  }[op];
  return `fn comb(a: ${ty}, b: ${ty}) -> ${ty} { return ${body}; }`;
}

/** The identity of `op` in `ty` (what a thread with no elements holds). */
function identity(op: ReduceOp, ty: 'f32' | 'i32'): string {
  const f = ty === 'f32';
  return { sum: f ? '0.0' : '0', prod: f ? '1.0' : '1', max: f ? '-t_inf()' : 'i32(-2147483647 - 1)', min: f ? 't_inf()' : '2147483647' }[
    op
  ];
}

/** The reference's value of a reduction over r = 0 (its identity stored in the output dtype). */
function empty(op: ReduceOp, ty: 'f32' | 'i32'): string {
  if (ty === 'i32' && (op === 'max' || op === 'min')) return '0'; // -Infinity stored in an Int32Array
  return identity(op, ty);
}

/**
 * One thread per output, a serial loop over r. Params: outer, r, inner, x offset, out offset,
 * dir (arg ops: 1 for argmin; an arg op's shader serves both).
 * @example serialWgsl('sum', 'f32')
 */
export function serialWgsl(op: AnyOp, src: Src): string {
  const ty = src === 'f32' ? 'f32' : 'i32';
  const x = `p[3] + (oo * r + k) * inner + ii`;
  const body = isArg(op)
    ? `var acc: ${ty} = ${ty}(0); var ai = ${NONE};
  for (var k = 0u; k < r; k++) { let v = ${load(src, x)}; if (takeB(acc, ai, v, k)) { acc = v; ai = k; } }
  o[p[4] + t] = select(ai, 0u, ai == ${NONE});`
    : `var acc: ${ty} = ${identity(op, ty)};
  for (var k = 0u; k < r; k++) { acc = comb(acc, ${load(src, x)}); }
  o[p[4] + t] = bitcast<u32>(select(acc, ${empty(op, ty)}, r == 0u));`;
  return /* wgsl */ `@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> o: array<u32>;
@group(0) @binding(2) var<storage, read> x0: array<u32>;
${NAN_WGSL}
${combiner(op, ty, 5)}
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x + g.y * ${ROW}u;
  let outer = p[0]; let r = p[1]; let inner = p[2];
  if (t >= outer * inner) { return; }
  let oo = t / inner; let ii = t % inner;
  ${body}
}
`;
}

/**
 * A workgroup of RW threads per (output, chunk of r). Params: outer, r, inner, x offset, out
 * offset, chunks, chunk length, workgroups along x, dir. Writes (outer, chunks, inner) at the out
 * offset: the result when chunks is 1, else partials for a second pass. For arg ops, `partial`
 * writes the candidates' values to binding 1 and their indices to binding 2, and `idxIn` reads the
 * candidates' indices from binding 3 (a second pass; x's values at binding 2 or 3 accordingly).
 * @example groupWgsl('max', 'f32', false, false)
 */
export function groupWgsl(op: AnyOp, src: Src, partial: boolean, idxIn: boolean): string {
  const ty = src === 'f32' ? 'f32' : 'i32';
  const arg = isArg(op);
  const twoOut = arg && partial;
  const xBinding = twoOut ? 3 : 2;
  const decls = [
    '@group(0) @binding(0) var<storage, read> p: array<u32>;',
    '@group(0) @binding(1) var<storage, read_write> o: array<u32>;',
    twoOut ? '@group(0) @binding(2) var<storage, read_write> oi: array<u32>;' : '',
    `@group(0) @binding(${xBinding}) var<storage, read> x0: array<u32>;`,
    idxIn ? `@group(0) @binding(${xBinding + 1}) var<storage, read> xi: array<u32>;` : '',
    `var<workgroup> sv: array<${ty}, ${RW}>;`,
    arg ? `var<workgroup> si: array<u32, ${RW}>;` : '',
  ].join('\n');
  const x = `p[3] + (oo * r + k) * inner + ii`;
  const idx = idxIn ? `xi[(oo * r + k) * inner + ii]` : 'k';
  const gather = arg
    ? `var acc: ${ty} = ${ty}(0); var ai = ${NONE};
  for (var k = k0 + l; k < k1; k += ${RW}u) { let v = ${load(src, x)}; let vi = ${idx}; if (takeB(acc, ai, v, vi)) { acc = v; ai = vi; } }
  sv[l] = acc; si[l] = ai;`
    : `var acc: ${ty} = ${identity(op, ty)};
  for (var k = k0 + l; k < k1; k += ${RW}u) { acc = comb(acc, ${load(src, x)}); }
  sv[l] = acc;`;
  const step = arg
    ? 'if (l < s && takeB(sv[l], si[l], sv[l + s], si[l + s])) { sv[l] = sv[l + s]; si[l] = si[l + s]; }'
    : 'if (l < s) { sv[l] = comb(sv[l], sv[l + s]); }';
  const pos = '(oo * chunks + c) * inner + ii';
  const write = !arg
    ? `o[p[4] + ${pos}] = bitcast<u32>(select(sv[0], ${empty(op as ReduceOp, ty)}, r == 0u));`
    : twoOut
      ? `o[${pos}] = bitcast<u32>(sv[0]); oi[${pos}] = si[0];`
      : `o[p[4] + ${pos}] = select(si[0], 0u, si[0] == ${NONE});`;
  return /* wgsl */ `${decls}
${NAN_WGSL}
${combiner(op, ty, 8)}
@compute @workgroup_size(${RW}) fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_index) l: u32) {
  let outer = p[0]; let r = p[1]; let inner = p[2]; let chunks = p[5]; let len = p[6];
  let wid = w.x + w.y * p[7];
  let valid = wid < outer * chunks * inner;
  let id = select(0u, wid, valid);
  let ii = id % inner; let oc = id / inner; let c = oc % chunks; let oo = oc / chunks;
  let k0 = c * len; let k1 = select(k0, min(r, k0 + len), valid);
  ${gather}
  workgroupBarrier();
  for (var s = ${RW / 2}u; s > 0u; s >>= 1u) {
    ${step}
    workgroupBarrier();
  }
  if (l == 0u && valid) { ${write} }
}
`;
}

/** Packs int32 values (n at element 0 of x) as bool bytes at element `off` of o, keeping the other bytes. */
const PACK_BOOL = /* wgsl */ `@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> o: array<u32>;
@group(0) @binding(2) var<storage, read> x0: array<u32>;
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x + g.y * ${ROW}u;
  let n = p[0]; let off = p[1];
  let word = (off >> 2u) + t;
  if (word * 4u >= off + n) { return; }
  var v = o[word];
  for (var j = 0u; j < 4u; j++) {
    let e = word * 4u + j;
    if (e >= off && e < off + n) {
      let b = select(0u, 1u, bitcast<i32>(x0[e - off]) != 0);
      v = (v & ~(0xffu << (8u * j))) | (b << (8u * j));
    }
  }
  o[word] = v;
}
`;

/** A 2-D grid of `n` workgroups (each dimension at most 65535). */
function groupGrid(n: number): [number, number, number] {
  const x = Math.min(n, 65535);
  return [x, Math.ceil(n / x), 1];
}

/** Reduces x (outer, r, inner) read as `src` into `out` ((outer, inner) words at out.offset). */
function plan(
  dev: WebGpuDevice,
  op: AnyOp,
  x: View,
  src: Src,
  outer: number,
  r: number,
  inner: number,
  out: View,
  idxIn: GpuBuf | null,
): void {
  const nOut = outer * inner;
  if (nOut === 0) return;
  const xb = x.buffer as GpuBuf;
  const shaderOp = isArg(op) ? 'argmax' : op;
  const dir = op === 'argmin' ? 1 : 0;
  if (idxIn === null && (r < SERIAL_MAX_R || nOut >= SERIAL_MIN_OUT)) {
    dev.dispatch(serialWgsl(shaderOp, src), [outer, r, inner, x.offset, out.offset, dir], out.buffer as GpuBuf, [xb], nOut);
    return;
  }
  let chunks = r > 2 * CHUNK && nOut < TARGET_GROUPS ? Math.min(Math.ceil(r / CHUNK), Math.ceil(TARGET_GROUPS / nOut)) : 1;
  const len = Math.max(1, Math.ceil(r / chunks));
  chunks = Math.max(1, Math.ceil(r / len)); // every chunk non-empty
  const inputs = idxIn === null ? [xb] : [xb, idxIn];
  if (chunks === 1) {
    const groups = groupGrid(nOut);
    const params = [outer, r, inner, x.offset, out.offset, 1, len, groups[0], dir];
    dev.run({ code: groupWgsl(shaderOp, src, false, idxIn !== null), params, outputs: [out.buffer as GpuBuf], inputs, groups });
    return;
  }
  // first pass: partials (outer, chunks, inner) in the value type; arg ops also their indices
  const ty: Src = src === 'f32' ? 'f32' : 'i32';
  const n = outer * chunks * inner;
  const vals = dev.allocate(n * 4);
  const idx = isArg(op) ? dev.allocate(n * 4) : null;
  const groups = groupGrid(n);
  const params = [outer, r, inner, x.offset, 0, chunks, len, groups[0], dir];
  const outputs = idx === null ? [vals] : [vals, idx];
  dev.run({ code: groupWgsl(shaderOp, src, idx !== null, idxIn !== null), params, outputs, inputs, groups });
  plan(dev, op, { buffer: vals, offset: 0 }, ty, outer, chunks, inner, out, idx);
  dev.free(vals); // later work on the queue is ordered after these dispatches
  if (idx !== null) dev.free(idx);
}

const srcOf = (dtype: DType): Src => (dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u8');

/**
 * out (outer, inner) = op over r of x (outer, r, inner), all contiguous. float32 and int32 keep
 * their dtype; bool gives int32 for sum/prod and bool for max/min.
 * @example reduce(dev, 'sum', x, 'float32', 1, 1_000_000, 1, out) // chunked: two passes
 */
export function reduce(dev: WebGpuDevice, op: ReduceOp, x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void {
  const n = outer * inner;
  if (dtype !== 'bool' || op === 'sum' || op === 'prod') {
    plan(dev, op, x, srcOf(dtype), outer, r, inner, out, null);
    return;
  }
  if (n === 0) return;
  // bool max/min: reduce to int32, then pack the bytes (the output may start mid-word)
  const tmp = dev.allocate(n * 4);
  plan(dev, op, x, 'u8', outer, r, inner, { buffer: tmp, offset: 0 }, null);
  dev.dispatch(PACK_BOOL, [n, out.offset], out.buffer as GpuBuf, [tmp], Math.ceil(((out.offset % 4) + n) / 4));
  dev.free(tmp);
}

/**
 * int32 out (outer, inner) = index along r of the max (min) of x (outer, r, inner): the first
 * index among equal values, the first NaN if any (the reference's rule); 0 when r is 0.
 * @example argReduce(dev, 'argmax', x, 'float32', 4, 10, 1, out)
 */
export function argReduce(dev: WebGpuDevice, op: ArgOp, x: View, dtype: DType, outer: number, r: number, inner: number, out: View): void {
  plan(dev, op, x, srcOf(dtype), outer, r, inner, out, null);
}
