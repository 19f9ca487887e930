// Nested state (an optimizer's state dict, a scheduler's, RNG states, user extras) split into a JSON
// tree and a flat map of tensors, and joined back. A tensor becomes {"$tensor": name}; numbers JSON
// cannot hold become {"$number": "NaN" | "Infinity" | "-Infinity"}; a Map becomes
// {"$map": [[key, value], ...]}; a plain object whose only key is one of these markers is wrapped
// in {"$object": {...}} so it reads back as itself.

import { Tensor } from '../core/tensor.js';
import { describe, setOwn } from './records.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const MARKERS = new Set(['$tensor', '$number', '$map', '$object']);

/** A nested value split for storage: `json` references the tensors in `tensors` by name. */
export interface FlatTree {
  json: Json;
  tensors: Map<string, Tensor>;
}

/**
 * Splits `value` into JSON and tensors; each tensor is named by its path (`optimizer.state.0.expAvg`).
 * Accepts tensors, numbers (NaN and infinities too), strings, booleans, null, arrays, Maps and plain
 * objects; `undefined` object fields are dropped as in JSON. Anything else (functions, class
 * instances, cycles) is refused with the path of the offending value.
 *
 * @example flattenTree({ step: 3, m: zeros([2]) }, 'opt') // json {step: 3, m: {$tensor: 'opt.m'}}
 */
export function flattenTree(value: unknown, root: string, op = 'flattenTree'): FlatTree {
  const tensors = new Map<string, Tensor>();
  const seen = new Set<object>();
  const nameFor = (path: string): string => {
    let name = path;
    for (let k = 2; tensors.has(name); k++) name = `${path}~${k}`;
    return name;
  };
  const join = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
  const walk = (v: unknown, path: string): Json => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $number: String(v) };
    if (v instanceof Tensor) {
      const name = nameFor(path);
      tensors.set(name, v);
      return { $tensor: name };
    }
    if (typeof v !== 'object')
      throw new TypeError(`${op}: cannot store ${path || 'the value'} (${describe(v)}); only tensors and JSON-like values can be saved`);
    if (seen.has(v)) throw new TypeError(`${op}: ${path} refers back to one of its parents (a cycle); cannot save it`);
    seen.add(v);
    let out: Json;
    if (Array.isArray(v)) out = v.map((x, i) => walk(x === undefined ? null : x, join(path, i)));
    else if (v instanceof Map)
      out = { $map: [...v.entries()].map(([k, x], i) => [walk(k, join(path, `key${i}`)), walk(x, join(path, String(k)))]) };
    else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`${op}: cannot store ${path} (${describe(v)}); save its state (e.g. getState() or stateDict()) instead`);
      }
      const obj: { [key: string]: Json } = {};
      for (const [k, x] of Object.entries(v)) if (x !== undefined) setOwn(obj, k, walk(x, join(path, k)));
      const keys = Object.keys(obj);
      out = keys.length === 1 && MARKERS.has(keys[0]) ? { $object: obj } : obj;
    }
    seen.delete(v);
    return out;
  };
  return { json: walk(value, root), tensors };
}

/**
 * Rebuilds the value `flattenTree` split, taking each referenced tensor from `tensors`.
 * `where` names the source in errors (a missing tensor, a malformed marker).
 *
 * @example unflattenTree(json, tensors, 'checkpoint.json')
 */
export function unflattenTree(json: unknown, tensors: ReadonlyMap<string, Tensor>, where: string): unknown {
  const join = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
  const walk = (v: unknown, path: string): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, join(path, i)));
    const keys = Object.keys(v);
    const rec = v as Record<string, unknown>;
    if (keys.length === 1 && MARKERS.has(keys[0])) {
      const marker = keys[0];
      const arg = rec[marker];
      if (marker === '$tensor') {
        const t = typeof arg === 'string' ? tensors.get(arg) : undefined;
        if (t === undefined)
          throw new Error(`${where}: ${path} refers to tensor ${JSON.stringify(arg)}, which the tensor file does not contain`);
        return t;
      }
      if (marker === '$number') {
        if (arg === 'NaN' || arg === 'Infinity' || arg === '-Infinity') return Number(arg);
        throw new Error(`${where}: ${path} has an invalid $number ${JSON.stringify(arg)}`);
      }
      if (marker === '$map') {
        if (!Array.isArray(arg) || !arg.every((e) => Array.isArray(e) && e.length === 2))
          throw new Error(`${where}: ${path} has an invalid $map`);
        return new Map(arg.map(([k, x], i) => [walk(k, join(path, `key${i}`)), walk(x, join(path, String(k)))]));
      }
      if (arg === null || typeof arg !== 'object' || Array.isArray(arg)) throw new Error(`${where}: ${path} has an invalid $object`);
      return walkObject(arg as Record<string, unknown>, path);
    }
    return walkObject(rec, path);
  };
  const walkObject = (obj: Record<string, unknown>, path: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(obj)) setOwn(out, k, walk(x, join(path, k)));
    return out;
  };
  return walk(json, '');
}

/**
 * Checks that `value` is plain JSON data (objects, arrays, strings, finite numbers, booleans, null),
 * naming the first offending path. Used for model architectures and metadata.
 *
 * @example assertJson('saveModel', 'architecture', { type: 'Linear', inFeatures: 4 })
 */
export function assertJson(op: string, path: string, value: unknown, depth = 0): asserts value is Json {
  if (depth > 1000) throw new TypeError(`${op}: ${path} is nested too deeply (a cycle?)`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${op}: ${path} must be a finite number for JSON, got ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((x, i) => {
      assertJson(op, `${path}[${i}]`, x, depth + 1);
    });
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`${op}: ${path} must be plain JSON data, got ${describe(value)}`);
    for (const [k, x] of Object.entries(value)) assertJson(op, `${path}.${k}`, x, depth + 1);
    return;
  }
  throw new TypeError(`${op}: ${path} must be plain JSON data, got ${describe(value)}`);
}
