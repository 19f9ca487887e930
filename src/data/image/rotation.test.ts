// randomRotation: multiples of 90 degrees with 'nearest' move pixels exactly (against np.rot90-style
// index formulas), and arbitrary angles match a straightforward per-pixel rotation with its own
// nearest and bilinear sampling.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromArray } from '../../core/exec.js';
import { Generator } from '../../core/random.js';
import { randomRotation } from './rotation.js';

function images(n: number, c: number, h: number, w: number): Float32Array {
  const g = new Generator(11);
  return Float32Array.from({ length: n * c * h * w }, () => g.uniform());
}

/** Counter-clockwise quarter turns of one square H x H plane, by index formulas (as np.rot90). */
function rot90(src: Float32Array, h: number, turns: number): Float32Array {
  let cur = src;
  for (let t = 0; t < ((turns % 4) + 4) % 4; t++) {
    const next = new Float32Array(h * h);
    for (let i = 0; i < h; i++) for (let j = 0; j < h; j++) next[i * h + j] = cur[j * h + (h - 1 - i)];
    cur = next;
  }
  return cur;
}

/** A plain rotation of one plane by `deg` degrees counter-clockwise about its centre. */
function refRotate(src: Float32Array, h: number, w: number, deg: number, mode: 'nearest' | 'bilinear', fill: number): Float32Array {
  const a = (deg * Math.PI) / 180;
  const [cx, cy] = [(w - 1) / 2, (h - 1) / 2];
  const at = (r: number, q: number) => (r >= 0 && r < h && q >= 0 && q < w ? src[r * w + q] : fill);
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // the output point, in coordinates with y up, turned back by the angle
      const u = x - cx;
      const v = cy - y;
      const su = u * Math.cos(a) + v * Math.sin(a);
      const sv = -u * Math.sin(a) + v * Math.cos(a);
      const sx = cx + su;
      const sy = cy - sv;
      if (mode === 'nearest') out[y * w + x] = at(Math.round(sy), Math.round(sx));
      else {
        const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
        const [fx, fy] = [sx - x0, sy - y0];
        out[y * w + x] =
          at(y0, x0) * (1 - fx) * (1 - fy) + at(y0, x0 + 1) * fx * (1 - fy) + at(y0 + 1, x0) * (1 - fx) * fy + at(y0 + 1, x0 + 1) * fx * fy;
      }
    }
  }
  return out;
}

test('randomRotation: 90, 180 and 270 degrees with nearest are exact index permutations', () => {
  for (const h of [6, 7]) {
    const data = images(2, 3, h, h);
    const x = fromArray([2, 3, h, h], data);
    for (const deg of [90, 180, 270, -90, 360]) {
      const y = randomRotation([deg, deg])(x).toTypedArray();
      for (let p = 0; p < 6; p++) {
        const plane = data.subarray(p * h * h, (p + 1) * h * h);
        assert.deepEqual(y.subarray(p * h * h, (p + 1) * h * h), rot90(plane, h, deg / 90), `${deg} degrees, ${h}x${h}, plane ${p}`);
      }
    }
  }
  // [[1, 2], [3, 4]] turned a quarter counter-clockwise is [[2, 4], [1, 3]]
  assert.deepEqual(Array.from(randomRotation([90, 90])(fromArray([1, 2, 2], [1, 2, 3, 4])).toTypedArray()), [2, 4, 1, 3]);
  // 180 degrees on a non-square image reverses each plane
  const data = images(1, 1, 3, 5);
  assert.deepEqual(Array.from(randomRotation([180, 180])(fromArray([1, 3, 5], data)).toTypedArray()), Array.from(data).reverse());
});

test('randomRotation: arbitrary angles match a plain per-pixel rotation, nearest and bilinear', () => {
  const [h, w] = [9, 12];
  const data = images(1, 1, h, w);
  const x = fromArray([1, h, w], data);
  for (const deg of [0, 17, -33.5, 45, 120]) {
    for (const mode of ['nearest', 'bilinear'] as const) {
      const y = randomRotation([deg, deg], { interpolation: mode, fill: 0.25 })(x).toTypedArray();
      const ref = refRotate(data, h, w, deg, mode, 0.25);
      for (let i = 0; i < y.length; i++)
        assert.ok(Math.abs(y[i] - ref[i]) < 1e-5, `${mode} ${deg} degrees, pixel ${i}: ${y[i]} vs ${ref[i]}`);
    }
  }
});

test('randomRotation: one angle per image from the range, repeated by the seed; per-channel fill', () => {
  const data = images(8, 1, 8, 8);
  const x = fromArray([8, 1, 8, 8], data);
  const y = randomRotation(30, { interpolation: 'bilinear', seed: 5 })(x).toTypedArray();
  assert.deepEqual(randomRotation(30, { interpolation: 'bilinear', seed: 5 })(x).toTypedArray(), y);
  const g = new Generator(5);
  for (let k = 0; k < 8; k++) {
    const angle = -30 + 60 * g.uniform();
    const ref = refRotate(data.subarray(k * 64, (k + 1) * 64), 8, 8, angle, 'bilinear', 0);
    for (let i = 0; i < 64; i++) assert.ok(Math.abs(y[k * 64 + i] - ref[i]) < 1e-5, `image ${k} turned by its own angle ${angle}`);
  }
  const rgb = randomRotation([45, 45], { fill: [1, 2, 3] })(fromArray([3, 4, 4], new Float32Array(48).fill(9))).toTypedArray();
  assert.deepEqual([rgb[0], rgb[16], rgb[32]], [1, 2, 3], 'corners rotated in take the fill of their channel');
});

test('randomRotation argument errors', () => {
  assert.throws(
    () => randomRotation(-5),
    /randomRotation: degrees must be a non-negative number \(the range \[-degrees, degrees\]\), got -5/,
  );
  assert.throws(() => randomRotation([10, -10]), /degrees must be a number or \[min, max\] with min <= max, got \[10,-10\]/);
  assert.throws(
    () => randomRotation(10, { interpolation: 'bicubic' as never }),
    /interpolation must be 'nearest' or 'bilinear', got "bicubic"/,
  );
  assert.throws(() => randomRotation(10, { fill: Number.NaN }), /fill must be a finite number or an array of them/);
  assert.throws(
    () => randomRotation(10, { fill: [1, 2] })(fromArray([3, 2, 2], new Float32Array(12))),
    /fill must be a finite number or an array of 1 or 3 \(one per channel\) finite numbers, got \[1,2\] for 3 channels/,
  );
  assert.throws(() => randomRotation(10, { center: [1] as never }), /center must be \[x, y\], two finite numbers/);
});
