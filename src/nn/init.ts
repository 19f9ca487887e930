// Parameter initialisers, like torch.nn.init: Kaiming (He), Xavier (Glorot), orthogonal, and the
// plain fills. Each writes into its tensor in place (outside autograd) from the seeded generator
// and returns it; use them in a layer's `resetParameters()` or via `model.apply(...)`.

import { noGrad } from '../core/autograd.js';
import { fromArray } from '../core/exec.js';
import { defaultGenerator, type Generator } from '../core/random.js';
import { fmt } from '../core/shape.js';
import { assertTensor, type Tensor } from '../core/tensor.js';

/** Activations that `calculateGain` knows. */
export type Nonlinearity = 'linear' | 'identity' | 'conv1d' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';
/** Which fan Kaiming scales by: fanIn preserves the forward variance, fanOut the backward one. */
export type FanMode = 'fanIn' | 'fanOut';

export interface InitOptions {
  /** Where the random numbers come from. Default: the global generator (see manualSeed). */
  generator?: Generator;
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (only with nonlinearity 'leakyRelu'). Default 0. */
  a?: number;
  /** Default 'fanIn'. */
  mode?: FanMode;
  /** Default 'leakyRelu' (with a = 0 that is ReLU's gain, sqrt(2)). */
  nonlinearity?: Nonlinearity;
}

export interface XavierOptions extends InitOptions {
  /** Scale factor, e.g. calculateGain('tanh'). Default 1. */
  gain?: number;
}

const GAINS: Record<Nonlinearity, (param: number | undefined) => number> = {
  linear: () => 1,
  identity: () => 1,
  conv1d: () => 1,
  conv2d: () => 1,
  sigmoid: () => 1,
  tanh: () => 5 / 3,
  relu: () => Math.SQRT2,
  leakyRelu: (a = 0.01) => Math.sqrt(2 / (1 + a * a)),
  selu: () => 3 / 4,
};

/**
 * The recommended gain for an activation (PyTorch's table); `param` is leakyRelu's slope (default 0.01).
 * @example calculateGain('relu') // 1.4142...
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  const gain = GAINS[nonlinearity];
  if (gain === undefined) {
    throw new RangeError(`calculateGain: unknown nonlinearity '${nonlinearity}' (expected one of ${Object.keys(GAINS).join(', ')})`);
  }
  if (param !== undefined && !Number.isFinite(param)) throw new RangeError(`calculateGain: param must be a finite number, got ${param}`);
  return gain(param);
}

function floatTensor(op: string, t: Tensor): Tensor {
  assertTensor(op, t, 'tensor');
  if (t.dtype !== 'float32') throw new TypeError(`${op}: expected a float32 tensor, got ${t.dtype}`);
  return t;
}

/** Fan-in and fan-out: (in features x receptive field, out features x receptive field) of a weight (out, in, ...). */
export function calculateFans(t: Tensor, op = 'calculateFans'): [fanIn: number, fanOut: number] {
  assertTensor(op, t, 'tensor');
  if (t.ndim < 2) throw new RangeError(`${op}: fan in and fan out need a tensor with at least 2 dims, got shape ${fmt(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/** Writes draw(generator) into every element of `t`, in place. */
function fill(op: string, t: Tensor, options: InitOptions, draw: (g: Generator) => number): Tensor {
  floatTensor(op, t);
  const g = options.generator ?? defaultGenerator;
  const data = new Float32Array(t.size);
  for (let i = 0; i < data.length; i++) data[i] = draw(g);
  noGrad(() => t.copy_(fromArray(t.shape, data, 'float32', op, t.storage.device)));
  return t;
}

/** Fills `t` with U(a, b), in place. @example uniform(w, -0.1, 0.1) */
export function uniform(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  if (!(a <= b)) throw new RangeError(`uniform: need a <= b, got a=${a}, b=${b}`);
  return fill('uniform', t, options, (g) => a + (b - a) * g.uniform());
}

/** Fills `t` with N(mean, std^2), in place. @example normal(embedding.weight, 0, 1) */
export function normal(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  if (!(std >= 0)) throw new RangeError(`normal: std must be >= 0, got ${std}`);
  return fill('normal', t, options, (g) => mean + std * g.normal());
}

/** Fills `t` with `value`, in place. */
export function constant(t: Tensor, value: number): Tensor {
  floatTensor('constant', t);
  noGrad(() => t.fill_(value));
  return t;
}

/** Fills `t` with 0, in place. */
export const zeros = (t: Tensor): Tensor => constant(t, 0);
/** Fills `t` with 1, in place. */
export const ones = (t: Tensor): Tensor => constant(t, 1);

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' } = options;
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new RangeError(`${op}: mode must be 'fanIn' or 'fanOut', got ${String(mode)}`);
  const [fanIn, fanOut] = calculateFans(t, op);
  const fan = mode === 'fanIn' ? fanIn : fanOut;
  if (fan === 0) throw new RangeError(`${op}: cannot initialise a tensor with zero elements (shape ${fmt(t.shape)})`);
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/**
 * He initialisation: U(-bound, bound) with bound = gain * sqrt(3 / fan), in place.
 * Shape: t (out, in, ...kernel).
 * @example kaimingUniform(conv.weight, { nonlinearity: 'relu' })
 */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', t, options);
  return uniform(t, -bound, bound, options);
}

/** He initialisation: N(0, std^2) with std = gain / sqrt(fan), in place. */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd('kaimingNormal', t, options), options);
}

function xavierStd(op: string, t: Tensor, gain = 1): number {
  const [fanIn, fanOut] = calculateFans(t, op);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** Glorot initialisation: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)), in place. */
export function xavierUniform(t: Tensor, options: XavierOptions = {}): Tensor {
  const a = Math.sqrt(3) * xavierStd('xavierUniform', t, options.gain);
  return uniform(t, -a, a, options);
}

/** Glorot initialisation: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)), in place. */
export function xavierNormal(t: Tensor, options: XavierOptions = {}): Tensor {
  return normal(t, 0, xavierStd('xavierNormal', t, options.gain), options);
}

/**
 * A (semi-)orthogonal matrix, times `gain`, in place: `t` viewed as (rows, rest) gets orthonormal
 * rows or columns (whichever are fewer), from the QR decomposition of a Gaussian matrix with R's
 * diagonal made positive, as torch.nn.init.orthogonal_.
 * @example orthogonal(rnn.weight, { gain: calculateGain('tanh') })
 */
export function orthogonal(t: Tensor, options: XavierOptions = {}): Tensor {
  floatTensor('orthogonal', t);
  if (t.ndim < 2) throw new RangeError(`orthogonal: needs a tensor with at least 2 dims, got shape ${fmt(t.shape)}`);
  const rows = t.shape[0];
  const cols = t.size / rows;
  const g = options.generator ?? defaultGenerator;
  // A (m, n) with m >= n, column-major: columns are contiguous for Gram-Schmidt
  const [m, n] = rows >= cols ? [rows, cols] : [cols, rows];
  const a = new Float64Array(m * n);
  for (let i = 0; i < rows * cols; i++) {
    const [r, c] = [Math.floor(i / cols), i % cols];
    a[rows >= cols ? c * m + r : r * m + c] = g.normal();
  }
  // modified Gram-Schmidt, twice for stability; R's diagonal (the norms) is positive
  for (let j = 0; j < n; j++) {
    const qj = a.subarray(j * m, (j + 1) * m);
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const qk = a.subarray(k * m, (k + 1) * m);
        let dot = 0;
        for (let i = 0; i < m; i++) dot += qk[i] * qj[i];
        for (let i = 0; i < m; i++) qj[i] -= dot * qk[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += qj[i] * qj[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) qj[i] /= norm;
  }
  const gain = options.gain ?? 1;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) {
    const [r, c] = [Math.floor(i / cols), i % cols];
    out[i] = gain * a[rows >= cols ? c * m + r : r * m + c];
  }
  noGrad(() => t.copy_(fromArray(t.shape, out, 'float32', 'orthogonal', t.storage.device)));
  return t;
}
