// Linear (fully connected) layer, and Identity, the layer that does nothing.

import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { zeros } from '../ops/creation.js';
import { linear } from './functional/linear.js';
import { kaimingUniform, uniform } from './init.js';
import { type ConfigValues, Module } from './module.js';
import { boolArg, intArg, tensorArg } from './validate.js';

export interface LinearOptions {
  /** Learn an additive bias. Default true. */
  bias?: boolean;
}

/**
 * y = x W^T + b.
 *
 * Args: inFeatures, outFeatures, `{ bias = true }`.
 * Shape: input (*, inFeatures) -> (*, outFeatures). weight (outFeatures, inFeatures), bias (outFeatures).
 * Init (PyTorch's): weight kaimingUniform with a = sqrt(5), i.e. U(-1/sqrt(in), 1/sqrt(in)); bias the same.
 *
 * @example
 * const fc = new Linear(784, 10);
 * fc.forward(randn([32, 784])).shape; // [32, 10]
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = intArg('Linear', 'inFeatures', inFeatures);
    this.outFeatures = intArg('Linear', 'outFeatures', outFeatures);
    this.weight = this.registerParameter('weight', zeros([outFeatures, inFeatures]));
    this.bias = this.registerParameter('bias', boolArg('Linear', 'bias', options.bias ?? true) ? zeros([outFeatures]) : null);
    this.resetParameters();
  }

  /** Re-draws the weights with PyTorch's default initialisation. */
  resetParameters(): void {
    kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const bound = 1 / Math.sqrt(this.inFeatures);
      uniform(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    const name = `Linear(${this.inFeatures}, ${this.outFeatures})`;
    tensorArg(name, x);
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new RangeError(`${name}: input must have ${this.inFeatures} features in its last dim, got shape ${fmt(x.shape)}`);
    }
    return linear(x, this.weight, this.bias);
  }

  override getConfig(): ConfigValues {
    return { inFeatures: this.inFeatures, outFeatures: this.outFeatures, bias: this.bias !== null };
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/**
 * Returns its input unchanged: a placeholder, e.g. to switch a block off without changing the
 * model's structure.
 * @example new Identity().forward(x) === x
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
