// transformFromJSON: every transform (fitted or not) round-trips through JSON; corrupted or foreign
// JSON is refused with the path at fault; user transforms are added explicitly with registerTransform.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Table } from '../table.js';
import { ColumnTransformer } from './column_transformer.js';
import { OneHotEncoder } from './one_hot_encoder.js';
import { OrdinalEncoder } from './ordinal_encoder.js';
import { OutlierClipper } from './outlier_clipper.js';
import { Pipeline } from './pipeline.js';
import { registerTransform, transformFromJSON, transformTypes } from './registry.js';
import { MinMaxScaler, RobustScaler, StandardScaler } from './scalers.js';
import { SimpleImputer } from './simple_imputer.js';
import type { Transformer, TransformJSON } from './transformer.js';

const data = () => Table.fromColumns({ x: [1, 5, null, 7, 2], s: ['a', 'b', 'a', null, 'c'] });
const all = (): Transformer[] => [
  new StandardScaler({ columns: ['x'], withMean: false }),
  new MinMaxScaler({ columns: ['x'], featureRange: [-1, 1], clip: true }),
  new RobustScaler({ columns: ['x'], quantileRange: [10, 90] }),
  new OneHotEncoder({
    columns: ['s'],
    drop: 'first',
    minFrequency: 2,
    handleUnknown: 'infrequent',
    categories: { s: ['a', 'b', 'c', 'd', null] },
  }),
  new OrdinalEncoder({ handleUnknown: 'useEncodedValue', unknownValue: Number.NaN, encodedMissingValue: -1 }),
  new SimpleImputer({ strategy: 'mostFrequent' }),
  new OutlierClipper({ columns: ['x'], method: 'quantile' }),
  new ColumnTransformer([{ name: 'n', transformer: new StandardScaler(), columns: ['x'] }], {
    remainder: 'passthrough',
    verboseFeatureNamesOut: true,
  }),
  new Pipeline([new SimpleImputer({ strategy: 'constant', columns: ['s'] }), new OneHotEncoder({ columns: ['s'] })]),
];
const roundTrip = (t: Transformer) => transformFromJSON(JSON.parse(JSON.stringify(t.toJSON())));

test('every transform round-trips through JSON, unfitted and fitted, with bit-identical outputs', () => {
  for (const t of all()) {
    const unfitted = roundTrip(t);
    assert.equal(unfitted.isFitted, false, t.type);
    assert.deepEqual(unfitted.toJSON(), t.toJSON(), t.type);
    const out = t.fitTransform(data());
    const copy = roundTrip(t);
    assert.equal(copy.isFitted, true, t.type);
    assert.deepEqual(copy.toJSON(), t.toJSON(), t.type);
    const again = copy.transform(data());
    assert.deepEqual(again.columnNames, out.columnNames, t.type);
    for (const c of out.columnNames) assert.deepEqual(again.column(c), out.column(c), `${t.type} ${c}`);
    assert.deepEqual(copy.getFeatureNamesOut(), t.getFeatureNamesOut(), t.type);
  }
});

test('corrupted JSON is refused with the path at fault', () => {
  const fitted = (t: Transformer) => JSON.parse(JSON.stringify(t.fit(data()).toJSON())) as TransformJSON & Record<string, never>;
  const bad = (json: unknown, pattern: RegExp) => assert.throws(() => transformFromJSON(json), pattern);
  bad(null, /transformFromJSON: transform must be a JSON object, got null/);
  bad({ type: 'Eval', config: {}, state: null }, /unknown transform type 'Eval' \(known: StandardScaler, MinMaxScaler/);
  bad({ type: 'StandardScaler', config: {}, state: null, code: 'x' }, /transform has an unknown field 'code'/);
  bad({ type: 'StandardScaler', config: [], state: null }, /transform.config must be a JSON object/);
  bad({ type: 'StandardScaler', config: {}, state: 3 }, /transform.state must be a JSON object \(fitted\) or null/);
  const s = fitted(new StandardScaler({ columns: ['x'] }));
  bad({ ...s, config: { ...s.config, withMean: 1 } }, /StandardScaler.config.withMean must be true or false, got 1/);
  bad({ ...s, config: { ...s.config, extra: 1 } }, /StandardScaler.config has an unknown field 'extra'/);
  bad({ ...s, config: { columns: null, withStd: true } }, /StandardScaler.config.withMean is missing/);
  bad({ ...s, state: { ...s.state, mean: [1, 2] } }, /StandardScaler.state.mean must have 1 entries \(one per column\), got 2/);
  bad({ ...s, state: { ...s.state, scale: [0] } }, /StandardScaler.state.scale\[0\] must be > 0, got 0/);
  bad({ ...s, state: { ...s.state, var: ['1'] } }, /StandardScaler.state.var\[0\] must be a finite number, got "1"/);
  bad(
    { ...s, state: { ...s.state, kinds: ['string'] } },
    /StandardScaler.state.kinds\[0\] is 'string', which StandardScaler does not accept/,
  );
  bad({ ...s, state: { ...s.state, columns: [] } }, /StandardScaler.state.columns must name at least one column/);
  const m = fitted(new MinMaxScaler({ columns: ['x'] }));
  bad({ ...m, config: { ...m.config, featureRange: [1, 0] } }, /MinMaxScaler.config: MinMaxScaler: featureRange must be \[low, high\]/);
  bad({ ...m, state: { ...m.state, dataMin: [9] } }, /MinMaxScaler.state.dataMin\[0\] \(9\) must not exceed dataMax\[0\] \(7\)/);
  const o = fitted(new OneHotEncoder({ columns: ['s'] }));
  bad({ ...o, state: { ...o.state, categories: [['a', 'a']] } }, /OneHotEncoder.state.categories\[0\] lists 'a' twice/);
  bad(
    { ...o, state: { ...o.state, categories: [[1, 2]] } },
    /OneHotEncoder.state.categories\[0\]\[0\] must be a string or null \(missing\), got 1/,
  );
  bad(
    { ...o, state: { ...o.state, infrequent: [[9]] } },
    /OneHotEncoder.state.infrequent\[0\] must list distinct category indices below 4/,
  );
  bad({ ...o, state: { ...o.state, dropSlot: [4] } }, /OneHotEncoder.state.dropSlot\[0\] must be null or an output index below 4/);
  bad(
    { ...o, config: { ...o.config, handleUnknown: 'maybe' } },
    /OneHotEncoder.config.handleUnknown must be one of "error", "ignore", "infrequent", got "maybe"/,
  );
  const p = fitted(new Pipeline([new StandardScaler({ columns: ['x'] })]));
  const step = (p.config.steps as unknown as { transformer: TransformJSON }[])[0];
  const broken = {
    ...p,
    config: { steps: [{ name: 'standardscaler', transformer: { ...step.transformer, state: { ...step.transformer.state, mean: 'x' } } }] },
  };
  bad(broken, /transformFromJSON: Pipeline.config.steps\[0\].transformer.StandardScaler.state.mean must be an array, got "x"/);
  const unfittedStep = { ...p, config: { steps: [{ name: 'standardscaler', transformer: { ...step.transformer, state: null } }] } };
  bad(unfittedStep, /Pipeline.state: the pipeline is fitted but its step 'standardscaler' is not/);
  const ct = fitted(new ColumnTransformer([{ name: 'n', transformer: 'passthrough', columns: ['x'] }]));
  bad(
    { ...ct, state: { ...ct.state, outputs: [['y']] } },
    /ColumnTransformer.state.outputs\[0\] must be \["x"\] for a 'passthrough' entry, got \["y"\]/,
  );
  bad(
    { ...ct, config: { ...ct.config, remainder: 'keep' } },
    /ColumnTransformer.config.remainder must be one of "drop", "passthrough", got "keep"/,
  );
});

test('registerTransform adds a user transform by name; built-in names are reserved', () => {
  class Negate implements Transformer {
    readonly type = 'Negate';
    isFitted = true;
    fit() {
      return this;
    }
    transform(t: Table) {
      return t.withColumn(
        'x',
        Float64Array.from(t.numbers('x'), (v) => -v),
      );
    }
    fitTransform(t: Table) {
      return this.transform(t);
    }
    inverseTransform(t: Table) {
      return this.transform(t);
    }
    getFeatureNamesOut() {
      return ['x'];
    }
    toJSON(): TransformJSON {
      return { type: 'Negate', config: {}, state: {} };
    }
  }
  const p = new Pipeline([new Negate(), new StandardScaler()]).fit(data().select(['x']));
  assert.throws(() => roundTrip(p), /unknown transform type 'Negate'/);
  registerTransform('Negate', () => new Negate());
  assert.ok(transformTypes().includes('Negate'));
  assert.deepEqual(roundTrip(p).transform(data()).numbers('x'), p.transform(data()).numbers('x'));
  assert.throws(() => registerTransform('Pipeline', () => new Negate()), /'Pipeline' is a built-in transform; pick another name/);
  assert.throws(() => registerTransform('', () => new Negate()), /type must be a non-empty string/);
});
