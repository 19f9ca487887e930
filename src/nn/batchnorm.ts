// Batch normalisation layers: BatchNorm1d and BatchNorm2d, with running statistics kept as
// buffers (running_mean, running_var, num_batches_tracked: PyTorch's state-dict names).

import { readsOnHost, readValues } from '../core/exec.js';
import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { ones, zeros } from '../ops/creation.js';
import { div } from '../ops/elementwise.js';
import { batchNorm } from './functional/normalization.js';
import * as init from './init.js';
import { type ConfigValues, Module } from './module.js';
import { boolArg, intArg, numberArg, tensorArg } from './validate.js';

export interface BatchNormLayerOptions {
  /** Added to the variance for stability. Default 1e-5. */
  eps?: number;
  /** Weight of each new batch in the running averages; null for a cumulative (equal-weight) average. Default 0.1. */
  momentum?: number | null;
  /** Learn a per-channel scale (weight) and shift (bias). Default true. */
  affine?: boolean;
  /** Keep running statistics for evaluation; when false, batch statistics are used in both modes. Default true. */
  trackRunningStats?: boolean;
}

/** What BatchNorm1d and BatchNorm2d share; they differ only in the input ranks they accept. */
abstract class BatchNormNd extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  /** How many training batches updated the running statistics (int32). */
  readonly numBatchesTracked: Tensor | null;

  constructor(numFeatures: number, options: BatchNormLayerOptions) {
    super();
    const name = this.constructor.name;
    this.numFeatures = intArg(name, 'numFeatures', numFeatures);
    this.eps = numberArg(name, 'eps', options.eps ?? 1e-5, 0);
    this.momentum = options.momentum === null ? null : numberArg(name, 'momentum', options.momentum ?? 0.1, 0, 1);
    const affine = boolArg(name, 'affine', options.affine ?? true);
    const track = boolArg(name, 'trackRunningStats', options.trackRunningStats ?? true);
    this.weight = this.registerParameter('weight', affine ? ones([numFeatures]) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numFeatures]) : null);
    this.runningMean = this.registerBuffer('running_mean', track ? zeros([numFeatures]) : null);
    this.runningVar = this.registerBuffer('running_var', track ? ones([numFeatures]) : null);
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: 'int32' }) : null);
  }

  /** The input layouts this layer accepts, for error messages, e.g. '(N, C) or (N, C, L)'. */
  protected abstract readonly layouts: string;
  protected abstract readonly ranks: readonly number[];

  /** Running statistics back to mean 0, variance 1, no batches. */
  resetRunningStats(): void {
    if (this.runningMean !== null) init.zeros(this.runningMean);
    if (this.runningVar !== null) init.ones(this.runningVar);
    this.numBatchesTracked?.zero_();
  }

  /** Running statistics reset, weight 1, bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight !== null) init.ones(this.weight);
    if (this.bias !== null) init.zeros(this.bias);
  }

  forward(x: Tensor): Tensor {
    const name = `${this.constructor.name}(${this.numFeatures})`;
    tensorArg(name, x);
    if (!this.ranks.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${name}: input must be ${this.layouts.replaceAll('C', String(this.numFeatures))}, got shape ${fmt(x.shape)}`);
    }
    // PyTorch: the factor is momentum, or 1 / batches seen for a cumulative average
    let factor: number | Tensor = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked !== null) {
      this.numBatchesTracked.add_(1);
      if (this.momentum === null) {
        // a device that cannot be read synchronously (a GPU) takes 1 / batches as a tensor: no read
        const count = this.numBatchesTracked;
        factor = readsOnHost(count.storage.device) ? 1 / readValues(count, 'batchNorm')[0] : div(1, count);
      }
    }
    const useBatchStats = this.training || this.runningMean === null;
    return batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  override getConfig(): ConfigValues {
    return {
      numFeatures: this.numFeatures,
      eps: this.eps,
      momentum: this.momentum,
      affine: this.weight !== null,
      trackRunningStats: this.runningMean !== null,
    };
  }

  override extraRepr(): string {
    const c = this.getConfig();
    return `${c.numFeatures}, eps=${c.eps}, momentum=${c.momentum}, affine=${c.affine}, trackRunningStats=${c.trackRunningStats}`;
  }
}

/**
 * Batch normalisation of (N, C) features or (N, C, L) sequences, per channel C: in training,
 * normalises with the batch's mean and biased variance and updates the running averages (the
 * variance unbiased); in evaluation, normalises with the running averages.
 *
 * Args: numFeatures (C), `{ eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }`.
 * Shape: (N, C) or (N, C, L), unchanged. weight, bias, running_mean, running_var: (C).
 *
 * @example new BatchNorm1d(128).forward(randn([32, 128])).shape; // [32, 128]
 */
export class BatchNorm1d extends BatchNormNd {
  protected readonly layouts = '(N, C) or (N, C, L)';
  protected readonly ranks = [2, 3];

  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}

/**
 * Batch normalisation of images (N, C, H, W) per channel; see BatchNorm1d for the statistics.
 *
 * Args: numFeatures (C), `{ eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }`.
 * Shape: (N, C, H, W), unchanged. weight, bias, running_mean, running_var: (C).
 *
 * @example new BatchNorm2d(32).forward(randn([8, 32, 14, 14])).shape; // [8, 32, 14, 14]
 */
export class BatchNorm2d extends BatchNormNd {
  protected readonly layouts = '(N, C, H, W)';
  protected readonly ranks = [4];

  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super(numFeatures, options);
  }
}
