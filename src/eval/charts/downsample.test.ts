// downsampleCurve: short curves untouched, step curves reduced to exactly their corners, every dropped
// point within the tolerance of the kept line, and the maxPoints cap.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../../core/random.js';
import { downsampleCurve } from './downsample.js';

/** Distance from (px, py) to the segment (ax, ay)-(bx, by). */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

test('downsampleCurve keeps every point of a short curve', () => {
  assert.deepEqual([...downsampleCurve([0, 0.5, 1], [0, 1, 1])], [0, 1, 2]);
  assert.deepEqual([...downsampleCurve([], [])], []);
});

test('downsampleCurve reduces a long staircase to exactly its corners', () => {
  // 10 steps of 1000 points right then 1000 up: 20,001 points, 21 corners
  const x: number[] = [0];
  const y: number[] = [0];
  const corners = [0];
  for (let s = 0; s < 10; s++) {
    for (let k = 1; k <= 1000; k++) {
      x.push(s + k / 1000);
      y.push(s);
    }
    corners.push(x.length - 1);
    for (let k = 1; k <= 1000; k++) {
      x.push(s + 1);
      y.push(s + k / 1000);
    }
    corners.push(x.length - 1);
  }
  const keep = downsampleCurve(x, y, { maxPoints: 100 });
  assert.deepEqual([...keep], corners);
});

test('downsampleCurve: every dropped point lies within the tolerance of the kept polyline', () => {
  const g = new Generator(3);
  const n = 50_000;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    x[i] = x[i - 1] + (g.uniform() < 0.5 ? 1 : 0); // a random staircase
    y[i] = y[i - 1] + (x[i] === x[i - 1] ? 1 : 0);
  }
  const tolerance = 0.001;
  const keep = downsampleCurve(x, y, { maxPoints: n - 1, tolerance });
  assert.ok(keep.length < n / 10, `${keep.length} of ${n} kept`);
  assert.equal(keep[0], 0);
  assert.equal(keep.at(-1), n - 1);
  const sx = x[n - 1] - x[0];
  const sy = y[n - 1] - y[0];
  let worst = 0;
  for (let s = 0; s + 1 < keep.length; s++) {
    const a = keep[s];
    const b = keep[s + 1];
    for (let k = a + 1; k < b; k++) {
      worst = Math.max(worst, segmentDistance(x[k] / sx, y[k] / sy, x[a] / sx, y[a] / sy, x[b] / sx, y[b] / sy));
    }
  }
  assert.ok(worst <= tolerance, `worst distance ${worst}`);

  const capped = downsampleCurve(x, y, { maxPoints: 50, tolerance });
  assert.ok(capped.length <= 50 && capped.length > 25, `${capped.length} kept under a cap of 50`);
  assert.ok(
    capped.every((i) => keep.includes(i)),
    'a coarser tolerance keeps a subset of the points',
  );
});

test('downsampleCurve rejects bad options', () => {
  assert.throws(() => downsampleCurve([0], [0, 1]), /x and y must have the same length, got 1 and 2/);
  assert.throws(() => downsampleCurve([0], [0], { maxPoints: 1 }), /maxPoints must be an integer >= 2, got 1/);
  assert.throws(() => downsampleCurve([0], [0], { tolerance: -1 }), /tolerance must be >= 0, got -1/);
});
