// Named collections of tensors (state dicts): accepted as a Map or a plain object, returned as a
// plain object whose keys are own properties even for names like "__proto__".

import { Tensor } from '../core/tensor.js';

/** Named tensors, as a Map or a plain object (what `module.stateDict()` returns). */
export type TensorMap = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

/** The [name, tensor] pairs of a TensorMap, checking that every value is a Tensor. */
export function tensorEntries(op: string, field: string, map: TensorMap): [string, Tensor][] {
  if (map === null || typeof map !== 'object')
    throw new TypeError(`${op}: ${field} must be a Map or an object of tensors, got ${map === null ? 'null' : typeof map}`);
  const entries = map instanceof Map ? [...map.entries()] : Object.entries(map);
  for (const [name, t] of entries) {
    if (typeof name !== 'string') throw new TypeError(`${op}: ${field} keys must be strings, got ${typeof name}`);
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${field}["${name}"] must be a Tensor, got ${describe(t)}`);
  }
  return entries;
}

/** Sets `obj[key] = value` as an own enumerable property (safe for "__proto__"). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A short description of a value's type for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return (v as object).constructor?.name ? `a ${(v as object).constructor.name}` : 'an object';
  return typeof v;
}
