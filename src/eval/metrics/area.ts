// The trapezoidal area under a curve, and the binary ROC AUC built on it (plain and partial, with
// McClish's correction), as scikit-learn 1.2's auc and _binary_roc_auc_score. Shared by rocAuc,
// multiclass ROC AUC and prAuc.

import { dropZeroWeights, rocFromCurve, sweep } from './curves.js';

/**
 * The area under a curve through the points (x[i], y[i]) by the trapezoidal rule; x must be
 * monotonic (increasing or decreasing: the area is positive either way).
 * @example auc([0, 0.5, 1], [0, 0.8, 1]) // 0.65
 */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`auc: x has ${x.length} points but y has ${y.length}; they must match`);
  if (x.length < 2) throw new RangeError(`auc: at least 2 points are needed to compute an area, got ${x.length}`);
  let up = false;
  let down = false;
  for (let i = 1; i < x.length; i++) {
    if (x[i] > x[i - 1]) up = true;
    else if (x[i] < x[i - 1]) down = true;
  }
  if (up && down) throw new RangeError('auc: x is neither increasing nor decreasing');
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return down ? -area : area;
}

/**
 * The binary ROC AUC of positives `pos` (1) scored `scores`; the shared core of every ROC AUC.
 * Throws unless both classes occur.
 * @example binaryRocAuc('rocAuc', Uint8Array.of(0, 0, 1, 1), [0.1, 0.4, 0.35, 0.8], null) // 0.75
 */
export function binaryRocAuc(
  fn: string,
  pos: Uint8Array,
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | null,
  maxFpr?: number,
): number {
  let count = 0;
  for (let i = 0; i < pos.length; i++) count += pos[i];
  if (count === 0 || count === pos.length) {
    throw new RangeError(
      `${fn}: only one class is present in yTrue (${count === 0 ? 'no positives' : 'no negatives'}); ROC AUC is not defined then`,
    );
  }
  const curve = weights === null ? sweep(pos, scores, null) : sweep(...dropZeroWeights(pos, scores, weights));
  const { fpr, tpr } = rocFromCurve(fn, curve, true);
  if (maxFpr === undefined || maxFpr === 1) return auc(fpr, tpr);
  if (!(maxFpr > 0 && maxFpr <= 1)) throw new RangeError(`${fn}: maxFpr must be in (0, 1], got ${maxFpr}`);
  // cut the curve at fpr = maxFpr, adding a point there by linear interpolation
  let stop = 0;
  while (stop < fpr.length && fpr[stop] <= maxFpr) stop++;
  const slope = (tpr[stop] - tpr[stop - 1]) / (fpr[stop] - fpr[stop - 1]);
  const x = [...fpr.subarray(0, stop), maxFpr];
  const y = [...tpr.subarray(0, stop), slope * (maxFpr - fpr[stop - 1]) + tpr[stop - 1]];
  const partial = auc(x, y);
  const minArea = 0.5 * maxFpr ** 2;
  return 0.5 * (1 + (partial - minArea) / (maxFpr - minArea));
}
