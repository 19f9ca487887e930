import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argsortReference, argsortStable } from './sort.js';

/** A small seeded generator (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('argsortStable matches a stable comparison sort: ties, signs, zeros, magnitudes, float32', () => {
  const r = rng(7);
  const inputs: ArrayLike<number>[] = [
    [],
    [1],
    [0.3, 0.1, 0.3, 0.2],
    [0, -0, 0, -0, 1, -1],
    [1e300, -1e300, 5e-324, -5e-324, 0, 1, -1, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE],
    Array.from({ length: 5000 }, () => Math.round(r() * 20) / 10 - 1), // many ties, both signs
    Array.from({ length: 5000 }, () => (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20)),
    Float32Array.from({ length: 5000 }, () => r()), // low mantissa digits all zero: skipped passes
    Int32Array.from({ length: 3000 }, () => Math.floor(r() * 7) - 3),
  ];
  for (const x of inputs) assert.deepEqual(Array.from(argsortStable(x)), Array.from(argsortReference(x)), `input of ${x.length}`);
});

test('argsortStable sorts a million scores', () => {
  const r = rng(3);
  const x = Float64Array.from({ length: 1_000_000 }, () => r());
  const order = argsortStable(x);
  for (let i = 1; i < order.length; i++) assert.ok(x[order[i - 1]] <= x[order[i]]);
});
