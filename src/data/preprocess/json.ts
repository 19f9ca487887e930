// Strict reading of a transform's JSON ({type, config, state}): every field is checked for its type
// and range, unknown fields are refused, and each error names the path at fault and what it expected
// ("transformFromJSON: StandardScaler.state.mean must be an array of 2 numbers, got ..."). Nothing
// read is ever evaluated. NaN, which JSON cannot hold, is written as null where a field allows it.

import type { Json } from '../../io/tree.js';

const REQUIRED = Symbol('required');

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/**
 * A short, bounded rendering of a bad value for error messages.
 * @example show({ a: 1 }) // '{"a":1}'
 */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Reads the fields of one JSON object, refusing wrong types and (with `done`) unknown fields.
 * `where` locates the object in errors, e.g. 'OneHotEncoder.state'.
 *
 * @example
 * const r = new JsonReader('StandardScaler.config', json.config);
 * const withMean = r.boolean('withMean', true);
 * r.done();
 */
export class JsonReader {
  private readonly obj: Record<string, unknown>;
  private readonly used = new Set<string>();

  constructor(
    readonly where: string,
    value: unknown,
  ) {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw this.fail(`${where} must be a JSON object, got ${show(value)}`);
    this.obj = value as Record<string, unknown>;
  }

  /** An error for field `key` (or the whole object). */
  fail(message: string): TypeError {
    return new TypeError(`transformFromJSON: ${message}`);
  }

  /** Whether the object has field `key`. */
  has(key: string): boolean {
    return Object.hasOwn(this.obj, key);
  }

  /** The raw value of field `key` (required unless `fallback` is given). */
  raw(key: string, fallback: unknown = REQUIRED): unknown {
    this.used.add(key);
    if (!this.has(key)) {
      if (fallback !== REQUIRED) return fallback;
      throw this.fail(`${this.where}.${key} is missing`);
    }
    return this.obj[key];
  }

  boolean(key: string, fallback?: boolean): boolean {
    const v = fallback === undefined ? this.raw(key) : this.raw(key, fallback);
    if (typeof v !== 'boolean') throw this.fail(`${this.where}.${key} must be true or false, got ${show(v)}`);
    return v;
  }

  /** A finite number, or NaN written as null when `allowNaN`. */
  number(key: string, fallback?: number, allowNaN = false): number {
    const v = fallback === undefined ? this.raw(key) : this.raw(key, fallback);
    if (v === null && allowNaN) return Number.NaN;
    if (typeof v === 'number' && (Number.isFinite(v) || (allowNaN && Number.isNaN(v)))) return v;
    throw this.fail(`${this.where}.${key} must be a finite number${allowNaN ? ' or null (NaN)' : ''}, got ${show(v)}`);
  }

  string(key: string, fallback?: string): string {
    const v = fallback === undefined ? this.raw(key) : this.raw(key, fallback);
    if (typeof v !== 'string') throw this.fail(`${this.where}.${key} must be a string, got ${show(v)}`);
    return v;
  }

  /** One of the listed strings (or null when listed). */
  oneOf<T extends string | null>(key: string, options: readonly T[], fallback?: T): T {
    const v = fallback === undefined ? this.raw(key) : this.raw(key, fallback);
    if (!options.includes(v as T))
      throw this.fail(`${this.where}.${key} must be one of ${options.map((o) => show(o)).join(', ')}, got ${show(v)}`);
    return v as T;
  }

  /** An array of finite numbers (null read as NaN when `allowNaN`), of length `length` when given. */
  numbers(key: string, length?: number, allowNaN = false): Float64Array {
    const v = this.array(key, length);
    const out = new Float64Array(v.length);
    v.forEach((x, i) => {
      if (typeof x === 'number' && Number.isFinite(x)) out[i] = x;
      else if (x === null && allowNaN) out[i] = Number.NaN;
      else throw this.fail(`${this.where}.${key}[${i}] must be a finite number${allowNaN ? ' or null' : ''}, got ${show(x)}`);
    });
    return out;
  }

  /** An array of strings, of length `length` when given. */
  strings(key: string, length?: number): string[] {
    const v = this.array(key, length);
    v.forEach((x, i) => {
      if (typeof x !== 'string') throw this.fail(`${this.where}.${key}[${i}] must be a string, got ${show(x)}`);
    });
    return v as string[];
  }

  /** An array, of length `length` when given. */
  array(key: string, length?: number): unknown[] {
    const v = this.raw(key);
    if (!Array.isArray(v)) throw this.fail(`${this.where}.${key} must be an array, got ${show(v)}`);
    if (length !== undefined && v.length !== length)
      throw this.fail(`${this.where}.${key} must have ${length} entries (one per column), got ${v.length}`);
    return v;
  }

  /** A nested object, read by its own reader. */
  object(key: string): JsonReader {
    return new JsonReader(`${this.where}.${key}`, this.raw(key));
  }

  /** Refuses fields that were never read (a typo, or a file from another tool). */
  done(): void {
    for (const key of Object.keys(this.obj)) {
      if (!this.used.has(key)) throw this.fail(`${this.where} has an unknown field '${key}'`);
    }
  }
}

/**
 * NaN as null, for writing numbers that may be NaN into JSON.
 * @example nanToNull(NaN) // null
 */
export function nanToNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
