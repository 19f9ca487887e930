// The webgpu matrix product: C (m, n) (+)= A (m, k) @ B (k, n) tiled in workgroup memory with
// register tiles, transposed operands read in place (MatArg.trans). The tile engine (gemmWgsl) is
// shared with the convolutions (conv.ts), which are implicit GEMMs: only the element loads and the
// store differ, given as WGSL functions.
//
// Tiling: a workgroup of 16x16 invocations computes a 64x64 tile of C, each invocation a 4x4
// register tile (rows ty + 16i, columns tx + 16j); K advances in steps of 16, the A (64x16) and
// B (16x64) slices staged in workgroup memory (8 KiB of the 32 KiB limit). Out-of-range rows,
// columns and k are loaded as 0 and not stored, so any size works, k = 0 included (C = 0, or C
// unchanged when accumulating). The tiles are numbered over a 2-D grid (x up to 65535, then y),
// the z dimension indexes independent problems (the conv groups).

import type { MatArg, View } from '../backend.js';
import type { GpuBuf, WebGpuDevice } from './device.js';

/** Rows and columns of the C tile of one workgroup, and the K step. */
export const TILE_M = 64;
export const TILE_N = 64;
export const TILE_K = 16;
/** Workgroups per grid dimension (WebGPU's default maxComputeWorkgroupsPerDimension). */
export const MAX_GROUPS = 65535;

/**
 * One implicit GEMM: WGSL functions that read A and B elements and store C, over the bindings
 * `out` (1), `in0` (2), `in1` (3) and optionally `in2` (4), all `array<u32>`, and the params `p`
 * (p[0..4] are the engine's: M, N, K, tiles along N, workgroups along x; a spec's own start at p[5]).
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
  /** How many input bindings the functions use: 2 (in0, in1) or 3 (in2 too). */
  inputs: 2 | 3;
}

/** The first params word free for a GemmSpec's own values. */
export const GEMM_PARAMS = 5;

/**
 * The WGSL of the tiled GEMM engine around `spec`'s loads and store.
 * @example dev.pipeline(gemmWgsl(spec)) // a compute pipeline, workgroup size 16x16
 */
export function gemmWgsl(spec: GemmSpec): string {
  const lines: string[] = [];
  const loadTile = (tile: string, load: string, kFast: boolean, along: string, alongBound: string) => {
    // the 16 x 64 slice of one operand: 1024 elements, 4 per invocation
    for (let r = 0; r < 4; r++) {
      const e = `li + ${r * 256}u`;
      const [kk, mn] = kFast ? [`(${e}) % 16u`, `(${e}) / 16u`] : [`(${e}) / 64u`, `(${e}) % 64u`];
      lines.push(`    { let kk = ${kk}; let mn = ${mn}; let gk = k0 + kk; let g = ${along} + mn; var v = 0.0;`);
      lines.push(`      if (gk < K && g < ${alongBound}) { v = ${load}; }`);
      lines.push(`      ${tile}[kk * 64u + mn] = v; }`);
    }
  };
  loadTile('As', 'loadA(z, g, gk)', spec.aKFast, 'm0', 'M');
  loadTile('Bs', 'loadB(z, gk, g)', spec.bKFast, 'n0', 'N');
  const loads = lines.join('\n');
  const inner: string[] = [];
  for (let i = 0; i < 4; i++) inner.push(`      let a${i} = As[kk * 64u + ty + ${16 * i}u];`);
  for (let j = 0; j < 4; j++) inner.push(`      let b${j} = Bs[kk * 64u + tx + ${16 * j}u];`);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) inner.push(`      c${i}${j} = fma(a${i}, b${j}, c${i}${j});`);
  const decl: string[] = [];
  const store: string[] = [];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) decl.push(`  var c${i}${j} = 0.0;`);
    store.push(`  if (m0 + ty + ${16 * i}u < M) {`);
    for (let j = 0; j < 4; j++)
      store.push(`    if (n0 + tx + ${16 * j}u < N) { storeC(z, m0 + ty + ${16 * i}u, n0 + tx + ${16 * j}u, c${i}${j}); }`);
    store.push('  }');
  }
  return `
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@group(0) @binding(2) var<storage, read> in0: array<u32>;
@group(0) @binding(3) var<storage, read> in1: array<u32>;
${spec.inputs === 3 ? '@group(0) @binding(4) var<storage, read> in2: array<u32>;' : ''}
var<workgroup> As: array<f32, 1024>; // (16, 64): k, row
var<workgroup> Bs: array<f32, 1024>; // (16, 64): k, col

fn f(x: u32) -> f32 { return bitcast<f32>(x); }
${spec.loadA}
${spec.loadB}
${spec.storeC}

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
  let z = wid.z;
  let tx = lid.x;
  let ty = lid.y;
${decl.join('\n')}
  for (var k0 = 0u; k0 < K; k0 += 16u) {
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
 * The workgroup grid of an (M, N) GEMM repeated `batch` times (z): the tiles numbered along x up to
 * `maxX` workgroups, then y. Returns the grid and the params words 0-4 of the engine.
 * @example gemmGrid(130, 257, 33, 1) // { groups: [15, 1, 1], params: [130, 257, 33, 5, 15] }
 */
export function gemmGrid(
  m: number,
  n: number,
  k: number,
  batch: number,
  maxX = MAX_GROUPS,
): { groups: [number, number, number]; params: number[] } {
  const tilesN = Math.ceil(n / TILE_N);
  const tiles = Math.ceil(m / TILE_M) * tilesN;
  const x = Math.max(1, Math.min(tiles, maxX));
  const y = Math.ceil(tiles / x);
  if (y > MAX_GROUPS || batch > MAX_GROUPS)
    throw new RangeError(`webgpu: a (${m}, ${n}) GEMM x ${batch} needs ${tiles} tiles x ${batch}: more than the grid holds`);
  return { groups: [tiles === 0 ? 0 : x, y, batch], params: [m, n, k, tilesN, x] };
}

/** The matmul WGSL of one (transA, transB, accumulate) variant, generated once. */
const variants = new Map<string, string>();

function matmulWgsl(transA: boolean, transB: boolean, accumulate: boolean): string {
  const key = `${transA}${transB}${accumulate}`;
  let code = variants.get(key);
  if (code === undefined) {
    // params: 5 a.offset, 6 lda, 7 b.offset, 8 ldb, 9 c.offset, 10 ldc
    const a = transA ? 'kk * p[6] + row' : 'row * p[6] + kk';
    const b = transB ? 'col * p[8] + kk' : 'kk * p[8] + col';
    const c = accumulate ? 'f(out[i]) + v' : 'v';
    code = gemmWgsl({
      loadA: `fn loadA(z: u32, row: u32, kk: u32) -> f32 { return f(in0[p[5] + ${a}]); }`,
      loadB: `fn loadB(z: u32, kk: u32, col: u32) -> f32 { return f(in1[p[7] + ${b}]); }`,
      storeC: `fn storeC(z: u32, row: u32, col: u32, v: f32) { let i = p[9] + row * p[10] + col; out[i] = bitcast<u32>(${c}); }`,
      aKFast: !transA,
      bKFast: transB,
      inputs: 2,
    });
    variants.set(key, code);
  }
  return code;
}

/**
 * C (m, n) = A (m, k) @ B (k, n), plus C when `accumulate`; A and B row-major with leading
 * dimensions a.ld, b.ld, or read as their transposes in place (trans); C at c.offset with rows ldc
 * apart. `maxGroupsX` caps the workgroups along x (tests use a small one to exercise the 2-D grid).
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
  maxGroupsX = MAX_GROUPS,
): void {
  if (m === 0 || n === 0) return;
  const { groups, params } = gemmGrid(m, n, k, 1, maxGroupsX);
  params.push(a.offset, a.ld, b.offset, b.ld, c.offset, ldc);
  dev.run({
    code: matmulWgsl(a.trans, b.trans, accumulate),
    params,
    outputs: [c.buffer as GpuBuf],
    inputs: [a.buffer as GpuBuf, b.buffer as GpuBuf],
    groups,
  });
}
