// The webgpu row kernels: softmax and log-softmax of (rows, cols), and the fused cross-entropy
// (loss, target weight and gradient of each row in one pass). A workgroup per row: its threads
// stride over the columns and combine the row's max and sums in workgroup memory.
//
// As the reference: out = x - max - log(sum(exp(x - max))) (exp of it for softmax); a row whose
// max is not finite (a NaN, a +inf, or every entry -inf) is all NaN; -inf entries give -inf (0).

import type { CrossEntropyRowsArgs, View } from '../backend.js';
import type { GpuBuf, WebGpuDevice } from './device.js';
import { NAN_WGSL } from './reduce.js';

/**
 * Threads per row (a workgroup): 64, or 32 for short rows. On lavapipe 256 threads made the
 * barrier-heavy row kernels several times slower (softmax (1000, 1000): 108 ms against 32 ms).
 */
const rowThreads = (cols: number): number => (cols <= 32 ? 32 : 64);

/** A 2-D grid of `n` workgroups (each dimension at most 65535). */
function groupGrid(n: number): [number, number, number] {
  const x = Math.min(n, 65535);
  return [x, Math.ceil(n / x), 1];
}

/** WGSL shared by the row kernels: tree reductions of one f32 (or vec2f) per thread over `S` threads. */
function rowLib(s: number): string {
  return /* wgsl */ `${NAN_WGSL}
var<workgroup> red: array<vec2f, ${s}>;
fn t_max(a: f32, b: f32) -> f32 { return select(max(a, b), t_nan(), t_isnan(a) || t_isnan(b)); }
fn rowMax(l: u32, v: f32) -> f32 {
  red[l] = vec2f(v, 0.0);
  workgroupBarrier();
  for (var s = ${s / 2}u; s > 0u; s >>= 1u) {
    if (l < s) { red[l].x = t_max(red[l].x, red[l + s].x); }
    workgroupBarrier();
  }
  let m = red[0].x;
  workgroupBarrier();
  return m;
}
fn rowSum(l: u32, v: vec2f) -> vec2f {
  red[l] = v;
  workgroupBarrier();
  for (var s = ${s / 2}u; s > 0u; s >>= 1u) {
    if (l < s) { red[l] = red[l] + red[l + s]; }
    workgroupBarrier();
  }
  let m = red[0];
  workgroupBarrier();
  return m;
}
fn finite(v: f32) -> bool { return !t_isnan(v) && abs(v) != t_inf(); }
fn texp(d: f32) -> f32 { return select(exp(d), 0.0, d == -t_inf()); }
`;
}

/**
 * Softmax (or log-softmax) of each row of contiguous x (rows, cols) into out. Params: rows, cols,
 * x offset, out offset, workgroups along x.
 * @example softmaxWgsl(256, true)
 */
export function softmaxWgsl(s: number, log: boolean): string {
  return /* wgsl */ `@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> o: array<u32>;
@group(0) @binding(2) var<storage, read> x0: array<u32>;
${rowLib(s)}
@compute @workgroup_size(${s}) fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_index) l: u32) {
  let rows = p[0]; let cols = p[1];
  let row = w.x + w.y * p[4];
  let valid = row < rows;
  let n = select(0u, cols, valid);
  let xb = p[2] + row * cols; let ob = p[3] + row * cols;
  var m = -t_inf();
  for (var j = l; j < n; j += ${s}u) { m = t_max(m, bitcast<f32>(x0[xb + j])); }
  let mx = rowMax(l, m);
  let ok = finite(mx);
  var e = 0.0;
  for (var j = l; j < n; j += ${s}u) { e += texp(bitcast<f32>(x0[xb + j]) - mx); }
  let ls = log(rowSum(l, vec2f(e, 0.0)).x);
  for (var j = l; j < n; j += ${s}u) {
    let d = bitcast<f32>(x0[xb + j]) - mx - ls;
    o[ob + j] = bitcast<u32>(select(t_nan(), ${log ? 'd' : 'texp(d)'}, ok));
  }
}
`;
}

/**
 * Row-wise softmax (or log-softmax, `log`) of contiguous float32 x (rows, cols) into out.
 * @example softmax(dev, x, 32, 10, out, true)
 */
export function softmax(dev: WebGpuDevice, x: View, rows: number, cols: number, out: View, log: boolean): void {
  if (rows === 0 || cols === 0) return;
  const s = rowThreads(cols);
  const groups = groupGrid(rows);
  dev.run({
    code: softmaxWgsl(s, log),
    params: [rows, cols, x.offset, out.offset, groups[0]],
    outputs: [out.buffer as GpuBuf],
    inputs: [x.buffer as GpuBuf],
    groups,
  });
}

/**
 * The fused cross-entropy kernel (CrossEntropyRowsArgs). Params: rows, cols, logits offset, target
 * offset, weight offset, loss offset, rowWeight offset, grad offset, ignoreIndex (i32 bits),
 * smoothing (f32 bits), workgroups along x. Bindings: loss, rowWeight, grad, logits, target, weight.
 * @example crossEntropyWgsl(256, true)
 */
export function crossEntropyWgsl(s: number, weighted: boolean): string {
  const wOf = (k: string) => (weighted ? `bitcast<f32>(wt[p[4] + ${k}])` : '1.0');
  return /* wgsl */ `@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> lossOut: array<u32>;
@group(0) @binding(2) var<storage, read_write> rwOut: array<u32>;
@group(0) @binding(3) var<storage, read_write> gradOut: array<u32>;
@group(0) @binding(4) var<storage, read> x0: array<u32>;
@group(0) @binding(5) var<storage, read> tg: array<u32>;
${weighted ? '@group(0) @binding(6) var<storage, read> wt: array<u32>;' : ''}
${rowLib(s)}
@compute @workgroup_size(${s}) fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_index) l: u32) {
  let rows = p[0]; let cols = p[1];
  let row = w.x + w.y * p[10];
  let valid = row < rows;
  let ignore = bitcast<i32>(p[8]); let sm = bitcast<f32>(p[9]);
  let t = bitcast<i32>(tg[p[3] + select(0u, row, valid)]);
  let ignored = t == ignore;
  let inRange = t >= 0 && t < i32(cols);
  let n = select(0u, cols, valid);
  let xb = p[2] + row * cols; let gb = p[7] + row * cols;
  var m = -t_inf();
  for (var j = l; j < n; j += ${s}u) { m = t_max(m, bitcast<f32>(x0[xb + j])); }
  let mx = rowMax(l, m);
  var e = 0.0; var ws = 0.0;
  for (var j = l; j < n; j += ${s}u) { e += texp(bitcast<f32>(x0[xb + j]) - mx); ws += ${wOf('j')}; }
  let es = rowSum(l, vec2f(e, ws));
  let ls = log(es.x);
  let tu = u32(select(0, t, inRange));
  let wr = ${wOf('tu')};
  // q_k = (sm / C) w_k + [k == t] (1 - sm) w_t; grad_k = softmax_k * sum(q) - q_k; loss = -sum q_k lsm_k
  let qsum = sm / f32(cols) * es.y + (1.0 - sm) * wr;
  let ok = finite(mx) && inRange && !ignored;
  var acc = 0.0;
  for (var j = l; j < n; j += ${s}u) {
    let lsm = bitcast<f32>(x0[xb + j]) - mx - ls;
    let q = sm / f32(cols) * ${wOf('j')} + select(0.0, (1.0 - sm) * wr, j == tu);
    if (q != 0.0) { acc += q * lsm; }
    var gk = texp(lsm) * qsum - q;
    if (ignored) { gk = 0.0; } else if (!ok) { gk = t_nan(); }
    gradOut[gb + j] = bitcast<u32>(gk);
  }
  let loss = -rowSum(l, vec2f(acc, 0.0)).x;
  if (l == 0u && valid) {
    lossOut[p[5] + row] = bitcast<u32>(select(select(t_nan(), loss, ok), 0.0, ignored));
    rwOut[p[6] + row] = bitcast<u32>(select(select(t_nan(), wr, inRange), 0.0, ignored));
  }
}
`;
}

/**
 * Per row of contiguous float32 logits (rows, cols) and int32 targets: the loss, the row's target
 * weight and the gradient of the loss (CrossEntropyRowsArgs, src/backend/backend.ts). A target
 * outside [0, cols) that is not ignoreIndex makes that row's loss, rowWeight and grad NaN.
 * @example crossEntropyRows(dev, { logits, target, weight: null, rows: 8, cols: 10, ignoreIndex: -100, smoothing: 0, loss, rowWeight, grad })
 */
export function crossEntropyRows(dev: WebGpuDevice, a: CrossEntropyRowsArgs): void {
  if (a.rows === 0) return;
  const s = rowThreads(a.cols);
  const groups = groupGrid(a.rows);
  const f = new Float32Array([a.smoothing]);
  const inputs = [a.logits.buffer, a.target.buffer] as GpuBuf[];
  if (a.weight !== null) inputs.push(a.weight.buffer as GpuBuf);
  dev.run({
    code: crossEntropyWgsl(s, a.weight !== null),
    params: [
      a.rows,
      a.cols,
      a.logits.offset,
      a.target.offset,
      a.weight?.offset ?? 0,
      a.loss.offset,
      a.rowWeight.offset,
      a.grad.offset,
      a.ignoreIndex >>> 0,
      new Uint32Array(f.buffer)[0],
      groups[0],
    ],
    outputs: [a.loss.buffer, a.rowWeight.buffer, a.grad.buffer] as GpuBuf[],
    inputs,
    groups,
  });
}
