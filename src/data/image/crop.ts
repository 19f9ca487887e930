// Crops, as torchvision's RandomCrop and CenterCrop: a window of the image (padded with a constant
// first, for RandomCrop), one row at a time: the part inside the image is one typed-array copy,
// the part outside is filled.

import {
  checkFinite,
  generatorOf,
  type Images,
  type ImageTransform,
  imageTransform,
  perChannel,
  type RandomOptions,
  type Size,
  sizePair,
} from './images.js';

export interface RandomCropOptions extends RandomOptions {
  /**
   * Pixels added around the image before cropping: n (all sides), [leftRight, topBottom], or
   * [left, top, right, bottom] as torchvision. Default 0.
   */
  padding?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Value of padded pixels: a number, or one per channel. Default 0. */
  fill?: number | readonly number[];
}

/**
 * Crops a random size[0] x size[1] window of each image, after padding it (constant `fill`).
 * Each image of a batch gets its own window.
 *
 * @example
 * const crop = randomCrop(28, { padding: 4, seed: 0 }); // the usual MNIST/CIFAR augmentation
 * crop(x);  // (N, 1, 28, 28) -> (N, 1, 28, 28), shifted by up to 4 pixels each way
 */
export function randomCrop(size: Size, options: RandomCropOptions = {}): ImageTransform {
  const op = 'randomCrop';
  const [th, tw] = sizePair(op, size);
  const [pl, pt, pr, pb] = paddingOf(op, options.padding ?? 0);
  const fill = options.fill ?? 0;
  checkFinite(op, 'fill', fill);
  const generator = generatorOf(op, options);
  return imageTransform(
    op,
    (im) => {
      const hp = im.h + pt + pb;
      const wp = im.w + pl + pr;
      if (th > hp || tw > wp) {
        throw new RangeError(`${op}: crop size [${th}, ${tw}] is larger than the padded image [${hp}, ${wp}]; pad more or crop less`);
      }
      const tops = new Int32Array(im.n);
      const lefts = new Int32Array(im.n);
      for (let k = 0; k < im.n; k++) {
        tops[k] = generator.int(0, hp - th + 1) - pt;
        lefts[k] = generator.int(0, wp - tw + 1) - pl;
      }
      return crop(im, tops, lefts, th, tw, perChannel(op, 'fill', fill, im.c));
    },
    generator,
  );
}

/**
 * Crops the central size[0] x size[1] window (offsets rounded as torchvision); a size larger than
 * the image pads it with 0.
 *
 * @example centerCrop(24)(x); // (N, C, 28, 28) -> (N, C, 24, 24)
 */
export function centerCrop(size: Size): ImageTransform {
  const op = 'centerCrop';
  const [th, tw] = sizePair(op, size);
  return imageTransform(op, (im) => {
    const top = th > im.h ? -Math.floor((th - im.h) / 2) : roundHalfEven((im.h - th) / 2);
    const left = tw > im.w ? -Math.floor((tw - im.w) / 2) : roundHalfEven((im.w - tw) / 2);
    return crop(im, new Int32Array(im.n).fill(top), new Int32Array(im.n).fill(left), th, tw, new Float64Array(im.c));
  });
}

/**
 * The th x tw window of each image k whose top-left corner is (tops[k], lefts[k]) in image
 * coordinates (negative, or past the edges, reads `fill`).
 */
export function crop(im: Images, tops: Int32Array, lefts: Int32Array, th: number, tw: number, fill: Float64Array): Images {
  const { data, n, c, h, w } = im;
  const out = new Float32Array(n * c * th * tw); // (N, C, th, tw)
  let o = 0;
  for (let k = 0; k < n; k++) {
    const top = tops[k];
    const left = lefts[k];
    const j0 = Math.min(tw, Math.max(0, -left)); // output columns [j0, j1) are inside the image
    const j1 = Math.max(j0, Math.min(tw, w - left));
    for (let ch = 0; ch < c; ch++) {
      const plane = (k * c + ch) * h * w;
      const f = fill[ch];
      for (let i = 0; i < th; i++, o += tw) {
        const r = top + i;
        if (r < 0 || r >= h || j0 === j1) {
          out.fill(f, o, o + tw);
          continue;
        }
        if (j0 > 0) out.fill(f, o, o + j0);
        const from = plane + r * w + left;
        out.set(data.subarray(from + j0, from + j1), o + j0);
        if (j1 < tw) out.fill(f, o + j1, o + tw);
      }
    }
  }
  return { data: out, n, c, h: th, w: tw, batched: im.batched };
}

/** [left, top, right, bottom] of a padding argument. */
function paddingOf(op: string, padding: RandomCropOptions['padding']): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding] : padding;
  const ok = Array.isArray(p) && [1, 2, 4].includes(p.length) && p.every((v) => Number.isInteger(v) && v >= 0);
  if (!ok) {
    throw new RangeError(
      `${op}: padding must be a non-negative integer, [leftRight, topBottom] or [left, top, right, bottom] of non-negative integers, got ${JSON.stringify(padding)}`,
    );
  }
  if (p.length === 1) return [p[0], p[0], p[0], p[0]];
  if (p.length === 2) return [p[0], p[1], p[0], p[1]];
  return [p[0], p[1], p[2], p[3]];
}

/** Python's round(): halves to the even neighbour. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
