// Convolution layers: Conv1d and Conv2d over the engine's conv1d/conv2d (NCL / NCHW layouts).

import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { conv1d, conv2d } from '../ops/conv.js';
import { zeros } from '../ops/creation.js';
import { pad, squeeze, unsqueeze } from '../ops/movement.js';
import { calculateFans, kaimingUniform, uniform } from './init.js';
import { type ConfigValues, Module } from './module.js';
import { boolArg, intArg, pairArg, tensorArg } from './validate.js';

type Pair = number | [number, number];

export interface ConvOptions<P> {
  /** Step between windows. Default 1. */
  stride?: P;
  /** Zero padding on each side, or 'same' (keeps the size; stride 1) / 'valid' (none). Default 0. */
  padding?: P | 'same' | 'valid';
  /** Spacing between kernel taps. Default 1. */
  dilation?: P;
  /** Split the channels into groups convolved separately (inChannels and outChannels divisible). Default 1. */
  groups?: number;
  /** Learn a per-channel bias. Default true. */
  bias?: boolean;
}

/** What Conv1d and Conv2d share: arguments, parameters, initialisation, config. */
abstract class ConvNd<P extends number | Pair> extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: P;
  readonly padding: P | 'same' | 'valid';
  readonly dilation: P;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: P,
    options: ConvOptions<P>,
    kernel: readonly number[],
  ) {
    super();
    const name = this.constructor.name;
    const arg = (key: string, v: unknown, min: number) =>
      (kernel.length === 1 ? intArg(name, key, v, min) : pairArg(name, key, v, min)) as P;
    intArg(name, 'inChannels', inChannels);
    intArg(name, 'outChannels', outChannels);
    arg('kernelSize', kernelSize, 1);
    this.stride = arg('stride', options.stride ?? 1, 1);
    this.dilation = arg('dilation', options.dilation ?? 1, 1);
    const padding = options.padding ?? 0;
    this.padding = padding === 'same' || padding === 'valid' ? padding : arg('padding', padding, 0);
    this.groups = intArg(name, 'groups', options.groups ?? 1);
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(`${name}: groups (${this.groups}) must divide inChannels (${inChannels}) and outChannels (${outChannels})`);
    }
    if (this.padding === 'same' && [this.stride].flat().some((s) => s !== 1)) {
      throw new RangeError(`${name}: padding 'same' needs stride 1`);
    }
    this.weight = this.registerParameter('weight', zeros([outChannels, inChannels / this.groups, ...kernel]));
    this.bias = this.registerParameter('bias', boolArg(name, 'bias', options.bias ?? true) ? zeros([outChannels]) : null);
    this.resetParameters();
  }

  /** Re-draws the weights with PyTorch's default: kaimingUniform(a = sqrt(5)) and U(+-1/sqrt(fanIn)) for the bias. */
  resetParameters(): void {
    kaimingUniform(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const bound = 1 / Math.sqrt(calculateFans(this.weight)[0]);
      uniform(this.bias, -bound, bound);
    }
  }

  /** Checks (N, C, ...) or unbatched (C, ...) input; returns it batched and whether it was unbatched. */
  protected batched(x: Tensor, spatial: number, layout: string): [Tensor, boolean] {
    const name = `${this.constructor.name}(${this.inChannels}, ${this.outChannels}, kernelSize=${JSON.stringify(this.kernelSize)})`;
    tensorArg(name, x);
    const rank = spatial + 2;
    const c = x.ndim === rank ? x.shape[1] : x.ndim === rank - 1 ? x.shape[0] : -1;
    if (c !== this.inChannels) {
      throw new RangeError(
        `${name}: input must be ${layout.replace('C', String(this.inChannels))} (or unbatched), got shape ${fmt(x.shape)}`,
      );
    }
    return x.ndim === rank ? [x, false] : [unsqueeze(x, 0), true];
  }

  /**
   * The input and padding to convolve with. 'same' with an even effective kernel, which the
   * engine's conv refuses, pads explicitly: the extra row/column on the bottom/right, as PyTorch.
   */
  protected resolvePadding(x: Tensor): [Tensor, P | 'same' | 'valid'] {
    if (this.padding !== 'same') return [x, this.padding];
    const dilation = [this.dilation].flat();
    const totals = this.weight.shape.slice(2).map((k, i) => dilation[i % dilation.length] * (k - 1));
    if (totals.every((t) => t % 2 === 0)) return [x, 'same'];
    // pad() takes [left, right] pairs starting from the last dim
    const pads = [...totals].reverse().flatMap((t) => [Math.floor(t / 2), t - Math.floor(t / 2)]);
    return [pad(x, pads), 'valid'];
  }

  override getConfig(): ConfigValues {
    return {
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      bias: this.bias !== null,
    };
  }

  override extraRepr(): string {
    const j = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${j(this.kernelSize)}, stride=${j(this.stride)}`;
    if (this.padding !== 0) s += `, padding=${j(this.padding)}`;
    if (JSON.stringify(this.dilation) !== JSON.stringify(typeof this.dilation === 'number' ? 1 : [1, 1])) {
      s += `, dilation=${j(this.dilation)}`;
    }
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    return s;
  }
}

/**
 * 1-D convolution over sequences.
 *
 * Args: inChannels, outChannels, kernelSize, `{ stride = 1, padding = 0, dilation = 1, groups = 1, bias = true }`.
 * Shape: input (N, inChannels, L) or (inChannels, L) -> (N, outChannels, LOut) with
 * LOut = floor((L + 2 padding - dilation (kernelSize - 1) - 1) / stride) + 1.
 * weight (outChannels, inChannels / groups, kernelSize), bias (outChannels).
 *
 * @example
 * new Conv1d(16, 33, 3, { stride: 2 }).forward(randn([20, 16, 50])).shape; // [20, 33, 24]
 */
export class Conv1d extends ConvNd<number> {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvOptions<number> = {}) {
    super(inChannels, outChannels, kernelSize, options, [intArg('Conv1d', 'kernelSize', kernelSize)]);
  }

  forward(x: Tensor): Tensor {
    const [xb, unbatched] = this.batched(x, 1, '(N, C, L)');
    const [xp, padding] = this.resolvePadding(xb);
    const { stride, dilation, groups } = this;
    const y = conv1d(xp, this.weight, this.bias, { stride, padding, dilation, groups });
    return unbatched ? squeeze(y, 0) : y;
  }
}

/**
 * 2-D convolution over images (cross-correlation, as in PyTorch).
 *
 * Args: inChannels, outChannels, kernelSize (k or [kh, kw]), `{ stride = 1, padding = 0, dilation = 1, groups = 1, bias = true }`.
 * Shape: input (N, inChannels, H, W) or (inChannels, H, W) -> (N, outChannels, OH, OW) with
 * OH = floor((H + 2 padding - dilation (kh - 1) - 1) / stride) + 1 (likewise OW).
 * weight (outChannels, inChannels / groups, kh, kw), bias (outChannels).
 *
 * @example
 * new Conv2d(1, 32, 3, { padding: 1 }).forward(randn([8, 1, 28, 28])).shape; // [8, 32, 28, 28]
 */
export class Conv2d extends ConvNd<Pair> {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvOptions<Pair> = {}) {
    const k = pairArg('Conv2d', 'kernelSize', kernelSize, 1);
    super(inChannels, outChannels, kernelSize, options, typeof k === 'number' ? [k, k] : k);
  }

  forward(x: Tensor): Tensor {
    const [xb, unbatched] = this.batched(x, 2, '(N, C, H, W)');
    const [xp, padding] = this.resolvePadding(xb);
    const { stride, dilation, groups } = this;
    const y = conv2d(xp, this.weight, this.bias, { stride, padding, dilation, groups });
    return unbatched ? squeeze(y, 0) : y;
  }
}
