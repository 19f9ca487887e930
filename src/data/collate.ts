// Turning a list of samples into a batch, as PyTorch's default_collate does: tensors are stacked
// along a new first dim, numbers become a 1-D tensor (int32 when all are integers, else float32),
// booleans a bool tensor, and arrays and plain objects are collated field by field.

import { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';
import { stack } from '../ops/movement.js';

/** The batch type `defaultCollate` makes from samples of type T. */
export type Collated<T> = T extends Tensor | number | boolean
  ? Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { [K in keyof T]: Collated<T[K]> }
        : never;

/**
 * Stacks samples into a batch: `[[x0, y0], [x1, y1]]` becomes `[stack([x0, x1]), stack([y0, y1])]`.
 * Strings are kept as arrays of strings.
 *
 * @example defaultCollate([{ x: t0, label: 3 }, { x: t1, label: 5 }]) // { x: (2, ...), label: int32 (2) }
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  return collate(samples, '') as Collated<T>;
}

function collate(samples: readonly unknown[], path: string): unknown {
  if (samples.length === 0) throw new RangeError('defaultCollate: cannot collate an empty batch');
  const first = samples[0];
  const mismatch = (i: number, what: string) =>
    new TypeError(
      `defaultCollate: sample ${i}${path} is ${what}, but sample 0${path} is ${kind(first)}; samples in a batch must have the same structure`,
    );
  if (first instanceof Tensor) {
    samples.forEach((s, i) => {
      if (!(s instanceof Tensor)) throw mismatch(i, kind(s));
    });
    return stack(samples as Tensor[], 0);
  }
  if (typeof first === 'number') {
    const values = samples.map((s, i) => {
      if (typeof s !== 'number') throw mismatch(i, kind(s));
      return s;
    });
    return tensor(values, { dtype: values.every(Number.isInteger) ? 'int32' : 'float32' });
  }
  if (typeof first === 'boolean') {
    return tensor(
      samples.map((s, i) => {
        if (typeof s !== 'boolean') throw mismatch(i, kind(s));
        return s;
      }),
    );
  }
  if (typeof first === 'string') return [...samples];
  if (Array.isArray(first)) {
    samples.forEach((s, i) => {
      if (!Array.isArray(s) || s.length !== first.length) throw mismatch(i, Array.isArray(s) ? `an array of ${s.length}` : kind(s));
    });
    return first.map((_, k) =>
      collate(
        samples.map((s) => (s as unknown[])[k]),
        `${path}[${k}]`,
      ),
    );
  }
  if (first !== null && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      Object.defineProperty(out, key, {
        value: collate(
          samples.map((s, i) => {
            if (s === null || typeof s !== 'object' || !(key in s)) {
              throw new TypeError(
                `defaultCollate: sample ${i}${path} has no field "${key}", which sample 0${path} has; samples in a batch must have the same structure`,
              );
            }
            return (s as Record<string, unknown>)[key];
          }),
          `${path}.${key}`,
        ),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  throw new TypeError(`defaultCollate: cannot collate sample 0${path}, ${kind(first)}; pass a collate function to the DataLoader`);
}

function kind(v: unknown): string {
  if (v instanceof Tensor) return `a tensor`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
