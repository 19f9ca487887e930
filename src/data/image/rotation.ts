// Random rotation, as torchvision's RandomRotation: each image turns by its own angle drawn
// uniformly from [min, max] degrees, counter-clockwise for positive angles, about the image centre
// ((W - 1) / 2, (H - 1) / 2) in pixel coordinates unless `center` says otherwise, keeping its size.
// Each output pixel reads the input at the inversely rotated position: the nearest pixel, or the
// bilinear mix of the four around it; positions outside the image read `fill`. (torchvision blends
// the fill into bilinear edge pixels slightly differently; inside the image both agree.) Multiples
// of 90 degrees use exact sines and cosines, so with 'nearest' they move pixels exactly.

import { checkFinite, generatorOf, type Images, type ImageTransform, imageTransform, perChannel, type RandomOptions } from './images.js';

export interface RandomRotationOptions extends RandomOptions {
  /** How pixels are read between grid points. Default 'nearest' (as torchvision). */
  interpolation?: 'nearest' | 'bilinear';
  /** Value of pixels rotated in from outside the image: a number, or one per channel. Default 0. */
  fill?: number | readonly number[];
  /** Centre of rotation [x, y] in pixel coordinates (column, row). Default the image centre. */
  center?: readonly [number, number];
}

/**
 * Rotates each image by an angle drawn uniformly from [-degrees, degrees] (or [min, max]).
 *
 * @example
 * const rotate = randomRotation(15, { interpolation: 'bilinear', seed: 0 });
 * rotate(x); // (N, C, H, W) -> (N, C, H, W), each image turned by its own angle in [-15, 15]
 */
export function randomRotation(degrees: number | readonly [number, number], options: RandomRotationOptions = {}): ImageTransform {
  const op = 'randomRotation';
  const [lo, hi] = rangeOf(op, degrees);
  const { interpolation = 'nearest', fill = 0, center } = options;
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
    throw new RangeError(`${op}: interpolation must be 'nearest' or 'bilinear', got ${JSON.stringify(interpolation)}`);
  }
  checkFinite(op, 'fill', fill);
  if (center !== undefined && !(Array.isArray(center) && center.length === 2 && center.every(Number.isFinite))) {
    throw new RangeError(`${op}: center must be [x, y], two finite numbers, got ${JSON.stringify(center)}`);
  }
  const generator = generatorOf(op, options);
  return imageTransform(
    op,
    (im) => {
      const angles = new Float64Array(im.n);
      for (let k = 0; k < im.n; k++) angles[k] = lo + generator.uniform() * (hi - lo);
      return rotate(im, angles, interpolation, perChannel(op, 'fill', fill, im.c), center);
    },
    generator,
  );
}

/** Each image k rotated by angles[k] degrees (counter-clockwise), into a new array of the same shape. */
export function rotate(
  im: Images,
  angles: Float64Array,
  interpolation: 'nearest' | 'bilinear',
  fill: Float64Array,
  center?: readonly [number, number],
): Images {
  const { data, n, c, h, w } = im;
  const hw = h * w;
  const out = new Float32Array(data.length); // (N, C, H, W)
  const cx = center?.[0] ?? (w - 1) / 2;
  const cy = center?.[1] ?? (h - 1) / 2;
  for (let k = 0; k < n; k++) {
    const [cos, sin] = cosSin(angles[k]);
    const base = k * c * hw;
    for (let y = 0; y < h; y++) {
      const dy = y - cy;
      // source of output pixel (x, y): (cx + dx cos - dy sin, cy + dx sin + dy cos), dx = x - cx
      let sx = cx - cx * cos - dy * sin;
      let sy = cy - cx * sin + dy * cos;
      for (let x = 0; x < w; x++, sx += cos, sy += sin) {
        const o = base + y * w + x;
        if (interpolation === 'nearest') {
          const ix = Math.round(sx);
          const iy = Math.round(sy);
          const inside = ix >= 0 && ix < w && iy >= 0 && iy < h;
          const s = base + iy * w + ix;
          for (let ch = 0; ch < c; ch++) out[o + ch * hw] = inside ? data[s + ch * hw] : fill[ch];
        } else {
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          const fx = sx - x0;
          const fy = sy - y0;
          const inX0 = x0 >= 0 && x0 < w;
          const inX1 = x0 + 1 >= 0 && x0 + 1 < w;
          const inY0 = y0 >= 0 && y0 < h;
          const inY1 = y0 + 1 >= 0 && y0 + 1 < h;
          const s = base + y0 * w + x0;
          for (let ch = 0; ch < c; ch++) {
            const p = s + ch * hw;
            const f = fill[ch];
            const v00 = inY0 && inX0 ? data[p] : f;
            const v01 = inY0 && inX1 ? data[p + 1] : f;
            const v10 = inY1 && inX0 ? data[p + w] : f;
            const v11 = inY1 && inX1 ? data[p + w + 1] : f;
            out[o + ch * hw] = (1 - fy) * ((1 - fx) * v00 + fx * v01) + fy * ((1 - fx) * v10 + fx * v11);
          }
        }
      }
    }
  }
  return { data: out, n, c, h, w, batched: im.batched };
}

/** cos and sin of an angle in degrees, exact at multiples of 90. */
function cosSin(degrees: number): [number, number] {
  const quarter = degrees / 90;
  if (Number.isInteger(quarter)) {
    const q = ((quarter % 4) + 4) % 4;
    return [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ][q] as [number, number];
  }
  const r = (degrees * Math.PI) / 180;
  return [Math.cos(r), Math.sin(r)];
}

function rangeOf(op: string, degrees: number | readonly [number, number]): [number, number] {
  if (typeof degrees === 'number') {
    if (!(Number.isFinite(degrees) && degrees >= 0))
      throw new RangeError(`${op}: degrees must be a non-negative number (the range [-degrees, degrees]), got ${degrees}`);
    return [-degrees, degrees];
  }
  if (!Array.isArray(degrees) || degrees.length !== 2 || !degrees.every(Number.isFinite) || degrees[0] > degrees[1]) {
    throw new RangeError(`${op}: degrees must be a number or [min, max] with min <= max, got ${JSON.stringify(degrees)}`);
  }
  return [degrees[0], degrees[1]];
}
