// The sums behind the regression metrics: per output, the weighted sum over samples of one
// per-sample term. One loop per term and per weighting (rather than one loop calling a term
// function, or testing for weights per sample) keeps each loop monomorphic and branch-free, so V8
// compiles it to about 1 ns per value: the plain loops are the fast path here.

import type { Targets } from './regression.js';

/** The per-sample terms, with c the output's centre: |p - t|, |p - t| / max(|t|, eps), (t - p - c)^2, t - p, t, (t - c)^2. */
export type Term = 'abs' | 'ape' | 'square' | 'diff' | 'value' | 'aroundSquare';

/** The weighted sum of a term over output j of (N, M) row-major values. */
type Kernel = (
  t: ArrayLike<number>,
  p: ArrayLike<number>,
  n: number,
  m: number,
  j: number,
  w: ArrayLike<number> | null,
  c: number,
) => number;

const EPS64 = 2 ** -52; // numpy.finfo(float64).eps, scikit-learn's MAPE floor

const KERNELS: Record<Term, Kernel> = {
  abs(t, p, n, m, j, w) {
    let s = 0;
    if (w === null) for (let k = 0, i = j; k < n; k++, i += m) s += Math.abs(p[i] - t[i]);
    else for (let k = 0, i = j; k < n; k++, i += m) s += Math.abs(p[i] - t[i]) * w[k];
    return s;
  },
  ape(t, p, n, m, j, w) {
    let s = 0;
    if (w === null) for (let k = 0, i = j; k < n; k++, i += m) s += Math.abs(p[i] - t[i]) / Math.max(Math.abs(t[i]), EPS64);
    else for (let k = 0, i = j; k < n; k++, i += m) s += (Math.abs(p[i] - t[i]) / Math.max(Math.abs(t[i]), EPS64)) * w[k];
    return s;
  },
  square(t, p, n, m, j, w, c) {
    let s = 0;
    if (w === null) {
      for (let k = 0, i = j; k < n; k++, i += m) {
        const e = t[i] - p[i] - c;
        s += e * e;
      }
    } else {
      for (let k = 0, i = j; k < n; k++, i += m) {
        const e = t[i] - p[i] - c;
        s += e * e * w[k];
      }
    }
    return s;
  },
  diff(t, p, n, m, j, w) {
    let s = 0;
    if (w === null) for (let k = 0, i = j; k < n; k++, i += m) s += t[i] - p[i];
    else for (let k = 0, i = j; k < n; k++, i += m) s += (t[i] - p[i]) * w[k];
    return s;
  },
  value(t, _p, n, m, j, w) {
    let s = 0;
    if (w === null) for (let k = 0, i = j; k < n; k++, i += m) s += t[i];
    else for (let k = 0, i = j; k < n; k++, i += m) s += t[i] * w[k];
    return s;
  },
  aroundSquare(t, _p, n, m, j, w, c) {
    let s = 0;
    if (w === null) {
      for (let k = 0, i = j; k < n; k++, i += m) {
        const e = t[i] - c;
        s += e * e;
      }
    } else {
      for (let k = 0, i = j; k < n; k++, i += m) {
        const e = t[i] - c;
        s += e * e * w[k];
      }
    }
    return s;
  },
};

/**
 * Per output j, the weighted sum over samples of `term` (c = centre[j], 0 without a centre).
 * @example sums(targets, 'square') // Float64Array of M sums of squared errors
 */
export function sums(d: Targets, term: Term, centre?: Float64Array): Float64Array {
  const kernel = KERNELS[term];
  const out = new Float64Array(d.m);
  for (let j = 0; j < d.m; j++) out[j] = kernel(d.t, d.p, d.n, d.m, j, d.w, centre === undefined ? 0 : centre[j]);
  return out;
}
