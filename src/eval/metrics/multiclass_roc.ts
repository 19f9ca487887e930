// Multiclass ROC AUC from (N, K) class probabilities, as scikit-learn 1.2's roc_auc_score:
// one-vs-rest (each class against all others, averaged macro, weighted by support, micro over the
// flattened one-hot matrix, or per class) and one-vs-one (Hand & Till 2001: every pair of classes
// present, both directions averaged, then macro or weighted by the pair's prevalence).

import { binaryRocAuc } from './area.js';
import { columnClasses, encode } from './classes.js';
import { assertFinite, type Matrix, type ScoresLike, toWeights } from './inputs.js';

/** The multiclass options of rocAuc (yScore (N, K)). */
export interface MulticlassRocOptions {
  /** 'ovr' (default) one-vs-rest or 'ovo' one-vs-one. scikit-learn has no default (it asks). */
  multiClass?: 'ovr' | 'ovo';
  /** 'macro' (default), 'weighted', 'micro' (ovr only) or null (ovr only: one value per class). */
  average?: 'macro' | 'weighted' | 'micro' | null;
  /** The class label of each column of yScore, increasing; default [0, 1, ..., K-1]. */
  labels?: ArrayLike<number>;
  /** K, when yScore is a flat array of N * K values. */
  numClasses?: number;
  /** Per-sample weights (N); not allowed with 'ovo', as in scikit-learn. */
  sampleWeight?: ScoresLike;
}

/** Throws unless each row sums to 1 within numpy.allclose's tolerance (rtol 1e-5, atol 1e-8). */
function assertRowsSumToOne(fn: string, m: Matrix): void {
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += m.values[i * m.cols + j];
    if (!(Math.abs(1 - s) <= 1e-8 + 1e-5 * Math.abs(s))) {
      throw new RangeError(`${fn}: yScore rows must be probabilities summing to 1 for multiclass ROC AUC, but row ${i} sums to ${s}`);
    }
  }
}

/** Column j of a row-major matrix. */
function column(m: Matrix, j: number, rows?: ArrayLike<number>): Float64Array {
  if (rows === undefined) return Float64Array.from({ length: m.rows }, (_, i) => m.values[i * m.cols + j]);
  return Float64Array.from(rows, (i) => m.values[i * m.cols + j]);
}

/**
 * The multiclass ROC AUC of labels (N) against probabilities m (N, K); see rocAuc for the options.
 * @example multiclassRocAuc('rocAuc', Int32Array.of(0, 1, 2), matrix, { multiClass: 'ovr' })
 */
export function multiclassRocAuc(fn: string, yTrue: Int32Array, m: Matrix, o: MulticlassRocOptions): number | number[] {
  assertFinite(fn, 'yScore', m.values);
  assertRowsSumToOne(fn, m);
  const k = m.cols;
  const classes = columnClasses(fn, o.labels, k);
  const codes = encode(yTrue, classes);
  const bad = codes.indexOf(-1);
  if (bad >= 0) {
    throw new RangeError(
      `${fn}: yTrue[${bad}] is ${yTrue[bad]}, not one of the classes [${classes.join(', ')}] of yScore's columns; pass labels`,
    );
  }
  const mode = o.multiClass ?? 'ovr';
  const average = o.average === undefined ? 'macro' : o.average;
  if (mode !== 'ovr' && mode !== 'ovo') throw new RangeError(`${fn}: multiClass must be 'ovr' or 'ovo', got ${JSON.stringify(mode)}`);
  const allowed = mode === 'ovr' ? ['macro', 'weighted', 'micro', null] : ['macro', 'weighted'];
  if (!allowed.includes(average)) {
    throw new RangeError(
      `${fn}: average must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')} with multiClass '${mode}', got ${JSON.stringify(average)}`,
    );
  }
  if (mode === 'ovo') {
    if (o.sampleWeight !== undefined)
      throw new RangeError(`${fn}: sampleWeight is not supported with multiClass 'ovo' (as in scikit-learn); leave it out or use 'ovr'`);
    return oneVsOne(fn, codes, m, average === 'weighted');
  }
  const w = toWeights(fn, o.sampleWeight, yTrue.length);
  if (average === 'micro') {
    const pos = new Uint8Array(m.rows * k); // (N, K) one-hot, flattened as the scores
    for (let i = 0; i < m.rows; i++) pos[i * k + codes[i]] = 1;
    const wk = w === null ? null : Float64Array.from({ length: m.rows * k }, (_, i) => w[Math.floor(i / k)]);
    return binaryRocAuc(fn, pos, m.values, wk);
  }
  const scores: number[] = [];
  const support = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const pos = new Uint8Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      if (codes[i] !== c) continue;
      pos[i] = 1;
      support[c] += w === null ? 1 : w[i];
    }
    if (support[c] === 0 && w === null) {
      throw new RangeError(`${fn}: class ${classes[c]} (column ${c}) never occurs in yTrue, so its one-vs-rest ROC AUC is undefined`);
    }
    scores.push(binaryRocAuc(`${fn} (class ${classes[c]} vs rest)`, pos, column(m, c), w));
  }
  if (average === null) return scores;
  if (average === 'macro') return scores.reduce((s, v) => s + v, 0) / k;
  const total = support.reduce((s, v) => s + v, 0);
  if (Math.abs(total) <= 1e-8) return 0;
  return scores.reduce((s, v, c) => s + (support[c] === 0 ? 0 : v) * support[c], 0) / total;
}

/** Hand & Till's one-vs-one AUC over the pairs of classes present in yTrue. */
function oneVsOne(fn: string, codes: Int32Array, m: Matrix, weighted: boolean): number {
  const n = codes.length;
  const counts = new Float64Array(m.cols);
  for (let i = 0; i < n; i++) counts[codes[i]]++;
  const present = Array.from(counts.keys()).filter((c) => counts[c] > 0);
  let sum = 0;
  let weightSum = 0;
  let pairs = 0;
  for (let x = 0; x < present.length; x++) {
    for (let y = x + 1; y < present.length; y++) {
      const a = present[x];
      const b = present[y];
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (codes[i] === a || codes[i] === b) rows.push(i);
      const isA = Uint8Array.from(rows, (i) => (codes[i] === a ? 1 : 0));
      const isB = Uint8Array.from(isA, (v) => 1 - v);
      const aScore = binaryRocAuc(fn, isA, column(m, a, rows), null);
      const bScore = binaryRocAuc(fn, isB, column(m, b, rows), null);
      const pairScore = (aScore + bScore) / 2;
      const prevalence = weighted ? rows.length / n : 1;
      sum += pairScore * prevalence;
      weightSum += prevalence;
      pairs++;
    }
  }
  if (pairs === 0) throw new RangeError(`${fn}: yTrue holds a single class; one-vs-one ROC AUC needs at least two`);
  return sum / weightSum;
}
