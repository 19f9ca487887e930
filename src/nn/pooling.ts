// Pooling layers: MaxPool2d, AvgPool2d (engine ops) and AdaptiveAvgPool2d (functional core).

import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { avgPool2d, maxPool2d } from '../ops/conv.js';
import { squeeze, unsqueeze } from '../ops/movement.js';
import { adaptiveAvgPool2d } from './functional/pooling.js';
import { type ConfigValues, Module } from './module.js';
import { boolArg, intArg, pairArg, tensorArg } from './validate.js';

type Pair = number | [number, number];

export interface Pool2dOptions {
  /** Window step. Default: the kernel size. */
  stride?: Pair;
  /** Implicit padding on each side (at most half the kernel; -inf for max, 0 for average). Default 0. */
  padding?: Pair;
  /** Round the output size up instead of down. Default false. */
  ceilMode?: boolean;
}

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Count padded zeros in the average's divisor. Default true. */
  countIncludePad?: boolean;
}

/** Runs a 4-D pooling function on (N, C, H, W) or unbatched (C, H, W) input. */
function pool2d(name: string, x: Tensor, fn: (x: Tensor) => Tensor): Tensor {
  tensorArg(name, x);
  if (x.ndim === 4) return fn(x);
  if (x.ndim === 3) return squeeze(fn(unsqueeze(x, 0)), 0);
  throw new RangeError(`${name}: input must be (N, C, H, W) or (C, H, W), got shape ${fmt(x.shape)}`);
}

abstract class Pool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, options: Pool2dOptions) {
    super();
    const name = this.constructor.name;
    this.kernelSize = pairArg(name, 'kernelSize', kernelSize, 1);
    this.stride = pairArg(name, 'stride', options.stride ?? kernelSize, 1);
    this.padding = pairArg(name, 'padding', options.padding ?? 0, 0);
    this.ceilMode = boolArg(name, 'ceilMode', options.ceilMode ?? false);
    const [k, p] = [[this.kernelSize].flat(), [this.padding].flat()];
    if (p.some((v, i) => v > k[i % k.length] / 2)) {
      throw new RangeError(
        `${name}: padding ${JSON.stringify(this.padding)} must be at most half the kernel size ${JSON.stringify(this.kernelSize)}`,
      );
    }
  }

  override getConfig(): ConfigValues {
    return { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode };
  }

  override extraRepr(): string {
    const j = JSON.stringify;
    return `kernelSize=${j(this.kernelSize)}, stride=${j(this.stride)}, padding=${j(this.padding)}${this.ceilMode ? ', ceilMode=true' : ''}`;
  }
}

/**
 * 2-D max pooling: the maximum of each window.
 *
 * Args: kernelSize, `{ stride = kernelSize, padding = 0, ceilMode = false }`.
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, OH, OW), OH = floor((H + 2 padding - kernel) / stride) + 1.
 *
 * @example new MaxPool2d(2).forward(randn([8, 32, 28, 28])).shape; // [8, 32, 14, 14]
 */
export class MaxPool2d extends Pool2d {
  constructor(kernelSize: Pair, options: Pool2dOptions = {}) {
    super(kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode } = this;
    return pool2d(`MaxPool2d(${JSON.stringify(this.kernelSize)})`, x, (xb) =>
      maxPool2d(xb, this.kernelSize, { stride, padding, ceilMode }),
    );
  }
}

/**
 * 2-D average pooling: the mean of each window.
 *
 * Args: kernelSize, `{ stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true }`.
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, OH, OW), as MaxPool2d.
 *
 * @example new AvgPool2d(2).forward(randn([8, 32, 28, 28])).shape; // [8, 32, 14, 14]
 */
export class AvgPool2d extends Pool2d {
  readonly countIncludePad: boolean;

  constructor(kernelSize: Pair, options: AvgPool2dOptions = {}) {
    super(kernelSize, options);
    this.countIncludePad = boolArg('AvgPool2d', 'countIncludePad', options.countIncludePad ?? true);
  }

  forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad } = this;
    const opts = { stride, padding, ceilMode, countIncludePad };
    return pool2d(`AvgPool2d(${JSON.stringify(this.kernelSize)})`, x, (xb) => avgPool2d(xb, this.kernelSize, opts));
  }

  override getConfig(): ConfigValues {
    return { ...super.getConfig(), countIncludePad: this.countIncludePad };
  }

  override extraRepr(): string {
    return `${super.extraRepr()}${this.countIncludePad ? '' : ', countIncludePad=false'}`;
  }
}

/**
 * Average pooling to a fixed output size, whatever the input size (overlapping windows when the
 * sizes do not divide, as in PyTorch).
 *
 * Args: outputSize: s, or [h, w] where null keeps that input size.
 * Shape: (N, C, H, W) or (C, H, W) -> (N, C, h, w).
 *
 * @example new AdaptiveAvgPool2d(1).forward(randn([8, 64, 7, 7])).shape; // [8, 64, 1, 1]
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: number | [number | null, number | null];

  constructor(outputSize: number | [number | null, number | null]) {
    super();
    if (Array.isArray(outputSize) && outputSize.length === 2) {
      for (const v of outputSize) if (v !== null) intArg('AdaptiveAvgPool2d', 'outputSize', v);
      this.outputSize = [outputSize[0], outputSize[1]];
    } else this.outputSize = intArg('AdaptiveAvgPool2d', 'outputSize', outputSize);
  }

  forward(x: Tensor): Tensor {
    return pool2d(`AdaptiveAvgPool2d(${JSON.stringify(this.outputSize)})`, x, (xb) => adaptiveAvgPool2d(xb, this.outputSize));
  }

  override getConfig(): ConfigValues {
    return { outputSize: this.outputSize };
  }

  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}
