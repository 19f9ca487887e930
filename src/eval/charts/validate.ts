// Argument checks shared by the chart functions: numbers arrive as plain arrays or typed arrays,
// and every error names the function, the argument, what was expected and what was received.

/** How `numbers` checks values. */
export interface NumberCheck {
  /** Smallest allowed value (inclusive). */
  min?: number;
  /** Largest allowed value (inclusive). */
  max?: number;
  /** Let NaN through (e.g. History pads missing epochs with NaN). Default false. */
  allowNaN?: boolean;
  /** Smallest allowed length. Default 1. */
  minLength?: number;
}

/**
 * The values of `values` as a Float64Array, or an error such as
 * `rocChart: curves[0].fpr[3] must be a number in [0, 1], got NaN`.
 * @example const fpr = numbers('rocChart', 'curves[0].fpr', curve.fpr, { min: 0, max: 1 });
 */
export function numbers(op: string, name: string, values: unknown, check: NumberCheck = {}): Float64Array {
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, allowNaN = false, minLength = 1 } = check;
  if (!isArrayLike(values)) throw new TypeError(`${op}: ${name} must be an array of numbers, got ${describe(values)}`);
  if (values.length < minLength) {
    throw new RangeError(`${op}: ${name} must hold at least ${minLength} value${minLength === 1 ? '' : 's'}, got ${values.length}`);
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw new TypeError(`${op}: ${name}[${i}] must be a number, got ${describe(v)}`);
    if (Number.isNaN(v) ? !allowNaN : !(v >= min && v <= max)) {
      const range =
        min === Number.NEGATIVE_INFINITY && max === Number.POSITIVE_INFINITY ? 'a finite number' : `a number in ${rangeText(min, max)}`;
      throw new RangeError(`${op}: ${name}[${i}] must be ${range}, got ${v}`);
    }
    out[i] = v;
  }
  return out;
}

/** An optional string option, or an error naming it. */
export function optionalString(op: string, name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${op}: ${name} must be a string, got ${describe(value)}`);
  return value;
}

/** A positive integer option (a size in pixels or a point count), or an error naming it. */
export function positiveInt(op: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${op}: ${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** True for arrays and typed arrays. @example isArrayLike(new Float32Array(2)) === true */
export function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** A short description of a received value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}

function rangeText(min: number, max: number): string {
  if (max === Number.POSITIVE_INFINITY) return `[${min}, inf)`;
  if (min === Number.NEGATIVE_INFINITY) return `(-inf, ${max}]`;
  return `[${min}, ${max}]`;
}
