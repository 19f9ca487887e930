// Checks for the options of transforms: each returns the value (or its default) or throws an error
// naming the transform, the option, what it accepts and what it got.

import { show } from './json.js';

/**
 * `value` if boolean, `fallback` if undefined, else an error.
 * @example checkBool('StandardScaler', 'withMean', options.withMean, true)
 */
export function checkBool(type: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${type}: ${name} must be true or false, got ${show(value)}`);
  return value;
}

/**
 * A pair [a, b] of numbers with lo <= a < b <= hi.
 * @example checkRange('MinMaxScaler', 'featureRange', [0, 1], -Infinity, Infinity) // [0, 1]
 */
export function checkRange(type: string, name: string, value: unknown, lo: number, hi: number): [number, number] {
  const ok = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!ok || !(value[0] < value[1]) || value[0] < lo || value[1] > hi) {
    const bounds = Number.isFinite(lo) ? ` within [${lo}, ${hi}]` : '';
    throw new RangeError(`${type}: ${name} must be [low, high] with low < high${bounds}, got ${show(value)}`);
  }
  return [value[0], value[1]];
}

/**
 * `value` if it is one of `options`, `fallback` if undefined, else an error listing the options.
 * @example pick('OneHotEncoder', 'drop', options.drop, ['first', 'ifBinary', null], null)
 */
export function pick<T extends string | null>(type: string, name: string, value: unknown, options: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!options.includes(value as T))
    throw new RangeError(`${type}: ${name} must be one of ${options.map((o) => show(o)).join(', ')}, got ${show(value)}`);
  return value as T;
}
