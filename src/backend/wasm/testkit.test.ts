// Helpers shared by the wasm backend tests: heap buffers, seeded random data, close comparisons.
// (A *.test file so it stays out of the published package; its own checks are at the bottom.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heap } from '../../core/heap.js';

/** A float32 buffer of `n` elements on the heap; returns its byte address. */
export function allocF32(n: number, data?: ArrayLike<number>): number {
  const ptr = heap().allocateScratch(Math.max(1, n) * 4);
  if (data !== undefined) heap().f32.set(data, ptr >>> 2);
  return ptr;
}

/** A copy of `n` floats at byte address `ptr`. */
export function readF32(ptr: number, n: number): Float32Array {
  return heap().f32.slice(ptr >>> 2, (ptr >>> 2) + n);
}

/** Deterministic uniform values in [lo, hi) (mulberry32). */
export function randoms(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** Asserts |got - want| <= atol + rtol * |want| elementwise (NaN matches NaN, infinities must equal). */
export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    const ok = Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) assert.fail(`${what}: element ${i}: got ${g}, want ${w} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Asserts bitwise equality of two float arrays. */
export function assertIdentical(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) assert.fail(`${what}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

test('testkit: randoms are deterministic and in range', () => {
  const a = randoms(100, 7, -2, 3);
  assertIdentical(a, randoms(100, 7, -2, 3), 'same seed');
  for (const v of a) assert.ok(v >= -2 && v < 3);
});
