// What the image transforms share: images as one raw float32 array (N, C, H, W) plus their shape,
// the callable ImageTransform (tensor in, new tensor out, no autograd) that also exposes its raw
// form so that compose converts tensors once rather than at every step, and argument checks.

import { fromArray } from '../../core/exec.js';
import { defaultGenerator, Generator } from '../../core/random.js';
import { Tensor } from '../../core/tensor.js';

/** Images as raw row-major float32 data (N, C, H, W); `batched` false for a single (C, H, W) image (n = 1). */
export interface Images {
  data: Float32Array;
  n: number;
  c: number;
  h: number;
  w: number;
  batched: boolean;
}

/**
 * A transform of an image (C, H, W) or a batch (N, C, H, W), float32: returns a new tensor (never
 * recorded by autograd). Random transforms draw independently for each image of a batch, in order,
 * from their own generator, so a batch gets the same result as its images one by one.
 *
 * @example
 * const flip = randomHorizontalFlip(0.5, { seed: 0 });
 * flip(x);   // x (C, H, W) or (N, C, H, W)
 */
export interface ImageTransform {
  (x: Tensor): Tensor;
  /** The same transform on raw images; it may reuse or overwrite `images.data`. */
  readonly raw: (images: Images) => Images;
  /** The generator random transforms draw from (save its state with `getState()` to resume exactly). */
  readonly generator?: Generator;
}

/** Where a random transform gets its randomness. */
export interface RandomOptions {
  /** Seed of the transform's own generator. Default: one number drawn from the global generator (so manualSeed makes it reproducible). */
  seed?: number;
  /** A generator to draw from instead (shared with other transforms if you like). */
  generator?: Generator;
}

/**
 * Wraps a raw transform as an ImageTransform named `op` (for errors).
 * @example export const invert = imageTransform('invert', (im) => { im.data.forEach((v, i, a) => { a[i] = 1 - v; }); return im; });
 */
export function imageTransform(op: string, raw: (images: Images) => Images, generator?: Generator): ImageTransform {
  const fn = (x: Tensor): Tensor => fromImages(raw(toImages(op, x)));
  return Object.assign(fn, { raw, generator });
}

/** Whether `t` was made by `imageTransform` (so it has a raw form). */
export function isImageTransform(t: unknown): t is ImageTransform {
  return typeof t === 'function' && typeof (t as Partial<ImageTransform>).raw === 'function';
}

/** The raw images of `x` (a fresh copy the caller owns), or an error naming `op` and the shape. */
export function toImages(op: string, x: Tensor): Images {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor (C, H, W) or (N, C, H, W), got ${typeof x}`);
  if (x.ndim !== 3 && x.ndim !== 4) {
    const hint = x.ndim === 2 ? '; add a channel dimension with x.unsqueeze(0)' : '';
    throw new RangeError(`${op}: input must be an image (C, H, W) or a batch (N, C, H, W), got shape [${x.shape.join(', ')}]${hint}`);
  }
  if (x.dtype !== 'float32') throw new TypeError(`${op}: input must be float32, got ${x.dtype}; convert it with x.float()`);
  const batched = x.ndim === 4;
  const [n, c, h, w] = batched ? x.shape : [1, ...x.shape];
  return { data: x.toTypedArray() as Float32Array, n, c, h, w, batched };
}

/** A new tensor holding `images`: (N, C, H, W), or (C, H, W) for a single image. */
export function fromImages(images: Images): Tensor {
  const { data, n, c, h, w, batched } = images;
  return fromArray(batched ? [n, c, h, w] : [c, h, w], data);
}

/** The generator of a random transform's options. */
export function generatorOf(op: string, options: RandomOptions): Generator {
  if (options.generator !== undefined && !(options.generator instanceof Generator))
    throw new TypeError(`${op}: generator must be a Generator`);
  if (options.generator !== undefined && options.seed !== undefined) throw new TypeError(`${op}: pass seed or generator, not both`);
  return options.generator ?? new Generator(options.seed ?? defaultGenerator.nextU32());
}

/** A crop size: an integer for a square, or [height, width]. */
export type Size = number | readonly [number, number];

/** [height, width] of a size argument, or an error naming `op`. */
export function sizePair(op: string, size: Size): [number, number] {
  const pair = typeof size === 'number' ? [size, size] : size;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new RangeError(`${op}: size must be a positive integer or [height, width] of positive integers, got ${JSON.stringify(size)}`);
  }
  return [pair[0], pair[1]];
}

/** A probability in [0, 1], or an error naming `op`. */
export function probability(op: string, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: p must be a probability in [0, 1], got ${p}`);
  return p;
}

/** Checks, when a transform is made, that `value` is a finite number or a non-empty array of them. */
export function checkFinite(op: string, name: string, value: number | readonly number[]): void {
  const values = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new RangeError(`${op}: ${name} must be a finite number or an array of them (one per channel), got ${JSON.stringify(value)}`);
  }
}

/** One value per channel from a number or an array of 1 or C numbers, or an error naming `op` and `name`. */
export function perChannel(op: string, name: string, value: number | readonly number[], c: number): Float64Array {
  const values = typeof value === 'number' ? [value] : value;
  if (
    !Array.isArray(values) ||
    (values.length !== 1 && values.length !== c) ||
    !values.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    const lengths = c === 1 ? '1 finite number' : `1 or ${c} (one per channel) finite numbers`;
    throw new RangeError(
      `${op}: ${name} must be a finite number or an array of ${lengths}, got ${JSON.stringify(value)} for ${c} channel${c === 1 ? '' : 's'}`,
    );
  }
  return Float64Array.from({ length: c }, (_, i) => values[values.length === 1 ? 0 : i]);
}
