// Per-sample normalisation over the trailing dims: LayerNorm (mean and variance) and RMSNorm
// (root mean square only).

import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { ones, zeros } from '../ops/creation.js';
import { layerNorm, rmsNorm } from './functional/normalization.js';
import * as init from './init.js';
import { type ConfigValues, Module } from './module.js';
import { boolArg, intArg, numberArg, tensorArg } from './validate.js';

export interface LayerNormLayerOptions {
  /** Added to the variance for stability. Default 1e-5. */
  eps?: number;
  /** Learn a scale (weight) and shift (bias) of normalizedShape. Default true. */
  elementwiseAffine?: boolean;
}

/**
 * Normalises over the last dims (normalizedShape) of each sample to mean 0 and (biased)
 * variance 1, then scales and shifts elementwise. Same in training and evaluation.
 *
 * Args: normalizedShape (a size or a list of trailing sizes), `{ eps = 1e-5, elementwiseAffine = true }`.
 * Shape: (*, ...normalizedShape), unchanged. weight, bias: normalizedShape.
 *
 * @example new LayerNorm(512).forward(randn([4, 10, 512])).shape; // [4, 10, 512]
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormLayerOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.length === 0) {
      throw new TypeError(
        `LayerNorm: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`,
      );
    }
    this.normalizedShape = shape.map((d) => intArg('LayerNorm', 'normalizedShape', d));
    this.eps = numberArg('LayerNorm', 'eps', options.eps ?? 1e-5, 0);
    const affine = boolArg('LayerNorm', 'elementwiseAffine', options.elementwiseAffine ?? true);
    this.weight = this.registerParameter('weight', affine ? ones(this.normalizedShape) : null);
    this.bias = this.registerParameter('bias', affine ? zeros(this.normalizedShape) : null);
  }

  /** weight 1, bias 0. */
  resetParameters(): void {
    if (this.weight !== null) init.ones(this.weight);
    if (this.bias !== null) init.zeros(this.bias);
  }

  forward(x: Tensor): Tensor {
    const name = `LayerNorm(${fmt(this.normalizedShape)})`;
    tensorArg(name, x);
    const k = this.normalizedShape.length;
    if (x.ndim < k || fmt(x.shape.slice(x.ndim - k)) !== fmt(this.normalizedShape)) {
      throw new RangeError(`${name}: input must end with dims ${fmt(this.normalizedShape)}, got shape ${fmt(x.shape)}`);
    }
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override getConfig(): ConfigValues {
    return { normalizedShape: this.normalizedShape, eps: this.eps, elementwiseAffine: this.weight !== null };
  }

  override extraRepr(): string {
    return `${fmt(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

export interface RMSNormLayerOptions {
  /**
   * Added to the mean square for stability. Default null: float32's machine epsilon 2^-23
   * (1.1920929e-7), as PyTorch 2.4's RMSNorm(eps=None) takes torch.finfo(x.dtype).eps.
   */
  eps?: number | null;
  /** Learn a scale (weight) of normalizedShape. Default true. RMSNorm has no bias. */
  elementwiseAffine?: boolean;
}

/**
 * Root-mean-square normalisation (Zhang and Sennrich 2019; LLaMA's norm) with PyTorch 2.4's
 * torch.nn.RMSNorm semantics: y = x / sqrt(mean(x^2 over normalizedShape) + eps) * weight.
 * Same in training and evaluation.
 *
 * Args: normalizedShape (a size or a list of trailing sizes), `{ eps = null, elementwiseAffine = true }`.
 * Shape: (*, ...normalizedShape), unchanged. weight: normalizedShape, initialised to ones.
 *
 * @example new RMSNorm(512).forward(randn([4, 10, 512])).shape; // [4, 10, 512]
 */
export class RMSNorm extends Module {
  readonly normalizedShape: number[];
  /** null: float32's machine epsilon at forward time (see RMSNormLayerOptions.eps). */
  readonly eps: number | null;
  readonly weight: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options: RMSNormLayerOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.length === 0) {
      throw new TypeError(
        `RMSNorm: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`,
      );
    }
    this.normalizedShape = shape.map((d) => intArg('RMSNorm', 'normalizedShape', d));
    this.eps = options.eps === undefined || options.eps === null ? null : numberArg('RMSNorm', 'eps', options.eps, 0);
    const affine = boolArg('RMSNorm', 'elementwiseAffine', options.elementwiseAffine ?? true);
    this.weight = this.registerParameter('weight', affine ? ones(this.normalizedShape) : null);
  }

  /** weight 1. */
  resetParameters(): void {
    if (this.weight !== null) init.ones(this.weight);
  }

  forward(x: Tensor): Tensor {
    const name = `RMSNorm(${fmt(this.normalizedShape)})`;
    tensorArg(name, x);
    const k = this.normalizedShape.length;
    if (x.ndim < k || fmt(x.shape.slice(x.ndim - k)) !== fmt(this.normalizedShape)) {
      throw new RangeError(`${name}: input must end with dims ${fmt(this.normalizedShape)}, got shape ${fmt(x.shape)}`);
    }
    return rmsNorm(x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override getConfig(): ConfigValues {
    return { normalizedShape: this.normalizedShape, eps: this.eps, elementwiseAffine: this.weight !== null };
  }

  override extraRepr(): string {
    return `${fmt(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}
