// Random flips, as torchvision's RandomHorizontalFlip and RandomVerticalFlip: each image is flipped
// with probability p (one draw per image of a batch), in place on the raw copy: rows reversed for a
// horizontal flip, rows swapped for a vertical one.

import { generatorOf, type Images, type ImageTransform, imageTransform, probability, type RandomOptions } from './images.js';

/**
 * Mirrors each image left-right with probability `p` (default 0.5).
 * @example randomHorizontalFlip(0.5, { seed: 0 })(x); // x (N, C, H, W): about half the images mirrored
 */
export function randomHorizontalFlip(p = 0.5, options: RandomOptions = {}): ImageTransform {
  const op = 'randomHorizontalFlip';
  probability(op, p);
  const generator = generatorOf(op, options);
  return imageTransform(op, (im) => flipWhere(im, draws(generator, im.n, p), 'horizontal'), generator);
}

/**
 * Mirrors each image top-bottom with probability `p` (default 0.5).
 * @example randomVerticalFlip(0.5, { seed: 0 })(x); // x (C, H, W) or (N, C, H, W)
 */
export function randomVerticalFlip(p = 0.5, options: RandomOptions = {}): ImageTransform {
  const op = 'randomVerticalFlip';
  probability(op, p);
  const generator = generatorOf(op, options);
  return imageTransform(op, (im) => flipWhere(im, draws(generator, im.n, p), 'vertical'), generator);
}

/** One draw per image: flip when uniform() < p (as torchvision's `torch.rand(1) < p`). */
function draws(generator: { uniform(): number }, n: number, p: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let k = 0; k < n; k++) out[k] = generator.uniform() < p ? 1 : 0;
  return out;
}

/** Flips, in place, the images k with flip[k] set. */
export function flipWhere(im: Images, flip: Uint8Array, direction: 'horizontal' | 'vertical'): Images {
  const { data, n, c, h, w } = im;
  for (let k = 0; k < n; k++) {
    if (!flip[k]) continue;
    for (let ch = 0; ch < c; ch++) {
      const plane = (k * c + ch) * h * w;
      if (direction === 'horizontal') {
        for (let r = 0; r < h; r++) data.subarray(plane + r * w, plane + (r + 1) * w).reverse();
      } else {
        const tmp = new Float32Array(w);
        for (let top = 0, bottom = h - 1; top < bottom; top++, bottom--) {
          const a = plane + top * w;
          const b = plane + bottom * w;
          tmp.set(data.subarray(a, a + w));
          data.copyWithin(a, b, b + w);
          data.set(tmp, b);
        }
      }
    }
  }
  return im;
}
