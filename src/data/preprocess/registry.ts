// Transforms by name: `transformFromJSON` rebuilds any transform from its `toJSON()` output
// ({type, config, state}), so a saved pipeline loads without the user's code. It knows the built-in
// transforms; a user's own transform is added explicitly with `registerTransform`. Everything read is
// validated as data (unknown types and fields are refused) and nothing is ever evaluated.

import { ColumnTransformer } from './column_transformer.js';
import { JsonReader, show } from './json.js';
import { OneHotEncoder } from './one_hot_encoder.js';
import { OrdinalEncoder } from './ordinal_encoder.js';
import { OutlierClipper } from './outlier_clipper.js';
import { Pipeline } from './pipeline.js';
import { MinMaxScaler, RobustScaler, StandardScaler } from './scalers.js';
import { SimpleImputer } from './simple_imputer.js';
import type { ColumnwiseTransform, Transformer, TransformJSON } from './transformer.js';

/** Rebuilds a transform from its JSON (envelope already checked); `at` locates it for error messages. */
export type TransformBuilder = (json: TransformJSON, at: string) => Transformer;

interface ColumnwiseClass {
  fromConfig(r: JsonReader, columns: string[] | undefined): ColumnwiseTransform;
}

let builtins: Map<string, TransformBuilder> | null = null; // created on first use (Pipeline imports this file)
const custom = new Map<string, TransformBuilder>();

function table(): Map<string, TransformBuilder> {
  if (builtins !== null) return builtins;
  const columnwise: [string, ColumnwiseClass][] = [
    ['StandardScaler', StandardScaler],
    ['MinMaxScaler', MinMaxScaler],
    ['RobustScaler', RobustScaler],
    ['OneHotEncoder', OneHotEncoder],
    ['OrdinalEncoder', OrdinalEncoder],
    ['SimpleImputer', SimpleImputer],
    ['OutlierClipper', OutlierClipper],
  ];
  builtins = new Map<string, TransformBuilder>([
    ...columnwise.map(([type, cls]): [string, TransformBuilder] => [type, (json, at) => buildColumnwise(cls, json, at)]),
    ['ColumnTransformer', (json, at) => ColumnTransformer.fromJSON(json, at)],
    ['Pipeline', (json, at) => Pipeline.fromJSON(json, at)],
  ]);
  return builtins;
}

function buildColumnwise(cls: ColumnwiseClass, json: TransformJSON, at: string): Transformer {
  const r = new JsonReader(`${at}${json.type}.config`, json.config);
  const columnsRaw = r.raw('columns');
  const columns = columnsRaw === null ? undefined : r.strings('columns');
  let t: ColumnwiseTransform;
  try {
    t = cls.fromConfig(r, columns);
  } catch (e) {
    const message = (e as Error).message;
    throw message.startsWith('transformFromJSON:') ? e : new TypeError(`transformFromJSON: ${r.where}: ${message}`);
  }
  r.done();
  return t.loadStateJSON(json.state, at);
}

/**
 * Makes a custom transform loadable: `transformFromJSON` will call `build(json)` for JSON whose
 * type is `type` (what the transform's `toJSON()` writes). Built-in names are reserved.
 *
 * @example registerTransform('LogTransform', (json) => LogTransform.fromJSON(json));
 */
export function registerTransform(type: string, build: (json: TransformJSON) => Transformer): void {
  if (typeof type !== 'string' || type === '') throw new TypeError(`registerTransform: type must be a non-empty string, got ${show(type)}`);
  if (typeof build !== 'function')
    throw new TypeError(`registerTransform: build must be a function (json) => Transformer, got ${show(build)}`);
  if (table().has(type)) throw new Error(`registerTransform: '${type}' is a built-in transform; pick another name`);
  custom.set(type, (json) => build(json));
}

/**
 * The type names transformFromJSON knows: the built-in transforms, then registered ones.
 * @example transformTypes().includes('StandardScaler') // true
 */
export function transformTypes(): string[] {
  return [...table().keys(), ...custom.keys()];
}

/**
 * Rebuilds a transform (fitted when its JSON holds a state) from `toJSON()`'s output. Unknown types,
 * unknown or malformed fields and inconsistent states are refused with the path at fault.
 * `at` prefixes paths in errors for transforms nested in a Pipeline or a ColumnTransformer.
 *
 * @example
 * const copy = transformFromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
 * copy.transform(table); // same as scaler.transform(table)
 */
export function transformFromJSON(json: unknown, at = ''): Transformer {
  const r = new JsonReader(at === '' ? 'transform' : at.slice(0, -1), json);
  const type = r.string('type');
  r.object('config'); // an object; its fields are checked by the builder
  const state = r.raw('state');
  if (state !== null && (typeof state !== 'object' || Array.isArray(state)))
    throw r.fail(`${r.where}.state must be a JSON object (fitted) or null (not fitted), got ${show(state)}`);
  r.done();
  const build = custom.get(type) ?? table().get(type);
  if (build === undefined) throw r.fail(`${r.where}: unknown transform type '${type}' (known: ${transformTypes().join(', ')})`);
  const envelope = json as TransformJSON;
  return build({ type, config: envelope.config, state: envelope.state }, at);
}
