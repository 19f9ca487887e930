// OneHotEncoder: each category of a number or string column becomes a 0/1 number column named
// `column=category`, like scikit-learn's OneHotEncoder (dense output). Categories are sorted (or
// given); the missing value is a category of its own, named `column=null`, unless handleMissing is
// 'error' (a missing value that fit never saw is an unknown category at transform time). Rare
// categories can be grouped into one `column=<infrequent>` column (minFrequency, maxCategories),
// one category per column can be dropped, and unseen categories at transform time raise an error
// naming them, encode as all zeros ('ignore'), or go to the infrequent column.

import { type Column, type ColumnKind, RowError } from '../table.js';
import {
  type CategoriesOption,
  type Category,
  categoriesOptionJSON,
  categoryAt,
  categoryLabel,
  checkCategoriesOption,
  checkCategoryColumns,
  fitCategories,
  indexCategories,
  listCategories,
  quoteCategory,
  readCategories,
  readCategoriesOption,
} from './categories.js';
import { type JsonObject, type JsonReader, show } from './json.js';
import { pick } from './options.js';
import { type ColumnOptions, ColumnwiseTransform } from './transformer.js';

/** The name of the column that holds the infrequent categories, after `column=`. */
export const INFREQUENT_LABEL = '<infrequent>';

const UNKNOWN = ['error', 'ignore', 'infrequent'] as const;
const DROP = ['first', 'ifBinary', null] as const;
const MISSING = ['category', 'error'] as const;

/** OneHotEncoder options. */
export interface OneHotEncoderOptions extends ColumnOptions {
  /** 'auto' (sorted categories found by fit) or the categories per column (others 'auto'). Default 'auto'. */
  categories?: CategoriesOption;
  /** Unseen category at transform: throw, all zeros, or the infrequent column (zeros if none). Default 'error'. */
  handleUnknown?: (typeof UNKNOWN)[number];
  /** Drop the first output column of each feature, or only of two-category features. Default null. */
  drop?: (typeof DROP)[number];
  /** Categories rarer than this count (integer >= 1) or fraction of rows (in (0, 1)) are infrequent. */
  minFrequency?: number | null;
  /** At most this many output columns per feature (>= 2), the rarest categories grouped as infrequent. */
  maxCategories?: number | null;
  /** A missing value is its own category (scikit-learn), or an error. Default 'category'. */
  handleMissing?: (typeof MISSING)[number];
}

/**
 * One-hot encodes categorical columns into 0/1 number columns `column=category`, in place of each.
 *
 * @example
 * const enc = new OneHotEncoder({ handleUnknown: 'ignore' }).fit(Table.fromColumns({ city: ['Oslo', 'Rome', 'Oslo'] }));
 * enc.getFeatureNamesOut(); // ['city=Oslo', 'city=Rome']
 * enc.transform(Table.fromColumns({ city: ['Rome', 'Paris'] })).numbers('city=Rome'); // [1, 0]
 */
export class OneHotEncoder extends ColumnwiseTransform {
  readonly type = 'OneHotEncoder';
  readonly categoriesOption: CategoriesOption;
  readonly handleUnknown: (typeof UNKNOWN)[number];
  readonly drop: (typeof DROP)[number];
  readonly minFrequency: number | null;
  readonly maxCategories: number | null;
  readonly handleMissing: (typeof MISSING)[number];
  /** Per fitted column: its categories, the indices of the infrequent ones, and the dropped output slot. */
  categories: Category[][] = [];
  infrequent: number[][] = [];
  dropSlot: (number | null)[] = [];
  private slotOf: Int32Array[] = []; // category index -> output slot
  private frequentCount: number[] = [];
  private lookup: Map<Category, number>[] = [];

  constructor(options: OneHotEncoderOptions = {}) {
    super('OneHotEncoder', options);
    this.categoriesOption = checkCategoriesOption(this.type, options.categories);
    this.handleUnknown = pick(this.type, 'handleUnknown', options.handleUnknown, UNKNOWN, 'error');
    this.drop = pick(this.type, 'drop', options.drop, DROP, null);
    this.handleMissing = pick(this.type, 'handleMissing', options.handleMissing, MISSING, 'category');
    const mf = options.minFrequency ?? null;
    if (mf !== null && !(typeof mf === 'number' && ((Number.isInteger(mf) && mf >= 1) || (mf > 0 && mf < 1))))
      throw new RangeError(`OneHotEncoder: minFrequency must be a count (integer >= 1) or a fraction in (0, 1), got ${show(mf)}`);
    const mc = options.maxCategories ?? null;
    if (mc !== null && !(Number.isInteger(mc) && mc >= 2))
      throw new RangeError(`OneHotEncoder: maxCategories must be an integer >= 2 (one output is the infrequent group), got ${show(mc)}`);
    this.minFrequency = mf;
    this.maxCategories = mc;
  }

  /** The infrequent categories of each fitted column ([] where none). */
  get infrequentCategories(): Category[][] {
    return this.infrequent.map((idx, j) => idx.map((k) => this.categories[j][k]));
  }

  protected accepts(kind: ColumnKind): boolean {
    return kind === 'number' || kind === 'string';
  }
  protected kindHint(): string {
    return 'OneHotEncoder encodes number and string columns; derive numbers from timestamps first';
  }
  protected resetState(count: number): void {
    this.categories = new Array(count).fill([]);
    this.infrequent = new Array(count).fill([]);
    this.dropSlot = new Array(count).fill(null);
  }

  protected override beforeFit(columns: string[]): void {
    checkCategoryColumns(this.type, this.categoriesOption, columns);
  }

  protected fitColumn(j: number, name: string, col: Column): void {
    if (this.handleMissing === 'error') this.refuseMissing(name, col, 'fit');
    const { categories, counts } = fitCategories(this.type, this.categoriesOption, name, col, this.handleUnknown === 'error');
    this.categories[j] = categories;
    this.infrequent[j] = this.findInfrequent(counts, col.values.length);
    this.derive(j);
    const slots = this.frequentCount[j] + (this.infrequent[j].length > 0 ? 1 : 0);
    this.dropSlot[j] = this.drop === 'first' || (this.drop === 'ifBinary' && slots === 2) ? 0 : null;
  }

  /** scikit-learn's _identify_infrequent: rarer than minFrequency, then the rarest beyond maxCategories - 1. */
  private findInfrequent(counts: number[], rows: number): number[] {
    const mf = this.minFrequency;
    const threshold = mf === null ? 0 : mf >= 1 ? mf : rows * mf;
    const mask = counts.map((c) => c < threshold);
    const current = counts.length - mask.filter(Boolean).length + 1;
    const mc = this.maxCategories;
    if (mc !== null && mc < current) {
      const order = counts.map((_, k) => k).sort((a, b) => counts[a] - counts[b] || a - b); // stable, as mergesort
      for (const k of order.slice(0, counts.length - mc + 1)) mask[k] = true;
    }
    return mask.flatMap((m, k) => (m ? [k] : []));
  }

  /** The lookups derived from categories[j] and infrequent[j]. */
  private derive(j: number): void {
    const inf = new Set(this.infrequent[j]);
    let s = 0;
    const slotOf = Int32Array.from(this.categories[j], (_, k) => (inf.has(k) ? -1 : s++));
    for (const k of inf) slotOf[k] = s;
    this.slotOf[j] = slotOf;
    this.frequentCount[j] = s;
    this.lookup[j] = indexCategories(this.categories[j]);
  }

  /** Output slot labels of column j before dropping: frequent categories, then the infrequent group. */
  private slotLabels(j: number): string[] {
    const labels = this.categories[j].filter((_, k) => this.slotOf[j][k] < this.frequentCount[j]).map(categoryLabel);
    return this.infrequent[j].length > 0 ? [...labels, INFREQUENT_LABEL] : labels;
  }

  protected override outputNames(j: number): string[] {
    const name = this.state('getFeatureNamesOut').columns[j];
    return this.slotLabels(j)
      .filter((_, s) => s !== this.dropSlot[j])
      .map((label) => `${name}=${label}`);
  }

  protected encode(j: number, name: string, col: Column): [string, Column][] {
    const names = this.outputNames(j);
    const n = col.values.length;
    const outs = names.map(() => new Float64Array(n));
    const drop = this.dropSlot[j] ?? -1;
    const hasInfrequent = this.infrequent[j].length > 0;
    if (this.handleMissing === 'error') this.refuseMissing(name, col, 'transform');
    for (let i = 0; i < n; i++) {
      const k = this.lookup[j].get(categoryAt(col, i));
      let slot: number;
      if (k !== undefined) slot = this.slotOf[j][k];
      else if (this.handleUnknown === 'infrequent' && hasInfrequent) slot = this.frequentCount[j];
      else if (this.handleUnknown === 'error') throw this.unknownError(j, name, categoryAt(col, i), i);
      else continue;
      if (slot === drop) continue;
      outs[slot > drop && drop >= 0 ? slot - 1 : slot][i] = 1;
    }
    return names.map((n, s) => [n, { kind: 'number', values: outs[s] }]);
  }

  private unknownError(j: number, name: string, c: Category, row: number): Error {
    return new RowError(
      (at) =>
        `OneHotEncoder: column '${name}' has the unknown category ${quoteCategory(c)} at ${at}; known categories: ${listCategories(this.categories[j])}. Pass handleUnknown: 'ignore' to encode unknown categories as all zeros`,
      row,
    );
  }

  private refuseMissing(name: string, col: Column, op: string): void {
    for (let i = 0; i < col.values.length; i++) {
      if (categoryAt(col, i) === null)
        throw new RowError(
          (at) =>
            `OneHotEncoder.${op}: column '${name}' is missing a value at ${at}; impute it first (SimpleImputer) or set handleMissing: 'category'`,
          i,
        );
    }
  }

  /** Rows of 0/1 columns back to categories (argmax; an all-zero row is the dropped category, else missing). */
  protected override decode(j: number, outputs: Column[]): Column {
    const n = outputs[0].values.length;
    const drop = this.dropSlot[j];
    const frequent = this.categories[j].filter((_, k) => this.slotOf[j][k] < this.frequentCount[j]);
    const values: Category[] = new Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let sum = 0;
      for (let s = 0; s < outputs.length; s++) {
        const v = outputs[s].values[i] as number;
        sum += v;
        if (v > (outputs[best].values[i] as number)) best = s;
      }
      if (Number.isNaN(sum)) {
        values[i] = null;
        continue;
      }
      let slot: number;
      if (sum !== 0) slot = drop !== null && best >= drop ? best + 1 : best;
      else if (drop !== null) slot = drop;
      else if (this.handleUnknown !== 'error') {
        values[i] = null; // an unknown category, encoded as all zeros
        continue;
      } else {
        throw new RangeError(
          `OneHotEncoder.inverseTransform: row ${i} of column '${this.columns[j]}' is all zeros, which no category encodes (drop is null and handleUnknown is 'error')`,
        );
      }
      values[i] = slot < frequent.length ? frequent[slot] : null; // the infrequent group has no single value
    }
    return this.fitted?.kinds[j] === 'string'
      ? { kind: 'string', values: values as (string | null)[] }
      : { kind: 'number', values: Float64Array.from(values, (v) => (v === null ? Number.NaN : (v as number))) };
  }

  protected configJSON(): JsonObject {
    return {
      categories: categoriesOptionJSON(this.categoriesOption),
      handleUnknown: this.handleUnknown,
      drop: this.drop,
      minFrequency: this.minFrequency,
      maxCategories: this.maxCategories,
      handleMissing: this.handleMissing,
    };
  }
  protected stateJSON(): JsonObject {
    return { categories: this.categories, infrequent: this.infrequent, dropSlot: this.dropSlot };
  }
  protected loadState(r: JsonReader, kinds: ColumnKind[]): void {
    this.categories = readCategories(r, kinds);
    this.infrequent = r.array('infrequent', kinds.length).map((idx, j) => {
      const n = this.categories[j].length;
      const ok = Array.isArray(idx) && idx.every((k, q) => Number.isInteger(k) && k >= 0 && k < n && idx.indexOf(k) === q);
      if (!ok) throw r.fail(`${r.where}.infrequent[${j}] must list distinct category indices below ${n}, got ${show(idx)}`);
      return idx as number[];
    });
    this.categories.forEach((_, j) => {
      this.derive(j);
    });
    this.dropSlot = r.array('dropSlot', kinds.length).map((d, j) => {
      const slots = this.slotLabels(j).length;
      if (d !== null && !(Number.isInteger(d) && (d as number) >= 0 && (d as number) < slots))
        throw r.fail(`${r.where}.dropSlot[${j}] must be null or an output index below ${slots}, got ${show(d)}`);
      return d as number | null;
    });
  }

  /** Rebuilds an encoder from its config JSON (used by transformFromJSON). */
  static fromConfig(r: JsonReader, columns: string[] | undefined): OneHotEncoder {
    return new OneHotEncoder({
      columns,
      categories: readCategoriesOption(r),
      handleUnknown: r.oneOf('handleUnknown', UNKNOWN),
      drop: r.oneOf('drop', DROP),
      minFrequency: r.raw('minFrequency') as number | null,
      maxCategories: r.raw('maxCategories') as number | null,
      handleMissing: r.oneOf('handleMissing', MISSING),
    });
  }
}
