// Column statistics as NumPy computes them, so fitted transforms match scikit-learn: missing values
// (NaN) are skipped, quantiles use NumPy's default 'linear' method (Hyndman & Fan type 7) with its
// interpolation formula, and the median of an even count is the mean of the two middle values.

import { RowError } from '../table.js';

/**
 * The present (non-NaN) values of a number column, in row order. Throws naming the column when a
 * value is infinite (scikit-learn refuses those too) or when every value is missing.
 *
 * @example presentValues('StandardScaler', 'age', new Float64Array([1, NaN, 3])) // Float64Array [1, 3]
 */
export function presentValues(type: string, name: string, values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isNaN(x)) continue;
    if (!Number.isFinite(x))
      throw new RowError((at) => `${type}.fit: column '${name}' holds ${x} at ${at}; replace infinite values (e.g. by NaN) first`, i);
    out[n++] = x;
  }
  if (n === 0)
    throw new RangeError(`${type}.fit: column '${name}' has no values (all ${values.length} are missing); drop it or impute it first`);
  return out.subarray(0, n);
}

/** The mean of `x` (non-empty). @example mean(new Float64Array([1, 2])) // 1.5 */
export function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/**
 * The population variance (ddof 0) of `x` around `m`, with the correction term scikit-learn's
 * two-pass algorithm applies: (sum((x-m)^2) - sum(x-m)^2 / n) / n.
 * @example variance(new Float64Array([1, 3]), 2) // 1
 */
export function variance(x: Float64Array, m: number): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    c += d;
    s += d * d;
  }
  return (s - (c * c) / x.length) / x.length;
}

/**
 * A sorted copy of `x`.
 * @example sorted(new Float64Array([3, 1])) // Float64Array [1, 3]
 */
export function sorted(x: Float64Array): Float64Array {
  return Float64Array.from(x).sort();
}

/**
 * The `p`-th percentile (0..100) of sorted values `s`, as `numpy.percentile(x, p)` computes it.
 * @example percentile(new Float64Array([1, 2, 3, 4]), 25) // 1.75
 */
export function percentile(s: Float64Array, p: number): number {
  const n = s.length;
  const q = p / 100;
  const v = (n - 1) * q;
  if (v >= n - 1) return s[n - 1];
  if (v < 0) return s[0];
  const lo = Math.floor(v);
  const a = s[lo];
  const b = s[lo + 1];
  const t = v - lo;
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t; // numpy's _lerp
}

/** The median of sorted values `s`. @example median(new Float64Array([1, 2, 3, 10])) // 2.5 */
export function median(s: Float64Array): number {
  const n = s.length;
  const h = n >> 1;
  return n % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * The most frequent value of `values` (missing ones excluded by the caller); ties go to the smallest
 * value (`compare`), as in scikit-learn's SimpleImputer.
 * @example mostFrequent([3, 1, 3, 1], (a, b) => a - b) // 1
 */
export function mostFrequent<T>(values: Iterable<T>, compare: (a: T, b: T) => number): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && best !== undefined && compare(v, best) < 0)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** Compares strings by Unicode code point, as Python sorts them. @example ['b', 'a'].sort(compareStrings) */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
