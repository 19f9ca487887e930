// Flatten and Unflatten: reshape layers between convolutional and fully connected parts.

import { fmt, normAxis } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { flatten, reshape } from '../ops/movement.js';
import { type ConfigValues, Module } from './module.js';
import { intArg, show, tensorArg } from './validate.js';

function dimArg(layer: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${layer}: ${name} must be an integer, got ${show(v)}`);
  return v;
}

/**
 * Merges dims startDim..endDim into one (by default all but the batch dim).
 *
 * Args: startDim = 1, endDim = -1.
 * Shape: (N, C, H, W) -> (N, C * H * W) with the defaults.
 *
 * @example new Flatten().forward(randn([8, 64, 5, 5])).shape; // [8, 1600]
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = dimArg('Flatten', 'startDim', startDim);
    this.endDim = dimArg('Flatten', 'endDim', endDim);
  }

  forward(x: Tensor): Tensor {
    const name = `Flatten(${this.startDim}, ${this.endDim})`;
    tensorArg(name, x);
    const rank = Math.max(x.ndim, 1);
    const [s, e] = [normAxis(name, this.startDim, rank, 'startDim'), normAxis(name, this.endDim, rank, 'endDim')];
    if (s > e) throw new RangeError(`${name}: startDim must not come after endDim for input shape ${fmt(x.shape)}`);
    return flatten(x, s, e);
  }

  override getConfig(): ConfigValues {
    return { startDim: this.startDim, endDim: this.endDim };
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}

/**
 * Splits dim `dim` into `sizes` (one of them may be -1).
 *
 * Shape: (N, 784) -> (N, 1, 28, 28) with dim 1 and sizes [1, 28, 28].
 *
 * @example new Unflatten(1, [1, 28, 28]).forward(randn([8, 784])).shape; // [8, 1, 28, 28]
 */
export class Unflatten extends Module {
  readonly dim: number;
  readonly sizes: number[];

  constructor(dim: number, sizes: readonly number[]) {
    super();
    this.dim = dimArg('Unflatten', 'dim', dim);
    if (!Array.isArray(sizes) || sizes.length === 0) {
      throw new TypeError(`Unflatten: sizes must be a non-empty array of integers, got ${JSON.stringify(sizes)}`);
    }
    this.sizes = sizes.map((v) => (v === -1 ? -1 : intArg('Unflatten', 'sizes', v, 0)));
  }

  forward(x: Tensor): Tensor {
    const name = `Unflatten(${this.dim}, ${fmt(this.sizes)})`;
    tensorArg(name, x);
    const d = normAxis(name, this.dim, x.ndim);
    return reshape(x, [...x.shape.slice(0, d), ...this.sizes, ...x.shape.slice(d + 1)]);
  }

  override getConfig(): ConfigValues {
    return { dim: this.dim, sizes: this.sizes };
  }

  override extraRepr(): string {
    return `dim=${this.dim}, sizes=${fmt(this.sizes)}`;
  }
}
