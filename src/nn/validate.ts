// Argument checks shared by the layers: each error names the layer, the argument and the value.

import { fromArray } from '../core/exec.js';
import { fmt } from '../core/shape.js';
import { describeValue, Tensor } from '../core/tensor.js';

/** A value as it appears in error messages: numbers as JavaScript prints them (NaN, Infinity), the rest as JSON. */
export function show(value: unknown): string {
  return typeof value === 'number' || value === undefined ? String(value) : (JSON.stringify(value) ?? String(value));
}

/** A positive (or, with min 0, non-negative) integer argument. */
export function intArg(layer: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${layer}: ${name} must be an integer >= ${min}, got ${show(value)}`);
  }
  return value;
}

/** An integer or an [h, w] pair of integers >= min. */
export function pairArg(layer: string, name: string, value: unknown, min: number): number | [number, number] {
  if (typeof value === 'number') return intArg(layer, name, value, min);
  if (Array.isArray(value) && value.length === 2) {
    intArg(layer, name, value[0], min);
    intArg(layer, name, value[1], min);
    return [value[0], value[1]];
  }
  throw new TypeError(`${layer}: ${name} must be an integer or a pair [h, w], got ${show(value)}`);
}

/** A finite number in [lo, hi]. */
export function numberArg(layer: string, name: string, value: unknown, lo = -Infinity, hi = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    const range = hi === Infinity ? (lo === -Infinity ? 'a finite number' : `a number >= ${lo}`) : `a number in [${lo}, ${hi}]`;
    throw new RangeError(`${layer}: ${name} must be ${range}, got ${show(value)}`);
  }
  return value;
}

/** A boolean argument. */
export function boolArg(layer: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${layer}: ${name} must be true or false, got ${describeValue(value)}`);
  return value;
}

/** One of a fixed set of strings. */
export function choiceArg<T extends string>(layer: string, name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw new RangeError(`${layer}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/** A tensor argument of a forward call. */
export function tensorArg(layer: string, x: unknown, arg = 'input'): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${layer}: ${arg} must be a Tensor, got ${describeValue(x)}`);
  return x;
}

/** The input tensor of a forward call, with its rank among `ranks`; `layout` describes them, e.g. '(N, C, H, W)'. */
export function inputArg(layer: string, x: unknown, ranks: readonly number[], layout: string, arg = 'input'): Tensor {
  const t = tensorArg(layer, x, arg);
  if (!ranks.includes(t.ndim)) throw new RangeError(`${layer}: ${arg} must be ${layout}, got shape ${fmt(t.shape)}`);
  return t;
}

/** A 1-D float32 tensor (of length n when given) from a tensor or an array of numbers, e.g. class weights. */
export function vectorArg(layer: string, name: string, value: unknown, n?: number): Tensor | null {
  if (value === undefined || value === null) return null;
  let t: Tensor;
  if (value instanceof Tensor) t = value;
  else if (Array.isArray(value) && value.every((v) => typeof v === 'number')) t = fromArray([value.length], value);
  else throw new TypeError(`${layer}: ${name} must be a Tensor or an array of numbers, got ${describeValue(value)}`);
  if (t.ndim !== 1 || (n !== undefined && t.shape[0] !== n)) {
    throw new RangeError(`${layer}: ${name} must be 1-D${n === undefined ? '' : ` of length ${n}`}, got shape ${fmt(t.shape)}`);
  }
  if (t.dtype !== 'float32') throw new TypeError(`${layer}: ${name} must be float32, got ${t.dtype}`);
  return t;
}
