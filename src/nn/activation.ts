// Activation layers: each wraps an nn.functional activation (or softmax over a dim) and holds
// only its hyperparameters. Shape: any input, same shape out. Every class exported here is a
// registered layer named after its class (src/nn/registry.ts): its constructor takes its
// hyperparameters in the order its getConfig() lists them, each with a default.

import type { Tensor } from '../core/tensor.js';
import { div, elu, gelu, gt, leakyRelu, mul, relu, sigmoid, silu, softplus, tanh, where } from '../ops/elementwise.js';
import { logSoftmax, softmax } from '../ops/nn.js';
import { hardswish, mish } from './functional/activation.js';
import { type ConfigValues, Module } from './module.js';
import { choiceArg, numberArg, tensorArg } from './validate.js';

/** A parameter-free elementwise layer. */
abstract class Activation extends Module {
  protected abstract fn(x: Tensor): Tensor;

  forward(x: Tensor): Tensor {
    tensorArg(`${this.constructor.name}(${this.extraRepr()})`, x);
    return this.fn(x);
  }
}

/** max(x, 0). @example new ReLU().forward(tensor([-1, 2])) // [0, 2] */
export class ReLU extends Activation {
  protected fn(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x for x > 0, negativeSlope * x otherwise. Args: negativeSlope = 0.01. */
export class LeakyReLU extends Activation {
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    this.negativeSlope = numberArg('LeakyReLU', 'negativeSlope', negativeSlope);
  }

  protected fn(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override getConfig(): ConfigValues {
    return { negativeSlope: this.negativeSlope };
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** x for x > 0, alpha * (e^x - 1) otherwise. Args: alpha = 1. */
export class ELU extends Activation {
  readonly alpha: number;

  constructor(alpha = 1) {
    super();
    this.alpha = numberArg('ELU', 'alpha', alpha);
  }

  protected fn(x: Tensor): Tensor {
    return elu(x, this.alpha);
  }

  override getConfig(): ConfigValues {
    return { alpha: this.alpha };
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/**
 * Gaussian error linear unit x * Phi(x): exact (erf) by default, or PyTorch's tanh approximation
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). Args: approximate = 'none' | 'tanh'.
 */
export class GELU extends Activation {
  readonly approximate: 'none' | 'tanh';

  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    this.approximate = choiceArg('GELU', 'approximate', approximate, ['none', 'tanh'] as const);
  }

  protected fn(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }

  override getConfig(): ConfigValues {
    return { approximate: this.approximate };
  }

  override extraRepr(): string {
    return this.approximate === 'none' ? '' : "approximate='tanh'";
  }
}

/** x * sigmoid(x) (also called swish). */
export class SiLU extends Activation {
  protected fn(x: Tensor): Tensor {
    return silu(x);
  }
}

/** x * relu6(x + 3) / 6 (torch.nn.Hardswish). @example new Hardswish().forward(tensor([-4, 4])) // [0, 4] */
export class Hardswish extends Activation {
  protected fn(x: Tensor): Tensor {
    return hardswish(x);
  }
}

/** x * tanh(softplus(x)) (torch.nn.Mish). @example new Mish().forward(tensor([0, 1])) // [0, 0.8651] */
export class Mish extends Activation {
  protected fn(x: Tensor): Tensor {
    return mish(x);
  }
}

/** 1 / (1 + e^-x). */
export class Sigmoid extends Activation {
  protected fn(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** Hyperbolic tangent. */
export class Tanh extends Activation {
  protected fn(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (for stability), like PyTorch.
 * Args: beta = 1, threshold = 20.
 */
export class Softplus extends Activation {
  readonly beta: number;
  readonly threshold: number;

  constructor(beta = 1, threshold = 20) {
    super();
    this.beta = numberArg('Softplus', 'beta', beta);
    if (beta === 0) throw new RangeError('Softplus: beta must be nonzero, got 0');
    this.threshold = numberArg('Softplus', 'threshold', threshold);
  }

  protected fn(x: Tensor): Tensor {
    const bx = this.beta === 1 ? x : mul(x, this.beta);
    const soft = this.beta === 1 ? softplus(bx) : div(softplus(bx), this.beta);
    return where(gt(bx, this.threshold), x, soft);
  }

  override getConfig(): ConfigValues {
    return { beta: this.beta, threshold: this.threshold };
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** Softmax and LogSoftmax: over one dim. */
abstract class OverDim extends Activation {
  readonly dim: number;

  constructor(dim: number) {
    super();
    if (!Number.isInteger(dim)) throw new TypeError(`${this.constructor.name}: dim must be an integer, got ${JSON.stringify(dim)}`);
    this.dim = dim;
  }

  override getConfig(): ConfigValues {
    return { dim: this.dim };
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * exp(x) / sum(exp(x)) along `dim`: values in (0, 1) summing to 1. Args: dim = -1.
 * @example new Softmax(1).forward(logits) // (N, C) rows sum to 1
 */
export class Softmax extends OverDim {
  constructor(dim = -1) {
    super(dim);
  }

  protected fn(x: Tensor): Tensor {
    return softmax(x, this.dim);
  }
}

/** log(softmax(x)) along `dim`, computed stably; pairs with NLLLoss. Args: dim = -1. */
export class LogSoftmax extends OverDim {
  constructor(dim = -1) {
    super(dim);
  }

  protected fn(x: Tensor): Tensor {
    return logSoftmax(x, this.dim);
  }
}
