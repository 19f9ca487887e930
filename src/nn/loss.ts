// Loss layers (MSELoss, ...): each holds its options and calls its function in nn.functional
// (src/nn/functional/loss.ts), like torch.nn's loss modules.

import { readsOnHost, readValues } from '../core/exec.js';
import { describeValue, type NestedArray, Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';
import {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huberLoss,
  type KLDivOptions,
  klDiv,
  type LossOptions,
  l1Loss,
  mseLoss,
  nllLoss,
  type Reduction,
  smoothL1Loss,
} from './functional/loss.js';
import { type ConfigValues, Module } from './module.js';
import { choiceArg, numberArg } from './validate.js';

/**
 * The values a weight had when its loss was made, kept on the host: what getConfig (and printing)
 * gives once the loss was moved to a device that cannot be read synchronously (a GPU). Keyed by
 * the tensor, which `Module.to` moves in place.
 */
const madeWith = new WeakMap<Tensor, number[]>();

/** A 1-D weight as a JSON list (null for none): read through its device, or its values at construction on a GPU. */
function listOf(t: Tensor | null | undefined): number[] | null {
  if (t === null || t === undefined) return null;
  if (readsOnHost(t.storage.device)) return Array.from(readValues(t, 'getConfig'));
  const kept = madeWith.get(t);
  if (kept === undefined) {
    throw new Error(
      `getConfig: a loss weight made on '${t.storage.device.name}' cannot be read synchronously; make the loss on the CPU and move it with .to()`,
    );
  }
  return [...kept];
}

/** Class weights and the like: a float32 tensor, from a tensor or (nested) numbers. */
function weightArg(layer: string, name: string, value: unknown): Tensor | null {
  if (value === undefined || value === null) return null;
  const t = value instanceof Tensor ? value : Array.isArray(value) ? tensor(value as NestedArray) : null;
  if (t === null || t.dtype !== 'float32') {
    throw new TypeError(`${layer}: ${name} must be a float32 Tensor or an array of numbers, got ${t?.dtype ?? describeValue(value)}`);
  }
  if (Array.isArray(value)) madeWith.set(t, (value as unknown[]).flat(Number.POSITIVE_INFINITY) as number[]);
  else if (readsOnHost(t.storage.device)) madeWith.set(t, Array.from(readValues(t, layer)));
  return t;
}

/** What every loss module shares: a reduction, and forward(input, target). */
abstract class Loss<R extends string = Reduction> extends Module {
  readonly reduction: R;

  constructor(reduction: R | undefined, allowed: readonly R[] = ['mean', 'sum', 'none'] as unknown as R[]) {
    super();
    this.reduction = choiceArg(this.constructor.name, 'reduction', reduction ?? 'mean', allowed);
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;

  override getConfig(): ConfigValues {
    return { reduction: this.reduction };
  }

  override extraRepr(): string {
    return Object.entries(this.getConfig())
      .filter(([k, v]) => !(k === 'reduction' && v === 'mean') && v !== null)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? '[...]' : JSON.stringify(v)}`)
      .join(', ');
  }
}

/** Mean squared error; see mseLoss. @example new MSELoss().forward(pred, y) // pred, y (*) */
export class MSELoss extends Loss {
  constructor(options: LossOptions = {}) {
    super(options.reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this);
  }
}

/** Mean absolute error; see l1Loss. */
export class L1Loss extends Loss {
  constructor(options: LossOptions = {}) {
    super(options.reduction);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, this);
  }
}

/** Smooth L1 (quadratic below beta, linear above); see smoothL1Loss. Args: `{ beta = 1, reduction }`. */
export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(options: LossOptions & { beta?: number } = {}) {
    super(options.reduction);
    this.beta = numberArg('SmoothL1Loss', 'beta', options.beta ?? 1, 0);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, this);
  }

  override getConfig(): ConfigValues {
    return { reduction: this.reduction, beta: this.beta };
  }
}

/** Huber loss (quadratic below delta, delta-scaled linear above); see huberLoss. Args: `{ delta = 1, reduction }`. */
export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(options: LossOptions & { delta?: number } = {}) {
    super(options.reduction);
    this.delta = numberArg('HuberLoss', 'delta', options.delta ?? 1, Number.MIN_VALUE);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, this);
  }

  override getConfig(): ConfigValues {
    return { reduction: this.reduction, delta: this.delta };
  }
}

/** Binary cross-entropy on probabilities; see binaryCrossEntropy. Args: `{ weight, reduction }`. */
export class BCELoss extends Loss {
  readonly weight: Tensor | null;

  constructor(options: { weight?: Tensor | NestedArray | null; reduction?: Reduction } = {}) {
    super(options.reduction);
    this.weight = this.registerBuffer('weight', weightArg('BCELoss', 'weight', options.weight));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this);
  }

  override getConfig(): ConfigValues {
    return { reduction: this.reduction, weight: listOf(this.weight) };
  }
}

/**
 * Sigmoid + binary cross-entropy, stable; see binaryCrossEntropyWithLogits.
 * Args: `{ weight, posWeight, reduction }`.
 * @example new BCEWithLogitsLoss({ posWeight: [3] }).forward(logits, labels) // (N, 1) each
 */
export class BCEWithLogitsLoss extends Loss {
  readonly weight: Tensor | null;
  readonly posWeight: Tensor | null;

  constructor(options: { weight?: Tensor | NestedArray | null; posWeight?: Tensor | NestedArray | null; reduction?: Reduction } = {}) {
    super(options.reduction);
    this.weight = this.registerBuffer('weight', weightArg('BCEWithLogitsLoss', 'weight', options.weight));
    this.posWeight = this.registerBuffer('pos_weight', weightArg('BCEWithLogitsLoss', 'posWeight', options.posWeight));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, this);
  }

  override getConfig(): ConfigValues {
    return { reduction: this.reduction, weight: listOf(this.weight), posWeight: listOf(this.posWeight) };
  }
}

export interface CrossEntropyLossOptions {
  /** Per-class weights (C). */
  weight?: Tensor | number[] | null;
  /** A target class that adds no loss and does not count in the mean. Default -100. */
  ignoreIndex?: number;
  /** Mixes the targets with the uniform distribution over classes. Default 0. */
  labelSmoothing?: number;
  reduction?: Reduction;
}

/**
 * Cross-entropy on raw logits (log-softmax and NLL fused, by the engine's crossEntropy).
 * Args: `{ weight, ignoreIndex = -100, labelSmoothing = 0, reduction = 'mean' }`.
 * Shapes: logits (N, C) or (N, C, d...); target int32 (N) or (N, d...), or float32 probabilities like logits.
 * @example new CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(model.forward(x), labels)
 */
export class CrossEntropyLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(options: CrossEntropyLossOptions = {}) {
    super(options.reduction);
    this.weight = this.registerBuffer('weight', weightArg('CrossEntropyLoss', 'weight', options.weight));
    this.ignoreIndex = numberArg('CrossEntropyLoss', 'ignoreIndex', options.ignoreIndex ?? -100);
    this.labelSmoothing = numberArg('CrossEntropyLoss', 'labelSmoothing', options.labelSmoothing ?? 0, 0, 1);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    const { reduction, ignoreIndex, labelSmoothing } = this;
    return crossEntropy(input, target, { reduction, ignoreIndex, labelSmoothing, weight: this.weight ?? undefined });
  }

  override getConfig(): ConfigValues {
    const { reduction, ignoreIndex, labelSmoothing } = this;
    return { reduction, weight: listOf(this.weight), ignoreIndex, labelSmoothing };
  }
}

/** Negative log-likelihood on log-probabilities; see nllLoss. Args: `{ weight, ignoreIndex = -100, reduction }`. */
export class NLLLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;

  constructor(options: { weight?: Tensor | number[] | null; ignoreIndex?: number; reduction?: Reduction } = {}) {
    super(options.reduction);
    this.weight = this.registerBuffer('weight', weightArg('NLLLoss', 'weight', options.weight));
    this.ignoreIndex = numberArg('NLLLoss', 'ignoreIndex', options.ignoreIndex ?? -100);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this);
  }

  override getConfig(): ConfigValues {
    return { reduction: this.reduction, weight: listOf(this.weight), ignoreIndex: this.ignoreIndex };
  }
}

/**
 * KL divergence KL(target || input) for log-probabilities input; see klDiv.
 * Args: `{ reduction = 'mean', logTarget = false }`; use reduction 'batchmean' for the true KL.
 */
export class KLDivLoss extends Loss<Reduction | 'batchmean'> {
  readonly logTarget: boolean;

  constructor(options: KLDivOptions = {}) {
    super(options.reduction, ['mean', 'batchmean', 'sum', 'none']);
    this.logTarget = options.logTarget ?? false;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, this);
  }

  override getConfig(): ConfigValues {
    return { reduction: this.reduction, logTarget: this.logTarget };
  }
}
