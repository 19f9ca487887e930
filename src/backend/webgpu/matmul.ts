// The webgpu matrix product: C (m, n) (+)= A (m, k) @ B (k, n) tiled in workgroup memory with
// register tiles, transposed operands read in place (MatArg.trans). The tile engine (gemmWgsl) is
// shared with the convolutions (conv.ts), which are implicit GEMMs: only the element loads and the
// store differ, given as WGSL functions.
//
// Tiling: a workgroup of 16x16 invocations computes a 64x64 tile of C, each invocation a 4x4
// register tile (rows ty + 16i, columns tx + 16j); K advances in steps of 16, the A (64x16) and
// B (16x64) slices staged in workgroup memory (8.1 KiB of the 32 KiB limit). Out-of-range rows,
// columns and k are loaded as 0 and not stored, so any size works, k = 0 included (C = 0, or C
// unchanged when accumulating). The tiles are numbered over a 2-D grid (x up to 65535, then y),
// the z dimension indexes independent problems (the conv groups) times K slices: when the tiles
// alone give too few workgroups to fill a GPU (a long K over a small C, as in the conv weight
// gradient), K is split into slices whose partial sums a second pass adds in a fixed order
// (deterministic) before applying the store.

import type { MatArg, View } from '../backend.js';
import { type GpuBuf, grid1d, type WebGpuDevice } from './device.js';
import { ROW, WG } from './wgsl.js';

/** Rows and columns of the C tile of one workgroup, and the K step. */
const TILE_M = 64;
const TILE_N = 64;
const TILE_K = 16;
/** Workgroups per grid dimension (WebGPU's default maxComputeWorkgroupsPerDimension). */
const MAX_GROUPS = 65535;
/** Split K when a GEMM has fewer workgroups than this (a GPU has ~100 compute units)... */
const SPLIT_BELOW_GROUPS = 128;
/** ...into slices of at least this many k (multiples of TILE_K). */
const SPLIT_MIN_K = 256;

/**
 * One implicit GEMM: WGSL functions that read A and B elements and store C, over the bindings
 * `out` (1), `in0` (2), `in1` (3) and optionally `in2` (4), all `array<u32>`, and the params `p`
 * (p[0..7] are the engine's: M, N, K, tiles along N, workgroups along x, K slices, k per slice,
 * problems (z); a spec's own start at p[GEMM_PARAMS]). `storeC` may read `out` and `in2` only (the split-K
 * reduction pass binds just those).
 */
export interface GemmSpec {
  /** `fn loadA(z: u32, row: u32, kk: u32) -> f32`, called for row < M and kk < K only. */
  loadA: string;
  /** `fn loadB(z: u32, kk: u32, col: u32) -> f32`, called for kk < K and col < N only. */
  loadB: string;
  /** `fn storeC(z: u32, row: u32, col: u32, v: f32)`, called for row < M and col < N only. */
  storeC: string;
  /** Whether A's consecutive elements in memory run along k (then the tile load walks k fastest). */
  aKFast: boolean;
  /** Whether B's consecutive elements in memory run along k. */
  bKFast: boolean;
  /** How many input bindings the functions use: 2 (in0, in1) or 3 (in2 too, read by storeC only). */
  inputs: 2 | 3;
}

/** The first params word free for a GemmSpec's own values. */
export const GEMM_PARAMS = 8;

/**
 * The WGSL of the tiled GEMM engine around `spec`'s loads and store. With `split`, workgroup z
 * (problem z / p[5], slice z % p[5]) sums its k slice only and writes the (M, N) partial to
 * `out` at ((z * M) + row) * N + col, for gemmReduceWgsl to add up.
 * @example dev.pipeline(gemmWgsl(spec, false)) // a compute pipeline, workgroup size 16x16
 */
export function gemmWgsl(spec: GemmSpec, split: boolean): string {
  const lines: string[] = [];
  const loadTile = (tile: string, load: string, kFast: boolean, along: string, alongBound: string) => {
    // the 16 x 64 slice of one operand: 1024 elements, 4 per invocation
    for (let r = 0; r < 4; r++) {
      const e = `li + ${r * 256}u`;
      const [kk, mn] = kFast ? [`(${e}) % 16u`, `(${e}) / 16u`] : [`(${e}) / 64u`, `(${e}) % 64u`];
      lines.push(`    { let kk = ${kk}; let mn = ${mn}; let gk = k0 + kk; let g = ${along} + mn; var v = 0.0;`);
      lines.push(`      if (gk < kEnd && g < ${alongBound}) { v = ${load}; }`);
      lines.push(`      ${tile}[kk * 65u + mn] = v; }`);
    }
  };
  loadTile('As', 'loadA(z, g, gk)', spec.aKFast, 'm0', 'M');
  loadTile('Bs', 'loadB(z, gk, g)', spec.bKFast, 'n0', 'N');
  const loads = lines.join('\n');
  const inner: string[] = [];
  for (let i = 0; i < 4; i++) inner.push(`      let a${i} = As[kk * 65u + ty + ${16 * i}u];`);
  for (let j = 0; j < 4; j++) inner.push(`      let b${j} = Bs[kk * 65u + tx + ${16 * j}u];`);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) inner.push(`      c${i}${j} = fma(a${i}, b${j}, c${i}${j});`);
  const decl: string[] = [];
  const store: string[] = [];
  const put = split ? 'out[(wid.z * M + r) * N + c] = bitcast<u32>' : 'storeC(z, r, c, ';
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) decl.push(`  var c${i}${j} = 0.0;`);
    store.push(`  if (m0 + ty + ${16 * i}u < M) {`);
    for (let j = 0; j < 4; j++)
      store.push(`    { let r = m0 + ty + ${16 * i}u; let c = n0 + tx + ${16 * j}u; if (c < N) { ${put}${split ? '(' : ''}c${i}${j}); } }`);
    store.push('  }');
  }
  return `
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<storage, read> in0: array<u32>;
@group(0) @binding(3) var<storage, read> in1: array<u32>;
${spec.inputs === 3 && !split ? '@group(0) @binding(4) var<storage, read> in2: array<u32>;' : ''}
var<workgroup> As: array<f32, 1040>; // (16, 64): k, row (rows 65 apart: a k-fast tile load writes to distinct banks)
var<workgroup> Bs: array<f32, 1040>; // (16, 64): k, col

fn f(x: u32) -> f32 { return bitcast<f32>(x); }
${spec.loadA}
${spec.loadB}
${split ? '' : spec.storeC}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let M = p[0];
  let N = p[1];
  let K = p[2];
  let tilesN = p[3];
  let tile = wid.x + wid.y * p[4];
  if (tile >= ((M + 63u) / 64u) * tilesN) { return; }
  let m0 = (tile / tilesN) * 64u;
  let n0 = (tile % tilesN) * 64u;
  let z = wid.z / p[5];
  let kBegin = (wid.z % p[5]) * p[6];
  let kEnd = min(K, kBegin + p[6]);
  let tx = lid.x;
  let ty = lid.y;
${decl.join('\n')}
  for (var k0 = kBegin; k0 < kEnd; k0 += 16u) {
${loads}
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
${inner.join('\n')}
    }
    workgroupBarrier();
  }
${store.join('\n')}
}
`;
}

/**
 * The WGSL of the split-K reduction: one invocation per (z, row, col) adds the p[5] partials of
 * `part` (binding 2) in slice order and stores the sum with `spec.storeC` (bindings `out`, `in2`).
 * @example dev.pipeline(gemmReduceWgsl(spec))
 */
export function gemmReduceWgsl(spec: GemmSpec): string {
  return `
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<storage, read> part: array<u32>;
${spec.inputs === 3 ? '@group(0) @binding(3) var<storage, read> in2: array<u32>;' : ''}
fn f(x: u32) -> f32 { return bitcast<f32>(x); }
${spec.storeC}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let t = g.x + g.y * ${ROW}u;
  let mn = p[0] * p[1];
  if (t >= mn * p[7]) { return; }
  let z = t / mn;
  let rc = t % mn;
  var s = 0.0;
  for (var j = 0u; j < p[5]; j++) { s += f(part[(z * p[5] + j) * mn + rc]); }
  storeC(z, rc / p[1], rc % p[1], s);
}
`;
}
/** The three WGSL programs of one GemmSpec: direct, split-K partials, split-K reduction. */
export interface GemmCodes {
  direct: string;
  split: string;
  reduce: string;
}

const codes = new Map<string, GemmCodes>();

/**
 * The programs of the spec `make()` returns, generated once per `key` (the pipelines themselves
 * are cached by the device, by WGSL text).
 * @example gemmCodes('matmul ff+', () => spec).direct // WGSL
 */
export function gemmCodes(key: string, make: () => GemmSpec): GemmCodes {
  let c = codes.get(key);
  if (c === undefined) {
    const spec = make();
    c = { direct: gemmWgsl(spec, false), split: gemmWgsl(spec, true), reduce: gemmReduceWgsl(spec) };
    codes.set(key, c);
  }
  return c;
}

/** How to cut an (M, N, K) GEMM x batch into workgroups. */
export interface GemmPlan {
  groups: [number, number, number];
  /** The engine's params words 0-7. */
  params: number[];
  /** K slices (1: no split). */
  splits: number;
}

/**
 * The workgroup grid of an (m, n, k) GEMM repeated `batch` times: tiles numbered along x up to
 * `maxX` workgroups, then y; z = problem * splits + slice. K is split in slices (of at least
 * SPLIT_MIN_K, TILE_K multiples) when the tiles alone give fewer than SPLIT_BELOW_GROUPS
 * workgroups; `splits` forces a count (tests).
 * @example gemmPlan(130, 257, 33, 1).groups // [15, 1, 1]
 */
export function gemmPlan(m: number, n: number, k: number, batch: number, maxX = MAX_GROUPS, splits?: number): GemmPlan {
  const tilesN = Math.ceil(n / TILE_N);
  const tiles = Math.ceil(m / TILE_M) * tilesN;
  const x = Math.max(1, Math.min(tiles, maxX));
  const y = Math.ceil(tiles / x);
  let s =
    splits ??
    (tiles * batch < SPLIT_BELOW_GROUPS ? Math.min(Math.floor(k / SPLIT_MIN_K), Math.ceil(SPLIT_BELOW_GROUPS / (tiles * batch))) : 1);
  s = Math.max(1, Math.min(s, Math.ceil(k / TILE_K)));
  const chunk = Math.max(TILE_K, Math.ceil(k / s / TILE_K) * TILE_K);
  s = Math.max(1, Math.ceil(k / chunk));
  if (y > MAX_GROUPS || batch * s > MAX_GROUPS)
    throw new RangeError(`webgpu: a (${m}, ${n}) GEMM x ${batch} needs ${tiles} tiles x ${batch * s}: more than the grid holds`);
  return { groups: [tiles === 0 ? 0 : x, y, batch * s], params: [m, n, k, tilesN, x, s, chunk, batch], splits: s };
}

/**
 * Records an (m, n, k) GEMM x batch: `own` params after the engine's, bindings `out` then
 * `inputs` (in0, in1, in2). Split K goes through a partials buffer and a reduction dispatch.
 * @example gemm(dev, gemmCodes(key, make), 64, 64, 64, 1, [aOff, bOff], out, [a, b])
 */
export function gemm(
  dev: WebGpuDevice,
  code: GemmCodes,
  m: number,
  n: number,
  k: number,
  batch: number,
  own: readonly number[],
  out: GpuBuf,
  inputs: readonly GpuBuf[],
  opts: { maxX?: number; splits?: number } = {},
): void {
  if (m === 0 || n === 0 || batch === 0) return;
  const plan = gemmPlan(m, n, k, batch, opts.maxX, opts.splits);
  const params = [...plan.params, ...own];
  if (plan.splits === 1) {
    dev.run({ code: code.direct, params, outputs: [out], inputs, groups: plan.groups });
    return;
  }
  const part = dev.allocate(plan.splits * batch * m * n * 4); // (batch, splits, M, N)
  dev.run({ code: code.split, params, outputs: [part], inputs: inputs.slice(0, 2), groups: plan.groups });
  dev.run({ code: code.reduce, params, outputs: [out], inputs: [part, ...inputs.slice(2)], groups: grid1d(batch * m * n) });
  dev.free(part); // later work on the queue is ordered after these dispatches
}

/** Params words of a matmul after the engine's: A offset, lda, B offset, ldb, C offset, ldc. */
const [A_OFF, LDA, B_OFF, LDB, C_OFF, LDC] = [0, 1, 2, 3, 4, 5].map((i) => `p[${GEMM_PARAMS + i}]`);

function matmulCodes(transA: boolean, transB: boolean, accumulate: boolean): GemmCodes {
  return gemmCodes(`matmul ${transA} ${transB} ${accumulate}`, () => {
    const a = transA ? `kk * ${LDA} + row` : `row * ${LDA} + kk`;
    const b = transB ? `col * ${LDB} + kk` : `kk * ${LDB} + col`;
    const c = accumulate ? 'f(out[i]) + v' : 'v';
    return {
      loadA: `fn loadA(z: u32, row: u32, kk: u32) -> f32 { return f(in0[${A_OFF} + ${a}]); }`,
      loadB: `fn loadB(z: u32, kk: u32, col: u32) -> f32 { return f(in1[${B_OFF} + ${b}]); }`,
      storeC: `fn storeC(z: u32, row: u32, col: u32, v: f32) { let i = ${C_OFF} + row * ${LDC} + col; out[i] = bitcast<u32>(${c}); }`,
      aKFast: !transA,
      bKFast: transB,
      inputs: 2,
    };
  });
}

/**
 * C (m, n) = A (m, k) @ B (k, n), plus C when `accumulate`; A and B row-major with leading
 * dimensions a.ld, b.ld, or read as their transposes in place (trans); C at c.offset with rows ldc
 * apart. `opts` (tests) caps the workgroups along x (the 2-D grid) or forces the K slices.
 * @example matmul(dev, 2, 3, 4, { ...a, ld: 4, trans: false }, { ...b, ld: 3, trans: false }, c, 3, false) // c (2, 3)
 */
export function matmul(
  dev: WebGpuDevice,
  m: number,
  n: number,
  k: number,
  a: MatArg,
  b: MatArg,
  c: View,
  ldc: number,
  accumulate: boolean,
  opts: { maxX?: number; splits?: number } = {},
): void {
  const own = [a.offset, a.ld, b.offset, b.ld, c.offset, ldc];
  gemm(dev, matmulCodes(a.trans, b.trans, accumulate), m, n, k, 1, own, c.buffer as GpuBuf, [a.buffer as GpuBuf, b.buffer as GpuBuf], opts);
}
