// Crops against a plain per-pixel reference: every randomCrop output is the padded input cropped at
// some valid offset, offsets vary per image and repeat with the seed; centerCrop rounds as torchvision.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromArray } from '../../core/exec.js';
import { Generator } from '../../core/random.js';
import { centerCrop, randomCrop } from './crop.js';

/** A (N, C, H, W) tensor of distinct values. */
function images(n: number, c: number, h: number, w: number) {
  const data = Float32Array.from({ length: n * c * h * w }, (_, i) => i + 1);
  return { data, x: fromArray([n, c, h, w], data) };
}

/** Reference: image k of (n, c, h, w) `src`, cropped th x tw at (top, left), reading `fill` outside. */
function refCrop(src: Float32Array, [c, h, w]: number[], k: number, top: number, left: number, th: number, tw: number, fill = 0): number[] {
  const out: number[] = [];
  for (let ch = 0; ch < c; ch++)
    for (let i = 0; i < th; i++)
      for (let j = 0; j < tw; j++) {
        const r = top + i;
        const q = left + j;
        out.push(r >= 0 && r < h && q >= 0 && q < w ? src[((k * c + ch) * h + r) * w + q] : fill);
      }
  return out;
}

test('randomCrop: each image is its padded self cropped at an offset in range, chosen per image', () => {
  const [n, c, h, w] = [40, 2, 7, 9];
  const { data, x } = images(n, c, h, w);
  const [th, tw, pad] = [5, 6, 2];
  const y = randomCrop([th, tw], { padding: pad, fill: -1, seed: 3 })(x);
  assert.deepEqual(y.shape, [n, c, th, tw]);
  const out = y.toTypedArray();
  const offsets = new Set<string>();
  for (let k = 0; k < n; k++) {
    const got = Array.from(out.subarray(k * c * th * tw, (k + 1) * c * th * tw));
    let found: string | null = null;
    for (let top = -pad; top <= h + pad - th && found === null; top++)
      for (let left = -pad; left <= w + pad - tw && found === null; left++)
        if (refCrop(data, [c, h, w], k, top, left, th, tw, -1).every((v, i) => v === got[i])) found = `${top},${left}`;
    assert.ok(found !== null, `image ${k} is a crop of the padded image`);
    offsets.add(found);
  }
  assert.ok(offsets.size > 20, `${offsets.size} distinct offsets over ${n} images`);
  assert.deepEqual(randomCrop([th, tw], { padding: pad, fill: -1, seed: 3 })(x).toTypedArray(), out, 'the seed repeats the crops');
});

test('randomCrop: padding forms, per-channel fill, and a batch equal to its images one by one', () => {
  const { data, x } = images(3, 2, 4, 4);
  // [left, top, right, bottom] = [3, 0, 0, 0] and a 4x4 crop: the only freedom is the column offset
  const y = randomCrop(4, { padding: [3, 0, 0, 0], fill: [7, 8], seed: 1 })(x).toTypedArray();
  for (let k = 0; k < 3; k++) {
    const img = Array.from(y.subarray(k * 32, (k + 1) * 32));
    const lefts = [-3, -2, -1, 0].filter((left) =>
      [0, 1].every((ch) =>
        refCrop(data, [2, 4, 4], k, 0, left, 4, 4, [7, 8][ch])
          .slice(ch * 16, ch * 16 + 16)
          .every((v, i) => v === img[ch * 16 + i]),
      ),
    );
    assert.equal(lefts.length, 1, `image ${k} matches one offset`);
  }
  const g = new Generator(9);
  const batch = randomCrop(3, { padding: [1, 2], generator: g })(x);
  const one = randomCrop(3, { padding: [1, 2], seed: 9 });
  for (let k = 0; k < 3; k++) {
    const sample = fromArray([2, 4, 4], data.subarray(k * 32, (k + 1) * 32));
    const y1 = one(sample);
    assert.deepEqual(y1.shape, [2, 3, 3]);
    assert.deepEqual(y1.toTypedArray(), batch.toTypedArray().subarray(k * 18, (k + 1) * 18));
  }
  assert.equal(randomCrop(2, { generator: g }).generator, g);
});

test('centerCrop: offsets rounded half to even as torchvision, zero padding when larger', () => {
  const { data, x } = images(2, 1, 7, 6);
  // (7 - 2) / 2 = 2.5 rounds to 2; (6 - 3) / 2 = 1.5 rounds to 2
  assert.deepEqual(Array.from(centerCrop([2, 3])(x).toTypedArray()), [
    ...refCrop(data, [1, 7, 6], 0, 2, 2, 2, 3),
    ...refCrop(data, [1, 7, 6], 1, 2, 2, 2, 3),
  ]);
  // larger than the image: 7 -> 10 pads 1 row above, 2 below; 6 -> 9 pads 1 column left, 2 right
  const big = centerCrop([10, 9])(x);
  assert.deepEqual(big.shape, [2, 1, 10, 9]);
  assert.deepEqual(Array.from(big.toTypedArray().subarray(0, 90)), refCrop(data, [1, 7, 6], 0, -1, -1, 10, 9));
  const single = centerCrop(4)(fromArray([1, 7, 6], data.subarray(0, 42)));
  assert.deepEqual(single.shape, [1, 4, 4]);
  assert.deepEqual(Array.from(single.toTypedArray()), refCrop(data, [1, 7, 6], 0, 2, 1, 4, 4));
});

test('crop argument errors say what to fix', () => {
  const { x } = images(1, 1, 4, 4);
  assert.throws(
    () => randomCrop(3, { padding: -1 }),
    /randomCrop: padding must be a non-negative integer, \[leftRight, topBottom\] or \[left, top, right, bottom\].*got -1/,
  );
  assert.throws(() => randomCrop(3, { padding: [1, 2, 3] as never }), /padding must be .*got \[1,2,3\]/);
  assert.throws(() => randomCrop(0), /randomCrop: size must be a positive integer or \[height, width\] of positive integers, got 0/);
  assert.throws(
    () => randomCrop(7, { padding: 1 })(x),
    /crop size \[7, 7\] is larger than the padded image \[6, 6\]; pad more or crop less/,
  );
  assert.throws(
    () => randomCrop(2, { fill: [1, 2] })(x),
    /randomCrop: fill must be a finite number or an array of 1 finite number, got \[1,2\] for 1 channel/,
  );
  assert.throws(() => randomCrop(2, { seed: 1, generator: new Generator(1) }), /pass seed or generator, not both/);
  assert.throws(
    () => centerCrop(2)(fromArray([4, 4], new Float32Array(16))),
    /centerCrop: input must be an image \(C, H, W\) or a batch \(N, C, H, W\), got shape \[4, 4\]; add a channel dimension/,
  );
  assert.throws(
    () => centerCrop(2)(fromArray([1, 4, 4], new Int32Array(16), 'int32')),
    /centerCrop: input must be float32, got int32; convert it with x.float\(\)/,
  );
});
