// Class labels to class indices, and the per-class counts every label metric is built from.
// Labels are arbitrary integers; the classes are the sorted distinct labels of yTrue and yPred
// (scikit-learn's unique_labels) or the caller's `labels`, in the caller's order. Encoding uses a
// lookup table over the label range (one pass, no hashing) when the range is small, a Map otherwise.

/** Labels encoded as indices into `classes` (-1 for a label not among them). */
export interface Encoded {
  /** The class labels, in index order. */
  classes: number[];
  codeTrue: Int32Array;
  codePred: Int32Array;
}

/** Largest label range encoded through a lookup table (beyond it, a Map). */
const TABLE_LIMIT = 1 << 22;

/**
 * The sorted distinct values of some label arrays.
 * @example uniqueLabels(Int32Array.of(2, 0, 2), Int32Array.of(1)) // [0, 1, 2]
 */
export function uniqueLabels(...arrays: Int32Array[]): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      if (a[i] < lo) lo = a[i];
      if (a[i] > hi) hi = a[i];
    }
  }
  if (lo > hi) return [];
  if (hi - lo < TABLE_LIMIT) {
    const seen = new Uint8Array(hi - lo + 1);
    for (const a of arrays) for (let i = 0; i < a.length; i++) seen[a[i] - lo] = 1;
    const out: number[] = [];
    for (let v = 0; v < seen.length; v++) if (seen[v]) out.push(v + lo);
    return out;
  }
  const set = new Set<number>();
  for (const a of arrays) for (let i = 0; i < a.length; i++) set.add(a[i]);
  return [...set].sort((a, b) => a - b);
}

/**
 * The caller's `labels` checked (integers, no repeats), or the sorted labels present in the data.
 * @example classList('f1', [2, 0], Int32Array.of(0, 1)) // [2, 0]
 */
export function classList(fn: string, labels: ArrayLike<number> | undefined, ...data: Int32Array[]): number[] {
  if (labels === undefined) return uniqueLabels(...data);
  const out = Array.from(labels);
  if (out.length === 0) throw new RangeError(`${fn}: labels must hold at least one label, got []`);
  const seen = new Set<number>();
  for (const v of out) {
    if (!Number.isInteger(v)) throw new TypeError(`${fn}: labels must be integers, got ${v}`);
    if (seen.has(v)) throw new RangeError(`${fn}: labels must not repeat, got ${v} twice in [${out.join(', ')}]`);
    seen.add(v);
  }
  return out;
}

/**
 * Each label's index in `classes`, or -1 when it is not one of them.
 * @example encode(Int32Array.of(5, 7, 9), [7, 5]) // Int32Array [1, 0, -1]
 */
export function encode(y: Int32Array, classes: readonly number[]): Int32Array {
  const out = new Int32Array(y.length);
  if (classes.length === 0) return out.fill(-1);
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of classes) {
    if (c < lo) lo = c;
    if (c > hi) hi = c;
  }
  if (hi - lo < TABLE_LIMIT) {
    const table = new Int32Array(hi - lo + 1).fill(-1);
    classes.forEach((c, i) => {
      table[c - lo] = i;
    });
    for (let i = 0; i < y.length; i++) {
      const v = y[i] - lo;
      out[i] = v >= 0 && v < table.length ? table[v] : -1;
    }
    return out;
  }
  const map = new Map(classes.map((c, i) => [c, i]));
  for (let i = 0; i < y.length; i++) out[i] = map.get(y[i]) ?? -1;
  return out;
}

/**
 * yTrue and yPred encoded against the same classes.
 * @example encodePair(Int32Array.of(3, 7), Int32Array.of(7, 7), [3, 7]).codePred // Int32Array [1, 1]
 */
export function encodePair(yTrue: Int32Array, yPred: Int32Array, classes: number[]): Encoded {
  return { classes, codeTrue: encode(yTrue, classes), codePred: encode(yPred, classes) };
}

/** Per-class sums (weighted when weights are given). */
export interface ClassCounts {
  /** Samples of the class predicted as it. */
  tp: Float64Array;
  /** Samples predicted as the class. */
  predSum: Float64Array;
  /** Samples of the class (its support). */
  trueSum: Float64Array;
}

/**
 * True positives, predictions and support per class index; codes of -1 are not counted.
 * @example classCounts(Int32Array.of(0, 1), Int32Array.of(0, 0), 2, null).tp // [1, 0]
 */
export function classCounts(codeTrue: Int32Array, codePred: Int32Array, k: number, weights: ArrayLike<number> | null): ClassCounts {
  const tp = new Float64Array(k);
  const predSum = new Float64Array(k);
  const trueSum = new Float64Array(k);
  for (let i = 0; i < codeTrue.length; i++) {
    const t = codeTrue[i];
    const p = codePred[i];
    const w = weights === null ? 1 : weights[i];
    if (t >= 0) {
      trueSum[t] += w;
      if (t === p) tp[t] += w;
    }
    if (p >= 0) predSum[p] += w;
  }
  return { tp, predSum, trueSum };
}

/**
 * The (K, K) confusion counts, row = true class, column = predicted class, flat row-major;
 * samples with either code -1 are left out.
 * @example confusionCounts(Int32Array.of(0, 1), Int32Array.of(1, 1), 2, null) // [0, 1, 0, 1]
 */
export function confusionCounts(codeTrue: Int32Array, codePred: Int32Array, k: number, weights: ArrayLike<number> | null): Float64Array {
  const cm = new Float64Array(k * k); // (K, K)
  for (let i = 0; i < codeTrue.length; i++) {
    const t = codeTrue[i];
    const p = codePred[i];
    if (t < 0 || p < 0) continue;
    cm[t * k + p] += weights === null ? 1 : weights[i];
  }
  return cm;
}

/**
 * The classes of a pair of label arrays (`labels` checked, or the sorted labels present), both
 * encoded, and their (weighted) (K, K) confusion counts: what every confusion-matrix metric starts from.
 * @example pairConfusion('f', undefined, Int32Array.of(0, 1), Int32Array.of(1, 1), null).cm // [0, 1, 0, 1]
 */
export function pairConfusion(
  fn: string,
  labels: ArrayLike<number> | undefined,
  yTrue: Int32Array,
  yPred: Int32Array,
  weights: ArrayLike<number> | null,
): Encoded & { k: number; cm: Float64Array } {
  const enc = encodePair(yTrue, yPred, classList(fn, labels, yTrue, yPred));
  const k = enc.classes.length;
  return { ...enc, k, cm: confusionCounts(enc.codeTrue, enc.codePred, k, weights) };
}

/**
 * The class of each of K probability columns: `labels` (checked: K integers, increasing, as
 * scikit-learn orders columns) or [0, 1, ..., K-1].
 * @example columnClasses('logLoss', undefined, 3) // [0, 1, 2]
 */
export function columnClasses(fn: string, labels: ArrayLike<number> | undefined, k: number, what = `yScore has ${k} columns`): number[] {
  if (labels === undefined) return Array.from({ length: k }, (_, j) => j);
  const out = classList(fn, labels);
  if (out.length !== k) throw new RangeError(`${fn}: labels has ${out.length} classes but ${what}; they must match`);
  for (let j = 1; j < k; j++) {
    if (out[j] <= out[j - 1])
      throw new RangeError(`${fn}: labels must be increasing (the columns follow the sorted classes), got [${out.join(', ')}]`);
  }
  return out;
}
