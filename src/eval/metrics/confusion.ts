// The confusion matrix over a whole dataset, as scikit-learn's confusion_matrix: row i counts the
// samples of class labels[i], column j those predicted as labels[j]; optionally normalised over the
// true classes (rows), the predicted classes (columns) or all samples.

import { pairConfusion } from './classes.js';
import { type LabelsLike, labelPair, type ScoresLike, toWeights } from './inputs.js';

/** Options of confusionMatrix. */
export interface ConfusionMatrixOptions {
  /** The classes (rows and columns) and their order; default: the sorted labels present. Samples of other labels are left out. */
  labels?: ArrayLike<number>;
  /** Per-sample weights (N): the counts become sums of weights. */
  sampleWeight?: ScoresLike;
  /** 'true': each row sums to 1; 'pred': each column; 'all': the whole matrix. Default: counts. An empty row or column stays 0. */
  normalize?: 'true' | 'pred' | 'all';
}

/**
 * The (K, K) confusion matrix as nested rows: [i][j] = samples of class i predicted as class j.
 * @example confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]) // [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
 * @example confusionMatrix(yTrue, yPred, { normalize: 'true' }) // rows are per-class recall
 */
export function confusionMatrix(yTrue: LabelsLike, yPred: LabelsLike, options: ConfusionMatrixOptions = {}): number[][] {
  const fn = 'confusionMatrix';
  const [t, p] = labelPair(fn, yTrue, yPred);
  const w = toWeights(fn, options.sampleWeight, t.length);
  const { normalize } = options;
  if (normalize !== undefined && normalize !== 'true' && normalize !== 'pred' && normalize !== 'all') {
    throw new RangeError(`${fn}: normalize must be 'true', 'pred' or 'all', got ${JSON.stringify(normalize)}`);
  }
  const { classes, k, codeTrue, cm } = pairConfusion(fn, options.labels, t, p, w); // cm (K, K)
  if (options.labels !== undefined && !codeTrue.some((c) => c >= 0)) {
    throw new RangeError(`${fn}: none of labels [${classes.join(', ')}] occurs in yTrue; at least one must`);
  }
  const rows: number[][] = [];
  for (let i = 0; i < k; i++) rows.push(Array.from(cm.subarray(i * k, (i + 1) * k)));
  if (normalize === undefined) return rows;
  const safe = (v: number, d: number) => (d === 0 ? 0 : v / d); // scikit-learn's nan_to_num of 0 / 0
  if (normalize === 'true')
    return rows.map((r) =>
      r.map((v, _, row) =>
        safe(
          v,
          row.reduce((s, x) => s + x, 0),
        ),
      ),
    );
  if (normalize === 'pred') {
    const col = rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0));
    return rows.map((r) => r.map((v, j) => safe(v, col[j])));
  }
  const total = cm.reduce((s, v) => s + v, 0);
  return rows.map((r) => r.map((v) => safe(v, total)));
}
