// The `preprocessing` section of a training config for tabular data, and the Pipeline it builds.
// Four forms:
//
//   preprocessing: auto          (the default) numbers: SimpleImputer(median) + StandardScaler;
//                                strings: SimpleImputer(mostFrequent) + OneHotEncoder(handleUnknown: ignore)
//   preprocessing: none          the feature columns as they are (numbers without missing values)
//   preprocessing:               steps applied in order, each to its columns
//     - { type: SimpleImputer, strategy: median, columns: [age, income] }
//     - { type: OneHotEncoder, handleUnknown: ignore }       (columns: see stepColumns)
//   preprocessing:               different steps for different columns, side by side
//     columnTransformer:
//       - { name: numbers, columns: [age], steps: [{ type: SimpleImputer }, { type: StandardScaler }] }
//       - { name: plan, columns: [plan], type: OneHotEncoder, handleUnknown: ignore }
//     remainder: passthrough     [drop]
//
// Options are checked field by field here (with the field's path); the transforms' own checks run
// when the config is read, so every mistake shows before any data is loaded.

import {
  ColumnTransformer,
  type ColumnTransformerEntry,
  MinMaxScaler,
  OneHotEncoder,
  OrdinalEncoder,
  OutlierClipper,
  Pipeline,
  RobustScaler,
  SimpleImputer,
  StandardScaler,
  type Transformer,
} from '../data/preprocess/index.js';
import type { ColumnKind } from '../data/table.js';
import { type Checker, describe, rewriteArgError, suggestion } from './check.js';
import { ConfigError } from './errors.js';

type Options = Record<string, unknown>;
type OptionCheck = (c: Checker, path: string, value: unknown) => unknown;

const bool: OptionCheck = (c, p, v) => c.boolean(p, v);
const pair =
  (lo: number, hi: number): OptionCheck =>
  (c, p, v) =>
    Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && x >= lo && x <= hi) && v[0] < v[1]
      ? v
      : c.fail(p, `expected [low, high] with ${lo} <= low < high <= ${hi}, got ${describe(v)}`);
const oneOf =
  (...choices: string[]): OptionCheck =>
  (c, p, v) =>
    c.choice(p, v, choices);
const orNull =
  (check: OptionCheck): OptionCheck =>
  (c, p, v) =>
    v === null ? null : check(c, p, v);
const finite: OptionCheck = (c, p, v) => c.number(p, v, {});
const categories: OptionCheck = (c, p, v) =>
  v === 'auto' ||
  (v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.values(v).every((list) => Array.isArray(list) && list.every((x) => x === null || ['string', 'number'].includes(typeof x))))
    ? v
    : c.fail(p, `expected 'auto' or { <column>: [categories...] }, got ${describe(v)}`);

/** Each transform type: its class and its options with their checks (the transform checks the rest). */
const TRANSFORMS = {
  StandardScaler: { make: (o: Options) => new StandardScaler(o), options: { withMean: bool, withStd: bool } },
  MinMaxScaler: { make: (o: Options) => new MinMaxScaler(o), options: { featureRange: pair(-Infinity, Infinity), clip: bool } },
  RobustScaler: {
    make: (o: Options) => new RobustScaler(o),
    options: { withCentering: bool, withScaling: bool, quantileRange: pair(0, 100) },
  },
  OneHotEncoder: {
    make: (o: Options) => new OneHotEncoder(o),
    options: {
      categories,
      handleUnknown: oneOf('error', 'ignore', 'infrequent'),
      drop: orNull(oneOf('first', 'ifBinary')),
      minFrequency: orNull((c, p, v) => c.number(p, v, { min: 0, minExclusive: true })),
      maxCategories: orNull((c, p, v) => c.number(p, v, { integer: true, min: 2 })),
      handleMissing: oneOf('category', 'error'),
    },
  },
  OrdinalEncoder: {
    make: (o: Options) => new OrdinalEncoder(o),
    options: {
      categories,
      handleUnknown: oneOf('error', 'useEncodedValue'),
      unknownValue: orNull(finite),
      encodedMissingValue: orNull(finite),
    },
  },
  SimpleImputer: {
    make: (o: Options) => new SimpleImputer(o),
    options: {
      strategy: oneOf('mean', 'median', 'mostFrequent', 'constant'),
      fillValue: (c: Checker, p: string, v: unknown) =>
        typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))
          ? v
          : c.fail(p, `expected a number or a string, got ${describe(v)}`),
    },
  },
  OutlierClipper: {
    make: (o: Options) => new OutlierClipper(o),
    options: {
      method: oneOf('iqr', 'quantile'),
      quantileRange: pair(0, 100),
      k: (c: Checker, p: string, v: unknown) => c.number(p, v, { min: 0 }),
    },
  },
} satisfies Record<string, { make: (o: Options) => Transformer; options: Record<string, OptionCheck> }>;

export type TransformType = keyof typeof TRANSFORMS;
export const TRANSFORM_TYPES = Object.keys(TRANSFORMS) as TransformType[];

/** One transform: its type, the columns it applies to (default: see stepColumns) and its options. */
export interface StepConfig {
  type: TransformType;
  columns?: string[];
  options: Options;
}

/** One entry of the columnTransformer form. */
export interface EntryConfig {
  name: string;
  columns: string[];
  /** The transforms applied in order, or the columns passed through unchanged, or dropped. */
  steps: StepConfig[] | 'passthrough' | 'drop';
}

/** The preprocessing section, checked. */
export type PreprocessingConfig =
  | { kind: 'auto' }
  | { kind: 'none' }
  | { kind: 'steps'; steps: StepConfig[] }
  | { kind: 'columns'; entries: EntryConfig[]; remainder: 'drop' | 'passthrough' };

const EXPECTED = 'auto, none, a list of steps [{ type, columns?, ...options }], or { columnTransformer: [...], remainder }';

/** Checks the `preprocessing` section (undefined: auto). */
export function parsePreprocessing(c: Checker, raw: unknown, path = 'config.preprocessing'): PreprocessingConfig | undefined {
  if (raw === undefined) return { kind: 'auto' };
  if (typeof raw === 'string') {
    const kind = c.choice(path, raw, ['auto', 'none'] as const);
    return kind === undefined ? undefined : { kind };
  }
  if (Array.isArray(raw)) {
    if (raw.length === 0) return c.fail(path, 'expected at least one step, got an empty list (use none for no preprocessing)');
    const steps = raw.map((s, i) => parseStep(c, s, `${path}[${i}]`, true));
    return steps.every((s) => s !== undefined) ? { kind: 'steps', steps: steps as StepConfig[] } : undefined;
  }
  const o = c.object(path, raw, ['columnTransformer', 'remainder'], EXPECTED);
  if (o === undefined) return undefined;
  const remainder = c.choice(`${path}.remainder`, o.remainder, ['drop', 'passthrough'] as const) ?? 'drop';
  const list = o.columnTransformer;
  if (!Array.isArray(list) || list.length === 0) {
    return c.fail(`${path}.columnTransformer`, `expected a non-empty list of { name?, columns, steps | type }, got ${describe(list)}`);
  }
  const entries = list.map((e, i) => parseEntry(c, e, `${path}.columnTransformer[${i}]`, i));
  const names = entries.map((e) => e?.name);
  names.forEach((n, i) => {
    if (n !== undefined && names.indexOf(n) !== i) c.fail(`${path}.columnTransformer[${i}].name`, `"${n}" names an earlier entry too`);
  });
  return entries.every((e) => e !== undefined) ? { kind: 'columns', entries: entries as EntryConfig[], remainder } : undefined;
}

function parseEntry(c: Checker, raw: unknown, path: string, index: number): EntryConfig | undefined {
  const o = c.object(path, raw, null, '{ name?, columns: [...], steps: [...] } or { columns: [...], type, ...options }');
  if (o === undefined) return undefined;
  const name = c.string(`${path}.name`, o.name) ?? `entry${index}`;
  if (name.includes('__')) c.fail(`${path}.name`, `expected a name without '__', got ${describe(name)}`);
  const columns = columnList(c, o.columns, `${path}.columns`, true);
  if (o.steps !== undefined && o.type !== undefined) return c.fail(path, 'give either steps or type, not both');
  if (o.type === 'passthrough' || o.type === 'drop') {
    for (const k of Object.keys(o))
      if (!['name', 'columns', 'type'].includes(k)) c.fail(`${path}.${k}`, `unknown key for a ${o.type} entry`);
    return columns === undefined ? undefined : { name, columns, steps: o.type };
  }
  let steps: (StepConfig | undefined)[];
  if (o.type !== undefined) {
    const { name: _n, columns: _c, ...step } = o;
    steps = [parseStep(c, step, path, false)];
  } else {
    for (const k of Object.keys(o))
      if (!['name', 'columns', 'steps'].includes(k))
        c.fail(
          `${path}.${k}`,
          `unknown key${suggestion(k, ['name', 'columns', 'steps', 'type'])} (allowed: name, columns, steps, or type with its options)`,
        );
    if (!Array.isArray(o.steps) || o.steps.length === 0) {
      return c.fail(`${path}.steps`, `expected a non-empty list of steps [{ type, ...options }], got ${describe(o.steps)}`);
    }
    steps = o.steps.map((s, i) => parseStep(c, s, `${path}.steps[${i}]`, false));
  }
  return columns === undefined || !steps.every((s) => s !== undefined) ? undefined : { name, columns, steps: steps as StepConfig[] };
}

/** One step `{ type, columns?, ...options }`; `columns` only where `withColumns` (not inside an entry, whose columns it gets). */
function parseStep(c: Checker, raw: unknown, path: string, withColumns: boolean): StepConfig | undefined {
  const o = c.object(path, raw, null, `a step { type: ${TRANSFORM_TYPES.join(' | ')}, ...options }`);
  if (o === undefined) return undefined;
  const type = c.choice(`${path}.type`, o.type, TRANSFORM_TYPES, true);
  if (type === undefined) return undefined;
  const spec = TRANSFORMS[type].options as Record<string, OptionCheck>;
  const allowed = [...(withColumns ? ['columns'] : []), ...Object.keys(spec)];
  const before = c.problems.length;
  const options: Options = {};
  for (const [key, value] of Object.entries(o)) {
    if (key === 'type' || (key === 'columns' && withColumns)) continue;
    if (key === 'columns') {
      c.fail(`${path}.columns`, "a step inside a columnTransformer entry gets the entry's columns; list them there");
      continue;
    }
    if (!Object.hasOwn(spec, key)) {
      c.fail(`${path}.${key}`, `unknown option for ${type}${suggestion(key, allowed)} (allowed: ${allowed.join(', ') || 'none'})`);
      continue;
    }
    const checked = spec[key](c, `${path}.${key}`, value);
    if (checked !== undefined) options[key] = checked;
  }
  const columns = withColumns ? columnList(c, o.columns, `${path}.columns`, false) : undefined;
  if (c.problems.length > before) return undefined;
  try {
    TRANSFORMS[type].make({ ...options, columns }); // the transform's own checks (fillValue needs strategy constant, ...)
  } catch (err) {
    const message = (err as Error).message;
    const only = /^\w+: (\w+) (is only used .+|needs .+)$/s.exec(message);
    c.problems.push(only === null ? rewriteArgError(path, message, o) : `${path}.${only[1]}: ${only[2].replace(/^is /, '')}`);
    return undefined;
  }
  return { type, ...(columns === undefined ? {} : { columns }), options };
}

function columnList(c: Checker, raw: unknown, path: string, required: boolean): string[] | undefined {
  if (raw === undefined && !required) return undefined;
  const list = c.array(path, raw ?? (required ? null : undefined), (p, v) => c.string(p, v), 'a non-empty list of column names');
  if (list === undefined)
    return required && raw === undefined ? c.fail(path, 'missing; expected a non-empty list of column names') : undefined;
  if (list.length === 0) return c.fail(path, 'expected a non-empty list of column names, got an empty list');
  const dup = list.find((n, i) => list.indexOf(n) !== i);
  return dup === undefined ? list : c.fail(path, `column "${dup}" is listed twice`);
}

/**
 * The columns each step of the list form applies to: its own `columns`, or the features of the kinds
 * it takes (numbers for the scalers, OutlierClipper and mean/median imputing; strings for the
 * encoders; both for mostFrequent and constant imputing, or those of fillValue's kind) that no
 * earlier step has encoded (an encoder replaces or recodes its columns).
 */
export function stepColumns(steps: readonly StepConfig[], schema: Readonly<Record<string, ColumnKind>>): string[][] {
  const encoded = new Set<string>();
  return steps.map((step) => {
    const kinds = stepKinds(step);
    const columns = step.columns ?? Object.keys(schema).filter((name) => kinds.includes(schema[name]) && !encoded.has(name));
    if (step.type === 'OneHotEncoder' || step.type === 'OrdinalEncoder') for (const c of columns) encoded.add(c);
    return columns;
  });
}

function stepKinds(step: StepConfig): ColumnKind[] {
  if (step.type === 'OneHotEncoder' || step.type === 'OrdinalEncoder') return ['string'];
  if (step.type !== 'SimpleImputer') return ['number'];
  const { strategy = 'mean', fillValue } = step.options;
  if (strategy === 'mean' || strategy === 'median') return ['number'];
  if (strategy === 'constant' && fillValue !== undefined) return [typeof fillValue === 'string' ? 'string' : 'number'];
  return ['number', 'string'];
}

/** Throws a ConfigError with preprocessingProblems, if any. */
export function checkPreprocessingColumns(config: PreprocessingConfig, schema: Readonly<Record<string, ColumnKind>>): void {
  const problems = preprocessingProblems(config, schema);
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * The columns the section names that are not features, and steps left without columns, as problems
 * at their paths, given the features' kinds; call once the data is loaded.
 */
export function preprocessingProblems(config: PreprocessingConfig, schema: Readonly<Record<string, ColumnKind>>): string[] {
  const features = Object.keys(schema);
  const problems: string[] = [];
  const check = (columns: readonly string[] | undefined, path: string) => {
    columns?.forEach((name, i) => {
      if (!features.includes(name))
        problems.push(`${path}[${i}]: "${name}" is not a feature column${suggestion(name, features)} (features: ${features.join(', ')})`);
    });
  };
  const p = 'config.preprocessing';
  if (config.kind === 'steps') {
    const columns = stepColumns(config.steps, schema);
    config.steps.forEach((s, i) => {
      check(s.columns, `${p}[${i}].columns`);
      if (columns[i].length === 0)
        problems.push(`${p}[${i}]: ${s.type} has no columns: no feature left holds ${stepKinds(s).join(' or ')}s; list its columns`);
    });
  }
  if (config.kind === 'columns') {
    config.entries.forEach((e, i) => {
      check(e.columns, `${p}.columnTransformer[${i}].columns`);
    });
  }
  if (config.kind === 'auto') {
    const other = features.filter((f) => schema[f] !== 'number' && schema[f] !== 'string');
    if (other.length > 0)
      problems.push(
        `${p}: auto preprocessing takes number and string features, but ${other.map((f) => `"${f}"`).join(', ')} holds ${schema[other[0]]}s; drop it (config.data.drop) or convert it in a sql source`,
      );
  }
  return problems;
}

/**
 * The (unfitted) Pipeline of the section for features of the given kinds, in `schema` order. Fit it
 * on a Table of the feature columns; its `toTensor` then gives the model's (N, F) input.
 */
export function buildPipeline(config: PreprocessingConfig, schema: Readonly<Record<string, ColumnKind>>): Pipeline {
  const features = Object.keys(schema);
  const make = (s: StepConfig, columns?: string[]) => TRANSFORMS[s.type].make({ ...s.options, columns });
  if (config.kind === 'none')
    return new Pipeline([new ColumnTransformer([{ name: 'features', transformer: 'passthrough', columns: features }])]);
  if (config.kind === 'steps') {
    const columns = stepColumns(config.steps, schema);
    return new Pipeline(config.steps.map((s, i) => make(s, columns[i])));
  }
  if (config.kind === 'columns') {
    const entries: ColumnTransformerEntry[] = config.entries.map((e) => ({
      name: e.name,
      columns: e.columns,
      transformer:
        typeof e.steps === 'string' ? e.steps : e.steps.length === 1 ? make(e.steps[0]) : new Pipeline(e.steps.map((s) => make(s))),
    }));
    return new Pipeline([new ColumnTransformer(entries, { remainder: config.remainder })]);
  }
  const numbers = features.filter((f) => schema[f] === 'number');
  const strings = features.filter((f) => schema[f] === 'string');
  const entries: ColumnTransformerEntry[] = [];
  if (numbers.length > 0)
    entries.push({
      name: 'numbers',
      columns: numbers,
      transformer: new Pipeline([new SimpleImputer({ strategy: 'median' }), new StandardScaler()]),
    });
  if (strings.length > 0) {
    const encode = new Pipeline([new SimpleImputer({ strategy: 'mostFrequent' }), new OneHotEncoder({ handleUnknown: 'ignore' })]);
    entries.push({ name: 'strings', columns: strings, transformer: encode });
  }
  return new Pipeline([new ColumnTransformer(entries)]);
}

/** The section in a few words, for the run summary. */
export function describePreprocessing(pipeline: Pipeline): string {
  const name = (t: Transformer): string => {
    if (t instanceof Pipeline) return t.steps.map((s) => name(s.transformer)).join(' + ');
    if (t instanceof ColumnTransformer)
      return t.entries
        .map((e) => `${e.columns.join(', ')}: ${typeof e.transformer === 'string' ? e.transformer : name(e.transformer)}`)
        .join('; ');
    const cols = (t as { columns?: string[] }).columns;
    return `${t.type}${t.isFitted && cols !== undefined ? ` (${cols.join(', ')})` : ''}`;
  };
  return name(pipeline);
}
