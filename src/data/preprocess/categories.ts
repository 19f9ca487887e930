// Categories of a number or string column, shared by OneHotEncoder and OrdinalEncoder: found at fit
// in scikit-learn's order (numbers ascending, strings by code point, the missing value last) or
// given by the user, counted, looked up in O(1), and read back from JSON with their kinds checked.

import { type Column, type ColumnKind, RowError } from '../table.js';
import { type JsonReader, show } from './json.js';
import { compareStrings } from './stats.js';

/** One category: a number, a string, or null for the missing value (NaN or null in the column). */
export type Category = string | number | null;

/** Categories option of the encoders: found from the data, or given per column name. */
export type CategoriesOption = 'auto' | Readonly<Record<string, readonly Category[]>>;

/**
 * Value `i` of `col` as a category (missing as null).
 * @example categoryAt({ kind: 'number', values: new Float64Array([NaN]) }, 0) // null
 */
export function categoryAt(col: Column, i: number): Category {
  if (col.kind === 'string') return col.values[i];
  const v = col.values[i];
  return Number.isNaN(v) ? null : v;
}

/**
 * A category as text, for column names and messages: strings as is, numbers as JavaScript prints them, missing as 'null'.
 * @example categoryLabel(2.5) // '2.5'   categoryLabel(null) // 'null'
 */
export function categoryLabel(c: Category): string {
  return c === null ? 'null' : String(c);
}

/**
 * A category quoted for an error message.
 * @example quoteCategory('Oslo') // "'Oslo'"
 */
export function quoteCategory(c: Category): string {
  return typeof c === 'string' ? `'${c}'` : String(c);
}

/**
 * The known categories for a message, shortened past 20.
 * @example listCategories(['a', 'b', null]) // "'a', 'b', null"
 */
export function listCategories(cats: readonly Category[]): string {
  const shown = cats.slice(0, 20).map(quoteCategory).join(', ');
  return cats.length > 20 ? `${shown}, ... (${cats.length} in all)` : shown;
}

/**
 * The distinct categories of `col`, sorted as scikit-learn sorts them (missing last), with counts.
 * @example uniqueCategories({ kind: 'string', values: ['b', 'a', null, 'b'] }) // { categories: ['a', 'b', null], counts: [1, 2, 1] }
 */
export function uniqueCategories(type: string, name: string, col: Column): { categories: Category[]; counts: number[] } {
  const counts = new Map<Category, number>();
  for (let i = 0; i < col.values.length; i++) {
    const c = categoryAt(col, i);
    if (typeof c === 'number' && !Number.isFinite(c))
      throw new RowError((at) => `${type}.fit: column '${name}' holds ${c} at ${at}; categories must be finite numbers or strings`, i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const present = [...counts.keys()].filter((c) => c !== null);
  if (col.kind === 'string') (present as string[]).sort(compareStrings);
  else (present as number[]).sort((a, b) => a - b);
  const categories: Category[] = counts.has(null) ? [...present, null] : present;
  return { categories, counts: categories.map((c) => counts.get(c) as number) };
}

/**
 * How many times each of `categories` occurs in `col` (values outside them are not counted).
 * @example countCategories({ kind: 'string', values: ['a', 'b', 'a'] }, ['a', 'z']) // [2, 0]
 */
export function countCategories(col: Column, categories: readonly Category[]): number[] {
  const index = indexCategories(categories);
  const counts = new Array<number>(categories.length).fill(0);
  for (let i = 0; i < col.values.length; i++) {
    const k = index.get(categoryAt(col, i));
    if (k !== undefined) counts[k]++;
  }
  return counts;
}

/**
 * category -> position.
 * @example indexCategories(['a', null]).get(null) // 1
 */
export function indexCategories(categories: readonly Category[]): Map<Category, number> {
  return new Map(categories.map((c, k) => [c, k]));
}

/**
 * Checks user-given (or stored) categories for a column of `kind`: distinct, finite numbers for a
 * number column, strings for a string column, null (missing) at most once.
 * @example checkCategories('categories.size', 'string', ['S', 'M'], (m) => new TypeError(m))
 */
export function checkCategories(where: string, kind: ColumnKind, cats: unknown, fail: (m: string) => Error): Category[] {
  if (!Array.isArray(cats) || cats.length === 0) throw fail(`${where} must be a non-empty array of categories, got ${show(cats)}`);
  const seen = new Set<Category>();
  cats.forEach((c, k) => {
    const ok = c === null || (kind === 'string' ? typeof c === 'string' : typeof c === 'number' && Number.isFinite(c));
    if (!ok) throw fail(`${where}[${k}] must be ${kind === 'string' ? 'a string' : 'a finite number'} or null (missing), got ${show(c)}`);
    if (seen.has(c)) throw fail(`${where} lists ${quoteCategory(c)} twice`);
    seen.add(c);
  });
  return cats as Category[];
}

/**
 * Validates the `categories` option of an encoder.
 * @example checkCategoriesOption('OneHotEncoder', { size: ['S', 'M', 'L'] })
 */
export function checkCategoriesOption(type: string, value: unknown): CategoriesOption {
  if (value === undefined || value === 'auto') return 'auto';
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError(`${type}: categories must be 'auto' or an object { column: [categories...] }, got ${show(value)}`);
  return value as CategoriesOption;
}

/**
 * The categories for column `name` at fit: the given ones (checked against the data when unknown
 * values are errors) or those found in the data.
 * @example fitCategories('OneHotEncoder', 'auto', 'city', table.column('city'), true).categories
 */
export function fitCategories(
  type: string,
  option: CategoriesOption,
  name: string,
  col: Column,
  unknownIsError: boolean,
): { categories: Category[]; counts: number[] } {
  if (option === 'auto' || !Object.hasOwn(option, name)) return uniqueCategories(type, name, col);
  const fail = (m: string) => new TypeError(`${type}: ${m}`);
  const categories = checkCategories(`categories['${name}']`, col.kind, option[name], fail);
  if (unknownIsError) {
    const index = indexCategories(categories);
    for (let i = 0; i < col.values.length; i++) {
      const c = categoryAt(col, i);
      if (!index.has(c))
        throw new RowError(
          (at) =>
            `${type}.fit: column '${name}' holds ${quoteCategory(c)} at ${at}, which is not among the given categories (${listCategories(categories)}); add it, or set handleUnknown`,
          i,
        );
    }
  }
  return { categories, counts: countCategories(col, categories) };
}

/**
 * Checks that every column named in a categories option was fitted.
 * @example checkCategoryColumns('OneHotEncoder', { city: ['Oslo'] }, ['city', 'size'])
 */
export function checkCategoryColumns(type: string, option: CategoriesOption, columns: readonly string[]): void {
  if (option === 'auto') return;
  for (const key of Object.keys(option)) {
    if (!columns.includes(key))
      throw new RangeError(
        `${type}.fit: categories are given for column '${key}', which is not among the columns fitted (${columns.join(', ')})`,
      );
  }
}

/**
 * The categories option as JSON.
 * @example categoriesOptionJSON({ size: ['S', 'M'] }) // { size: ['S', 'M'] }
 */
export function categoriesOptionJSON(option: CategoriesOption): 'auto' | { [key: string]: Category[] } {
  if (option === 'auto') return 'auto';
  return Object.fromEntries(Object.entries(option).map(([k, v]) => [k, [...v]]));
}

/**
 * Reads the categories option from a config reader.
 * @example const categories = readCategoriesOption(new JsonReader('OneHotEncoder.config', json.config));
 */
export function readCategoriesOption(r: JsonReader): CategoriesOption {
  const v = r.raw('categories');
  if (v === 'auto') return 'auto';
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw r.fail(`${r.where}.categories must be 'auto' or an object of category arrays, got ${show(v)}`);
  for (const [k, cats] of Object.entries(v)) {
    if (!Array.isArray(cats)) throw r.fail(`${r.where}.categories['${k}'] must be an array, got ${show(cats)}`);
  }
  return v as CategoriesOption;
}

/**
 * Reads the fitted categories (one array per column, kinds checked) from a state reader.
 * @example const categories = readCategories(new JsonReader('OneHotEncoder.state', json.state), ['string']);
 */
export function readCategories(r: JsonReader, kinds: readonly ColumnKind[]): Category[][] {
  return r
    .array('categories', kinds.length)
    .map((cats, j) => checkCategories(`${r.where}.categories[${j}]`, kinds[j], cats, (m) => r.fail(m)));
}
