// The webgpu random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as
// 1, 2, 3", SC 2011), a counter-based generator: block b's four u32 words are a pure function of
// the key (the two seed words) and the counter (b, 0, 0, 0), so a draw is one dispatch and each
// element a function of (seed, index) alone, reproducible per device from manualSeed.
//
// Element e of a draw:
// - 'uniform': word e % 4 of block e / 4, its top 24 bits times 2^-24: [0, 1), exactly float32.
// - 'normal': Box-Muller on words (0, 1) or (2, 3) of block e / 4 (u1 = (w0 >> 8 + 1) 2^-24 in
//   (0, 1], u2 = (w1 >> 8) 2^-24): elements 4b, 4b + 1 are r cos, r sin of the first pair, 4b + 2,
//   4b + 3 of the second.
// - 'int' in [low, high): words (0, 1) or (2, 3) of block e / 2 as a 64-bit x, and
//   low + floor(x * span / 2^64) (multiply-shift, no rejection): each value's probability is off
//   by at most span / 2^64 relative, far below any test's reach. A span of 2^32 gives low + w0.

import type { RandomDist, View } from '../backend.js';
import { type GpuBuf, grid1d, type WebGpuDevice } from './device.js';
import { ROW, WG } from './wgsl.js';

const PHILOX = /* wgsl */ `
// (hi, lo) of the 64-bit product a * b
fn mulhilo(a: u32, b: u32) -> vec2u {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return vec2u(p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u), a * b);
}
fn philox(ctr: vec4u, key: vec2u) -> vec4u {
  var c = ctr;
  var k = key;
  for (var r = 0; r < 10; r++) {
    let x = mulhilo(0xD2511F53u, c.x);
    let y = mulhilo(0xCD9E8D57u, c.z);
    c = vec4u(y.x ^ c.y ^ k.x, y.y, x.x ^ c.w ^ k.y, x.y);
    k = k + vec2u(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}
`;

const HEAD = /* wgsl */ `@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read_write> o: array<u32>;
${PHILOX}
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x + gid.y * ${ROW}u;
  let n = p[0]; let off = p[1];
  let key = vec2u(p[2], p[3]);`;

const UNIFORM = /* wgsl */ `${HEAD}
  if (t * 4u >= n) { return; }
  let w = philox(vec4u(t, 0u, 0u, 0u), key);
  for (var j = 0u; j < 4u; j++) {
    if (t * 4u + j < n) { o[off + t * 4u + j] = bitcast<u32>(f32(w[j] >> 8u) * 5.9604644775390625e-8); }
  }
}
`;

const NORMAL = /* wgsl */ `${HEAD}
  if (t * 4u >= n) { return; }
  let w = philox(vec4u(t, 0u, 0u, 0u), key);
  var z: array<f32, 4>;
  for (var h = 0u; h < 2u; h++) {
    let u1 = f32((w[2u * h] >> 8u) + 1u) * 5.9604644775390625e-8;
    let u2 = f32(w[2u * h + 1u] >> 8u) * 5.9604644775390625e-8;
    let r = sqrt(-2.0 * log(u1));
    let a = 6.2831853071795864 * u2;
    z[2u * h] = r * cos(a);
    z[2u * h + 1u] = r * sin(a);
  }
  for (var j = 0u; j < 4u; j++) {
    if (t * 4u + j < n) { o[off + t * 4u + j] = bitcast<u32>(z[j]); }
  }
}
`;

// params: n, off, key.x, key.y, low (i32 bits), span (u32; 0 means 2^32)
const INT = /* wgsl */ `${HEAD}
  if (t * 2u >= n) { return; }
  let w = philox(vec4u(t, 0u, 0u, 0u), key);
  let low = p[4]; let span = p[5];
  for (var h = 0u; h < 2u; h++) {
    if (t * 2u + h >= n) { break; }
    let hi = w[2u * h]; let lo = w[2u * h + 1u];
    var r = hi;
    if (span != 0u) {
      // floor((hi 2^32 + lo) span / 2^64): the high word of hi * span plus the carry out of the middle
      let a = mulhilo(hi, span);
      let b = mulhilo(lo, span);
      r = a.x + select(0u, 1u, a.y + b.x < a.y);
    }
    o[off + t * 2u + h] = low + r;
  }
}
`;

/**
 * `n` values of `dist` into contiguous `out` (float32; int32 in [low, high) for 'int') from
 * Philox4x32-10 keyed by the two seed words: one dispatch, each element a function of (seed, index).
 * @example random(dev, out, 1000, 'normal', [seed0, seed1], 0, 0)
 */
export function random(
  dev: WebGpuDevice,
  out: View,
  n: number,
  dist: RandomDist,
  seed: readonly [number, number],
  low: number,
  high: number,
): void {
  const params = [n, out.offset, seed[0] >>> 0, seed[1] >>> 0];
  let code = UNIFORM;
  let perThread = 4;
  if (dist === 'normal') code = NORMAL;
  else if (dist === 'int') {
    const span = high - low;
    if (!Number.isInteger(low) || !Number.isInteger(high) || span <= 0 || span > 2 ** 32)
      throw new RangeError(`webgpu random: need integers low < high with high - low <= 2^32, got ${low}, ${high}`);
    code = INT;
    perThread = 2;
    params.push(low >>> 0, span >>> 0);
  }
  dev.run({ code, params, outputs: [out.buffer as GpuBuf], inputs: [], groups: grid1d(Math.ceil(n / perThread)) });
}
