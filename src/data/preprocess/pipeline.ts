// Pipeline: transforms applied in sequence, fitted in sequence (each step fits on the previous
// step's output), like scikit-learn's Pipeline without the final estimator: the model stays
// separate, and `toTensor` turns a raw Table into the model's float32 input (N, F). The feature
// columns are fixed at fit, so serving rows with extra fields still give the same (N, F).

import type { Tensor } from '../../core/tensor.js';
import type { Json } from '../../io/tree.js';
import { RowError, Table, withRowLabels } from '../table.js';
import { JsonReader, show } from './json.js';
import { transformFromJSON } from './registry.js';
import { checkTransformer, type Transformer, type TransformJSON } from './transformer.js';

/** A pipeline step: a transformer, optionally named (default: its type in lower case). */
export type PipelineStep = Transformer | { name: string; transformer: Transformer };

/**
 * A sequence of transformers that is itself a transformer (so it can nest in a ColumnTransformer).
 *
 * @example
 * const prep = new Pipeline([
 *   new ColumnTransformer([
 *     { name: 'num', transformer: new Pipeline([new SimpleImputer({ strategy: 'median' }), new StandardScaler()]), columns: ['age'] },
 *     { name: 'cat', transformer: new OneHotEncoder({ handleUnknown: 'ignore' }), columns: ['city'] },
 *   ]),
 * ]);
 * const x = prep.fit(train).toTensor(train); // (N, F) float32, F = prep.getFeatureNamesOut().length
 */
export class Pipeline implements Transformer {
  readonly type = 'Pipeline';
  readonly steps: readonly { readonly name: string; readonly transformer: Transformer }[];
  private features: string[] | null = null;

  constructor(steps: readonly PipelineStep[]) {
    if (!Array.isArray(steps) || steps.length === 0)
      throw new TypeError(`Pipeline: expected a non-empty array of steps, got ${show(steps)}`);
    const named = steps.map((s, i) => {
      const explicit = s !== null && typeof s === 'object' && 'transformer' in s && 'name' in s && !('fit' in s);
      const transformer = checkTransformer(`Pipeline: steps[${i}]`, explicit ? s.transformer : s);
      if (explicit && (typeof s.name !== 'string' || s.name === ''))
        throw new TypeError(`Pipeline: steps[${i}].name must be a non-empty string`);
      return { name: explicit ? s.name : '', transformer };
    });
    const auto = named.filter((s) => s.name === ''); // named like make_pipeline: type, or type-1, type-2, ...
    const types = auto.map((s) => s.transformer.type.toLowerCase());
    auto.forEach((s, i) => {
      const same = types.filter((t) => t === types[i]).length;
      s.name = same === 1 ? types[i] : `${types[i]}-${types.slice(0, i + 1).filter((t) => t === types[i]).length}`;
    });
    const dup = named.find((s, i) => named.findIndex((o) => o.name === s.name) !== i);
    if (dup !== undefined) throw new RangeError(`Pipeline: two steps are named '${dup.name}'; names must be unique`);
    this.steps = named;
  }

  get isFitted(): boolean {
    return this.features !== null;
  }

  /** The transformer of step `name`. */
  step(name: string): Transformer {
    const s = this.steps.find((x) => x.name === name);
    if (s === undefined) throw new RangeError(`Pipeline: no step '${name}'; steps are ${this.steps.map((x) => `'${x.name}'`).join(', ')}`);
    return s.transformer;
  }

  fit(table: Table): this {
    this.fitTransform(table);
    return this;
  }

  fitTransform(table: Table): Table {
    if (!(table instanceof Table)) throw new TypeError(`Pipeline.fit: expected a Table, got ${show(table)}`);
    if (table.numRows === 0) throw new RangeError('Pipeline.fit: the table is empty (0 rows); there is nothing to learn from');
    this.features = null;
    let t = table;
    for (const s of this.steps) t = withRowLabels(table, () => s.transformer.fitTransform(t));
    this.features = t.columnNames;
    return t;
  }

  transform(table: Table): Table {
    this.state('transform');
    let t = table;
    for (const s of this.steps) t = withRowLabels(table, () => s.transformer.transform(t));
    return t;
  }

  /** Undoes the steps in reverse order; throws naming the first step that cannot be undone. */
  inverseTransform(table: Table): Table {
    this.state('inverseTransform');
    let t = table;
    for (const s of [...this.steps].reverse()) {
      try {
        t = s.transformer.inverseTransform(t);
      } catch (e) {
        throw new Error(`Pipeline.inverseTransform: step '${s.name}' cannot be undone: ${(e as Error).message}`);
      }
    }
    return t;
  }

  /** The feature columns the pipeline outputs (fixed at fit), in order. */
  getFeatureNamesOut(): string[] {
    return [...this.state('getFeatureNamesOut')];
  }

  /** The number of features F of `toTensor`'s (N, F) output. */
  get numFeatures(): number {
    return this.state('numFeatures').length;
  }

  /**
   * `table` transformed, as the model's float32 input (numRows, F) with the features in
   * `getFeatureNamesOut()` order. Throws naming any feature that is missing, still holds strings, or
   * still has a missing value (add an encoder or an imputer to the pipeline).
   */
  toTensor(table: Table): Tensor {
    const features = this.state('toTensor');
    const t = this.transform(table);
    for (const name of features) {
      if (!t.has(name))
        throw new RangeError(
          `Pipeline.toTensor: feature '${name}' is not in the transformed table; its columns are ${t.columnNames.join(', ')}`,
        );
      const col = t.column(name);
      if (col.kind === 'string')
        throw new TypeError(
          `Pipeline.toTensor: column '${name}' still holds strings after the pipeline; encode it (OneHotEncoder, OrdinalEncoder)`,
        );
      const row = col.values.findIndex((v) => Number.isNaN(v));
      if (row >= 0)
        throw new RowError(
          (at) =>
            `Pipeline.toTensor: column '${name}' has a missing value at ${at} after the pipeline; impute it (SimpleImputer) or drop the row`,
          row,
        ).relabel(table);
      const inf = col.values.findIndex((v) => !Number.isFinite(v));
      if (inf >= 0)
        throw new RowError(
          (at) =>
            `Pipeline.toTensor: column '${name}' holds ${col.values[inf]} at ${at} after the pipeline; replace infinite values (e.g. by missing ones, then impute) first`,
          inf,
        ).relabel(table);
    }
    return t.toTensor(features); // (N, F)
  }

  toJSON(): TransformJSON {
    const steps = this.steps.map((s) => ({ name: s.name, transformer: s.transformer.toJSON() as unknown as Json }));
    return { type: this.type, config: { steps }, state: this.features === null ? null : { featureNamesOut: [...this.features] } };
  }

  /**
   * A Pipeline from `toJSON()`'s output, strictly checked (steps through transformFromJSON).
   * @example const same = Pipeline.fromJSON(JSON.parse(JSON.stringify(prep.toJSON())));
   */
  static fromJSON(json: unknown, at = ''): Pipeline {
    const env = new JsonReader(at === '' ? 'Pipeline' : at.slice(0, -1), json);
    if (env.string('type') !== 'Pipeline') throw env.fail(`${env.where}.type must be 'Pipeline', got ${show(env.raw('type'))}`);
    const r = new JsonReader(`${at}Pipeline.config`, env.raw('config'));
    const stateRaw = env.raw('state');
    env.done();
    const steps = r.array('steps').map((raw, i) => {
      const s = new JsonReader(`${r.where}.steps[${i}]`, raw);
      const name = s.string('name');
      const transformer = transformFromJSON(s.raw('transformer'), `${s.where}.transformer.`);
      s.done();
      return { name, transformer };
    });
    r.done();
    let p: Pipeline;
    try {
      p = new Pipeline(steps);
    } catch (e) {
      throw new TypeError(`transformFromJSON: ${r.where}: ${(e as Error).message}`);
    }
    if (stateRaw === null) return p;
    const st = new JsonReader(`${at}Pipeline.state`, stateRaw);
    const features = st.strings('featureNamesOut');
    st.done();
    const unfitted = steps.find((s) => !s.transformer.isFitted);
    if (unfitted !== undefined)
      throw st.fail(`${st.where}: the pipeline is fitted but its step '${unfitted.name}' is not (its state is null)`);
    p.features = features;
    return p;
  }

  private state(op: string): string[] {
    if (this.features === null) throw new Error(`Pipeline: call fit before ${op}`);
    return this.features;
  }
}
