// LabelEncoder: class labels (strings or numbers) to codes 0..K-1 and back, for targets, like
// scikit-learn's LabelEncoder. It works on arrays (a column, a plain array, a typed array), not on
// Tables of features, and so is not part of a Pipeline; keep it beside the model, e.g. in the saved
// model's metadata via `toJSON()`. Missing labels are an error: a target has to be known.

import { Tensor } from '../../core/tensor.js';
import type { Column } from '../table.js';
import { JsonReader, show } from './json.js';
import { compareStrings } from './stats.js';
import type { TransformJSON } from './transformer.js';

/** Labels LabelEncoder accepts: strings or numbers, as an array, a typed array or a Table column. */
export type LabelInput = readonly (string | number | null | undefined)[] | Float64Array | Float32Array | Int32Array | Column;

/**
 * Maps class labels to integer codes in sorted label order (numbers ascending, strings by code point).
 *
 * @example
 * const le = new LabelEncoder().fit(['cat', 'dog', 'cat', 'bird']);
 * le.classes;                      // ['bird', 'cat', 'dog']
 * le.transform(['dog', 'bird']);   // Int32Array [2, 0]
 * le.inverseTransform([1, 2]);     // ['cat', 'dog']
 */
export class LabelEncoder {
  readonly type = 'LabelEncoder';
  private labels: (string | number)[] | null = null;
  private lookup = new Map<string | number, number>();

  /** Whether `fit` has run (or state was loaded). */
  get isFitted(): boolean {
    return this.labels !== null;
  }

  /** The sorted distinct labels; code k stands for classes[k]. */
  get classes(): (string | number)[] {
    return [...this.fittedLabels('classes')];
  }

  /** The number of classes (the size of a classifier's output). */
  get numClasses(): number {
    return this.fittedLabels('numClasses').length;
  }

  /** Learns the distinct labels of `y`. */
  fit(y: LabelInput): this {
    const values = readLabels('fit', y);
    if (values.length === 0) throw new RangeError('LabelEncoder.fit: no labels (an empty array); there is nothing to learn from');
    const distinct = [...new Set(values)];
    if (typeof distinct[0] === 'string') (distinct as string[]).sort(compareStrings);
    else (distinct as number[]).sort((a, b) => a - b);
    this.setClasses(distinct);
    return this;
  }

  /** The code of each label in `y`; unseen labels are an error naming them. */
  transform(y: LabelInput): Int32Array {
    const labels = this.fittedLabels('transform');
    const values = readLabels('transform', y);
    const out = new Int32Array(values.length);
    values.forEach((v, i) => {
      const k = this.lookup.get(v);
      if (k === undefined) {
        const known = labels
          .slice(0, 20)
          .map((c) => JSON.stringify(c))
          .join(', ');
        throw new RangeError(
          `LabelEncoder.transform: label ${JSON.stringify(v)} at position ${i} was not seen by fit; known labels: ${known}`,
        );
      }
      out[i] = k;
    });
    return out;
  }

  /** `fit(y)` then `transform(y)`. */
  fitTransform(y: LabelInput): Int32Array {
    return this.fit(y).transform(y);
  }

  /** The label of each code (e.g. a classifier's `argmax(1)`, as numbers or a 1-D tensor). */
  inverseTransform(codes: ArrayLike<number> | Tensor): (string | number)[] {
    const labels = this.fittedLabels('inverseTransform');
    if (codes instanceof Tensor && codes.shape.length !== 1)
      throw new RangeError(`LabelEncoder.inverseTransform: expected a 1-D tensor of codes, got shape [${codes.shape.join(', ')}]`);
    const arr = codes instanceof Tensor ? codes.toTypedArray() : codes;
    return Array.from(arr, (c, i) => {
      const k = Number(c);
      if (!Number.isInteger(k) || k < 0 || k >= labels.length)
        throw new RangeError(`LabelEncoder.inverseTransform: code ${c} at position ${i} is not a class index (0..${labels.length - 1})`);
      return labels[k];
    });
  }

  /** The classes as JSON ({type, config, state}); `LabelEncoder.fromJSON` reads it back. */
  toJSON(): TransformJSON {
    return { type: this.type, config: {}, state: this.labels === null ? null : { classes: [...this.labels] } };
  }

  /**
   * A LabelEncoder from `toJSON()`'s output, strictly checked.
   * @example const le = LabelEncoder.fromJSON(metadata.labels);
   */
  static fromJSON(json: unknown): LabelEncoder {
    const r = new JsonReader('LabelEncoder', json);
    if (r.string('type') !== 'LabelEncoder') throw r.fail(`LabelEncoder.type must be 'LabelEncoder', got ${show(r.raw('type'))}`);
    r.object('config').done();
    const le = new LabelEncoder();
    const state = r.raw('state');
    r.done();
    if (state === null) return le;
    const s = new JsonReader('LabelEncoder.state', state);
    const classes = s.array('classes');
    s.done();
    const kind = typeof classes[0];
    const ok =
      classes.length > 0 &&
      (kind === 'string' || kind === 'number') &&
      classes.every((c) => typeof c === kind && (kind === 'string' || Number.isFinite(c)));
    if (!ok || new Set(classes).size !== classes.length)
      throw s.fail(`LabelEncoder.state.classes must be distinct strings or distinct finite numbers, got ${show(classes)}`);
    le.setClasses(classes as (string | number)[]);
    return le;
  }

  private setClasses(classes: (string | number)[]): void {
    this.labels = classes;
    this.lookup = new Map(classes.map((c, k) => [c, k]));
  }

  private fittedLabels(op: string): (string | number)[] {
    if (this.labels === null) throw new Error(`LabelEncoder: call fit before ${op}`);
    return this.labels;
  }
}

/** The labels of `y` as strings or numbers, refusing missing values and mixed kinds. */
function readLabels(op: string, y: LabelInput): (string | number)[] {
  if (y === null || typeof y !== 'object') throw new TypeError(`LabelEncoder.${op}: expected an array of labels, got ${show(y)}`);
  const arr: ArrayLike<unknown> = 'kind' in y && 'values' in y ? y.values : (y as ArrayLike<unknown>);
  if (typeof arr.length !== 'number') throw new TypeError(`LabelEncoder.${op}: expected an array of labels`);
  const out = new Array<string | number>(arr.length);
  let kind: string | undefined;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)))
      throw new RangeError(`LabelEncoder.${op}: the label at position ${i} is missing; drop the rows without a target first`);
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v)))
      throw new TypeError(`LabelEncoder.${op}: the label at position ${i} is ${show(v)}; labels must be strings or finite numbers`);
    kind ??= typeof v;
    if (typeof v !== kind) throw new TypeError(`LabelEncoder.${op}: labels mix strings and numbers (position ${i} is ${show(v)})`);
    out[i] = v;
  }
  return out;
}
