// OrdinalEncoder: each category of a number or string column becomes its index (0, 1, 2, ...) in
// the sorted (or given) categories, like scikit-learn's OrdinalEncoder. A missing value seen at fit
// is the last category and encodes as `encodedMissingValue` (NaN by default); an unseen category
// (or a missing value not seen at fit) raises an error naming it, or encodes as `unknownValue`.

import { type Column, type ColumnKind, RowError } from '../table.js';
import {
  type CategoriesOption,
  type Category,
  categoriesOptionJSON,
  categoryAt,
  checkCategoriesOption,
  checkCategoryColumns,
  fitCategories,
  indexCategories,
  listCategories,
  quoteCategory,
  readCategories,
  readCategoriesOption,
} from './categories.js';
import { type JsonObject, type JsonReader, nanToNull, show } from './json.js';
import { pick } from './options.js';
import { type ColumnOptions, ColumnwiseTransform } from './transformer.js';

const UNKNOWN = ['error', 'useEncodedValue'] as const;

/** OrdinalEncoder options. */
export interface OrdinalEncoderOptions extends ColumnOptions {
  /** 'auto' (sorted categories found by fit) or the categories per column (others 'auto'). Default 'auto'. */
  categories?: CategoriesOption;
  /** Unseen category at transform: throw, or encode as `unknownValue`. Default 'error'. */
  handleUnknown?: (typeof UNKNOWN)[number];
  /** The code of unseen categories (an integer outside 0..categories-1, or NaN); needs 'useEncodedValue'. */
  unknownValue?: number;
  /** The code of the missing value when fit saw it. Default NaN (impute it later, or pick e.g. -1). */
  encodedMissingValue?: number;
}

/**
 * Encodes categorical columns as integer codes in place (a number column with the same name).
 *
 * @example
 * const enc = new OrdinalEncoder({ handleUnknown: 'useEncodedValue', unknownValue: -1 });
 * enc.fit(Table.fromColumns({ size: ['S', 'M', 'L'] })).categories; // [['L', 'M', 'S']]
 * enc.transform(Table.fromColumns({ size: ['M', 'XL'] })).numbers('size'); // [1, -1]
 */
export class OrdinalEncoder extends ColumnwiseTransform {
  readonly type = 'OrdinalEncoder';
  readonly categoriesOption: CategoriesOption;
  readonly handleUnknown: (typeof UNKNOWN)[number];
  readonly unknownValue: number | undefined;
  readonly encodedMissingValue: number;
  /** Per fitted column: its categories (the missing value, null, last when seen). */
  categories: Category[][] = [];
  private lookup: Map<Category, number>[] = [];

  constructor(options: OrdinalEncoderOptions = {}) {
    super('OrdinalEncoder', options);
    this.categoriesOption = checkCategoriesOption(this.type, options.categories);
    this.handleUnknown = pick(this.type, 'handleUnknown', options.handleUnknown, UNKNOWN, 'error');
    const uv = options.unknownValue;
    if (this.handleUnknown === 'useEncodedValue') {
      if (typeof uv !== 'number' || !(Number.isInteger(uv) || Number.isNaN(uv)))
        throw new TypeError(
          `OrdinalEncoder: unknownValue must be an integer or NaN when handleUnknown is 'useEncodedValue', got ${show(uv)}`,
        );
    } else if (uv !== undefined) {
      throw new TypeError(
        `OrdinalEncoder: unknownValue is only used with handleUnknown: 'useEncodedValue'; set that too, or drop unknownValue`,
      );
    }
    this.unknownValue = uv;
    const mv = options.encodedMissingValue ?? Number.NaN;
    if (typeof mv !== 'number' || !(Number.isInteger(mv) || Number.isNaN(mv)))
      throw new TypeError(`OrdinalEncoder: encodedMissingValue must be an integer or NaN, got ${show(mv)}`);
    this.encodedMissingValue = mv;
  }

  protected accepts(kind: ColumnKind): boolean {
    return kind === 'number' || kind === 'string';
  }
  protected kindHint(): string {
    return 'OrdinalEncoder encodes number and string columns; derive numbers from timestamps first';
  }
  protected override beforeFit(columns: string[]): void {
    checkCategoryColumns(this.type, this.categoriesOption, columns);
  }
  protected resetState(count: number): void {
    this.categories = new Array(count).fill([]);
    this.lookup = [];
  }

  /** The number of codes used by known, non-missing categories of column j. */
  private knownCount(j: number): number {
    const cats = this.categories[j];
    return cats.at(-1) === null ? cats.length - 1 : cats.length;
  }

  protected fitColumn(j: number, name: string, col: Column): void {
    this.categories[j] = fitCategories(this.type, this.categoriesOption, name, col, this.handleUnknown === 'error').categories;
    this.lookup[j] = indexCategories(this.categories[j]);
    this.checkCodes(j, name, (m) => new RangeError(`OrdinalEncoder.fit: ${m}`));
  }

  /** unknownValue and encodedMissingValue must not collide with the codes of known categories. */
  private checkCodes(j: number, name: string, fail: (m: string) => Error): void {
    const known = this.knownCount(j);
    const uv = this.unknownValue;
    if (uv !== undefined && uv >= 0 && uv < known)
      throw fail(
        `unknownValue ${uv} is the code of category ${quoteCategory(this.categories[j][uv])} of column '${name}'; pick a negative value or NaN`,
      );
    const mv = this.encodedMissingValue;
    if (this.categories[j].includes(null) && mv >= 0 && mv < known)
      throw fail(
        `encodedMissingValue ${mv} is the code of category ${quoteCategory(this.categories[j][mv])} of column '${name}'; pick a negative value or NaN`,
      );
    if (this.categories[j].indexOf(null) >= 0 && this.categories[j].indexOf(null) !== this.categories[j].length - 1)
      throw fail(`the missing value (null) must be the last category of column '${name}'`);
  }

  protected encode(j: number, name: string, col: Column): [string, Column][] {
    const out = new Float64Array(col.values.length);
    for (let i = 0; i < out.length; i++) {
      const c = categoryAt(col, i);
      const k = this.lookup[j].get(c);
      if (k !== undefined) out[i] = c === null ? this.encodedMissingValue : k;
      else if (this.unknownValue !== undefined) out[i] = this.unknownValue;
      else
        throw new RowError(
          (at) =>
            `OrdinalEncoder: column '${name}' has the unknown category ${quoteCategory(c)} at ${at}; known categories: ${listCategories(this.categories[j])}. Pass handleUnknown: 'useEncodedValue' with an unknownValue (e.g. -1) to encode unknown categories`,
          i,
        );
    }
    return [[name, { kind: 'number', values: out }]];
  }

  /** Codes back to categories; unknownValue and encodedMissingValue decode to missing. */
  protected override decode(j: number, [col]: Column[]): Column {
    const name = this.columns[j];
    if (col.kind !== 'number')
      throw new TypeError(`OrdinalEncoder.inverseTransform: column '${name}' must hold number codes, got ${col.kind}`);
    const known = this.knownCount(j);
    const values = Array.from(col.values, (code, i): Category => {
      if (Number.isNaN(code) || code === this.unknownValue || code === this.encodedMissingValue) return null;
      if (!Number.isInteger(code) || code < 0 || code >= known)
        throw new RangeError(
          `OrdinalEncoder.inverseTransform: column '${name}' holds ${code} at row ${i}, which is not a code (0..${known - 1})`,
        );
      return this.categories[j][code];
    });
    return this.fitted?.kinds[j] === 'string'
      ? { kind: 'string', values: values as (string | null)[] }
      : { kind: 'number', values: Float64Array.from(values, (v) => (v === null ? Number.NaN : (v as number))) };
  }

  protected configJSON(): JsonObject {
    const config: JsonObject = {
      categories: categoriesOptionJSON(this.categoriesOption),
      handleUnknown: this.handleUnknown,
      encodedMissingValue: nanToNull(this.encodedMissingValue),
    };
    if (this.unknownValue !== undefined) config.unknownValue = nanToNull(this.unknownValue);
    return config;
  }
  protected stateJSON(): JsonObject {
    return { categories: this.categories };
  }
  protected loadState(r: JsonReader, kinds: ColumnKind[], columns: string[]): void {
    this.categories = readCategories(r, kinds);
    this.categories.forEach((cats, j) => {
      this.lookup[j] = indexCategories(cats);
      this.checkCodes(j, columns[j], (m) => r.fail(`${r.where}: ${m}`));
    });
  }

  /** Rebuilds an encoder from its config JSON (used by transformFromJSON). */
  static fromConfig(r: JsonReader, columns: string[] | undefined): OrdinalEncoder {
    const handleUnknown = r.oneOf('handleUnknown', UNKNOWN);
    return new OrdinalEncoder({
      columns,
      categories: readCategoriesOption(r),
      handleUnknown,
      unknownValue: handleUnknown === 'useEncodedValue' ? r.number('unknownValue', undefined, true) : undefined,
      encodedMissingValue: r.number('encodedMissingValue', undefined, true),
    });
  }
}
