// Flips against a per-pixel reference: with p = 1 every image is mirrored, with p = 0 none, and
// otherwise each image is either untouched or exactly mirrored, chosen per image and by the seed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromArray } from '../../core/exec.js';
import { randomHorizontalFlip, randomVerticalFlip } from './flip.js';

const [N, C, H, W] = [32, 2, 5, 6];
const data = Float32Array.from({ length: N * C * H * W }, (_, i) => i * 0.5);
const x = fromArray([N, C, H, W], data);

/** Reference: image k mirrored left-right ('h'), top-bottom ('v') or untouched (null). */
function ref(k: number, flip: 'h' | 'v' | null): number[] {
  const out: number[] = [];
  for (let c = 0; c < C; c++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++) {
        const r = flip === 'v' ? H - 1 - i : i;
        const q = flip === 'h' ? W - 1 - j : j;
        out.push(data[((k * C + c) * H + r) * W + q]);
      }
  return out;
}

function image(t: Float32Array | Int32Array | Uint8Array, k: number): number[] {
  return Array.from(t.subarray(k * C * H * W, (k + 1) * C * H * W));
}

for (const [name, make, kind] of [
  ['randomHorizontalFlip', randomHorizontalFlip, 'h'],
  ['randomVerticalFlip', randomVerticalFlip, 'v'],
] as const) {
  test(`${name}: p = 1 mirrors every image, p = 0 none, p = 0.5 each image one way or the other`, () => {
    const all = make(1, { seed: 0 })(x).toTypedArray();
    const none = make(0, { seed: 0 })(x).toTypedArray();
    for (let k = 0; k < N; k++) {
      assert.deepEqual(image(all, k), ref(k, kind));
      assert.deepEqual(image(none, k), ref(k, null));
    }
    const half = make(0.5, { seed: 4 })(x);
    assert.deepEqual(half.shape, [N, C, H, W]);
    const out = half.toTypedArray();
    let flipped = 0;
    for (let k = 0; k < N; k++) {
      const got = image(out, k);
      const isFlipped = got.every((v, i) => v === ref(k, kind)[i]);
      assert.ok(isFlipped || got.every((v, i) => v === ref(k, null)[i]), `image ${k} is mirrored or untouched`);
      if (isFlipped) flipped++;
    }
    assert.ok(flipped > 6 && flipped < 26, `${flipped} of ${N} mirrored`);
    assert.deepEqual(make(0.5, { seed: 4 })(x).toTypedArray(), out, 'the seed repeats the choices');
    assert.deepEqual(Array.from(data.subarray(0, 4)), [0, 0.5, 1, 1.5], 'the input is not modified');
  });

  test(`${name}: a sample (C, H, W) and p outside [0, 1]`, () => {
    const sample = fromArray([C, H, W], data.subarray(0, C * H * W));
    const y = make(1)(sample);
    assert.deepEqual(y.shape, [C, H, W]);
    assert.deepEqual(Array.from(y.toTypedArray()), ref(0, kind));
    assert.throws(() => make(1.5), new RegExp(`${name}: p must be a probability in \\[0, 1\\], got 1.5`));
    assert.throws(() => make(-0.1), /p must be a probability in \[0, 1\], got -0.1/);
    assert.throws(
      () => make(0.5)(fromArray([H, W], new Float32Array(H * W))),
      /input must be an image \(C, H, W\) or a batch \(N, C, H, W\), got shape \[5, 6\]/,
    );
  });
}
