// Labels as the splitters see them: class labels for stratification and group ids, given as
// numbers, strings, a tensor or a Table column, encoded once into integer codes. Two code orders
// exist because scikit-learn uses both: StratifiedKFold numbers classes by first appearance, while
// GroupKFold and StratifiedShuffleSplit number them in sorted order (np.unique).

import { Tensor } from '../../core/tensor.js';

/**
 * Per-row labels: class labels (`stratify`, `y`) or group ids (`groups`).
 * Numbers, strings, a 1-D tensor (or an (N, 1) one), or a typed array. Missing values (NaN, null)
 * are rejected.
 *
 * @example const y: Labels = ['cat', 'dog', 'cat'];
 */
export type Labels = ArrayLike<number> | readonly (string | number | null | undefined)[] | Tensor;

/** Labels encoded as integer codes 0..classes.length-1. */
export interface EncodedLabels {
  /** The code of every row. */
  readonly codes: Int32Array;
  /** The label of every code. */
  readonly classes: readonly (number | string)[];
  /** Rows per code. */
  readonly counts: Int32Array;
}

/**
 * The labels as a plain array of numbers or strings; `what` names the argument in errors.
 * @example labelValues('StratifiedKFold', 'y', tensor([0, 1, 1])) // [0, 1, 1]
 */
export function labelValues(op: string, what: string, labels: Labels): readonly (number | string)[] {
  let values: ArrayLike<unknown>;
  if (labels instanceof Tensor) {
    if (labels.ndim === 2 && labels.shape[1] === 1) values = labels.toTypedArray();
    else if (labels.ndim !== 1) {
      throw new RangeError(
        `${op}: ${what} must be 1-D (one label per row), got a tensor of shape [${labels.shape.join(', ')}]; for one-hot rows pass ${what}.argmax(1)`,
      );
    } else values = labels.toTypedArray();
  } else if (labels !== null && typeof labels === 'object' && typeof (labels as ArrayLike<unknown>).length === 'number') {
    values = labels as ArrayLike<unknown>;
  } else {
    throw new TypeError(`${op}: ${what} must be an array, a typed array or a 1-D tensor of labels, got ${typeof labels}`);
  }
  const out: (number | string)[] = new Array(values.length);
  let kind: 'number' | 'string' | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      throw new RangeError(`${op}: ${what} has a missing value at row ${i}; drop or fill those rows first`);
    }
    const k = typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : null;
    if (k === null) throw new TypeError(`${op}: ${what} holds ${typeof v} at row ${i}; expected numbers or strings`);
    if (kind !== null && k !== kind) throw new TypeError(`${op}: ${what} mixes numbers and strings (row ${i} is a ${k})`);
    kind = k;
    out[i] = v as number | string;
  }
  return out;
}

/**
 * Encodes labels as integer codes, numbering classes in `order`: 'sorted' (numbers ascending,
 * strings by code unit, as np.unique) or 'appearance' (the first label seen is 0).
 *
 * @example encodeLabels('split', 'y', ['b', 'a', 'b'], 'appearance').codes // Int32Array [0, 1, 0]
 */
export function encodeLabels(op: string, what: string, labels: Labels, order: 'sorted' | 'appearance'): EncodedLabels {
  const values = labelValues(op, what, labels);
  const seen = new Map<number | string, number>();
  for (const v of values) if (!seen.has(v)) seen.set(v, seen.size);
  let classes = [...seen.keys()];
  if (order === 'sorted') {
    classes = classes.sort((a, b) => (typeof a === 'number' ? a - (b as number) : a < b ? -1 : a > b ? 1 : 0));
    for (let i = 0; i < classes.length; i++) seen.set(classes[i], i);
  }
  const codes = new Int32Array(values.length);
  const counts = new Int32Array(classes.length);
  for (let i = 0; i < values.length; i++) {
    codes[i] = seen.get(values[i]) as number;
    counts[codes[i]]++;
  }
  return { codes, classes, counts };
}

/** A label for messages: strings quoted, numbers as they are. */
export function showLabel(label: number | string): string {
  return typeof label === 'string' ? `'${label}'` : String(label);
}

/** The number of labels (rows) without encoding them. */
export function labelCount(labels: Labels): number {
  return labels instanceof Tensor ? labels.shape[0] : labels.length;
}
