// scikit-learn parity for tessera's preprocessing: replays test/fixtures/sklearn/transforms.json
// (written by `/usr/bin/python3 scripts/sklearn_transform_fixtures.py`, which documents the format)
// without Python. Fitted statistics, outputs and inverses must match scikit-learn 1.2.1 within 1e-12
// relative (float64; values below 1e-15 in magnitude compare absolutely), feature names exactly,
// and every fitted transform must give bit-identical outputs after a JSON round trip.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ColumnTransformer,
  LabelEncoder,
  MinMaxScaler,
  OneHotEncoder,
  OrdinalEncoder,
  RobustScaler,
  SimpleImputer,
  StandardScaler,
  type Transformer,
  transformFromJSON,
} from '../src/data/preprocess/index.js';
import { Table } from '../src/data/table.js';
import { fixtureDir } from './fixture_files.js';

type Cell = number | string | null;
interface Case {
  name: string;
  transform: string;
  options: Record<string, unknown>;
  input: Record<string, Cell[]>;
  test?: Record<string, Cell[]>;
  state: Record<string, unknown>;
  output?: Cell[][];
  outputStrings?: Cell[][];
  featureNames?: string[];
  inverse?: Cell[][];
}
interface Fixture {
  cases: Case[];
  labelEncoder: { y: (string | number)[]; classes: (string | number)[]; codes: number[] }[];
  columnTransformer: { remainder: 'drop' | 'passthrough'; input: Record<string, Cell[]>; featureNames: string[]; output: Cell[][] }[];
}

const FILE = join(fixtureDir('sklearn'), 'transforms.json');
if (!existsSync(FILE)) throw new Error(`missing ${FILE}: run /usr/bin/python3 scripts/sklearn_transform_fixtures.py`);
const fixture = JSON.parse(readFileSync(FILE, 'utf8')) as Fixture;

const build: Record<string, (o: Record<string, unknown>) => Transformer> = {
  StandardScaler: (o) => new StandardScaler(o),
  MinMaxScaler: (o) => new MinMaxScaler(o),
  RobustScaler: (o) => new RobustScaler(o),
  OneHotEncoder: (o) => new OneHotEncoder(o),
  OrdinalEncoder: (o) => new OrdinalEncoder(o),
  SimpleImputer: (o) => new SimpleImputer(o),
};

const close = (a: Cell, b: Cell): boolean => {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    const d = Math.abs(a - b);
    return d <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)) || d <= 1e-15;
  }
  return a === b;
};
/** null (missing in JSON) as NaN for number comparisons. */
const cell = (v: Cell): Cell => (v === null ? Number.NaN : v);

function assertClose(actual: Cell[], expected: Cell[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => {
    const e = expected[i];
    const ok = typeof a === 'string' || typeof e === 'string' || a === null ? a === e : close(a, cell(e));
    assert.ok(ok, `${what}[${i}]: got ${a}, scikit-learn ${e}`);
  });
}

/** The rows of `names` columns of `t`, each cell a number (NaN when missing) or a string/null. */
function rows(t: Table, names: string[]): Cell[][] {
  return Array.from({ length: t.numRows }, (_, i) => names.map((n) => t.column(n).values[i] as Cell));
}

for (const c of fixture.cases) {
  test(`scikit-learn parity: ${c.name}`, () => {
    const t = build[c.transform](c.options);
    const x = Table.fromColumns(c.input as Record<string, (number | null)[]>);
    t.fit(x);
    for (const [key, expected] of Object.entries(c.state)) {
      const actual = (t as unknown as Record<string, unknown>)[key];
      if (Array.isArray(expected) && Array.isArray(expected[0])) {
        (expected as Cell[][]).forEach((e, j) => {
          assertClose((actual as Cell[][])[j], e, `${key}[${j}]`);
        });
      } else assertClose(actual as Cell[], expected as Cell[], key);
    }
    if (c.featureNames) assert.deepEqual(t.getFeatureNamesOut(), c.featureNames);
    const target = c.test ? Table.fromColumns(c.test as Record<string, (number | null)[]>) : x;
    const out = t.transform(target);
    const names = t.getFeatureNamesOut();
    const got = rows(out, names);
    const expected = c.output ?? c.outputStrings ?? [];
    expected.forEach((row, i) => {
      assertClose(got[i], row, `output row ${i}`);
    });
    if (c.inverse) {
      const back = t.inverseTransform(out);
      rows(back, Object.keys(c.input)).forEach((row, i) => {
        assertClose(row, c.inverse?.[i] as Cell[], `inverse row ${i}`);
      });
    }
    // the fitted transform survives JSON: same outputs, bit for bit
    const copy = transformFromJSON(JSON.parse(JSON.stringify(t.toJSON())));
    assert.deepEqual(rows(copy.transform(target), names), got);
  });
}

test('scikit-learn parity: LabelEncoder', () => {
  for (const { y, classes, codes } of fixture.labelEncoder) {
    const le = new LabelEncoder().fit(y);
    assert.deepEqual(le.classes, classes);
    assert.deepEqual([...le.transform(y)], codes);
    assert.deepEqual(le.inverseTransform(codes), y);
    assert.deepEqual(LabelEncoder.fromJSON(JSON.parse(JSON.stringify(le.toJSON()))).classes, classes);
  }
});

test('scikit-learn parity: ColumnTransformer with remainder', () => {
  assert.equal(fixture.columnTransformer.length, 2);
  for (const c of fixture.columnTransformer) {
    const ct = new ColumnTransformer(
      [
        { name: 'num', transformer: new StandardScaler(), columns: ['a', 'b'] },
        { name: 'cat', transformer: new OneHotEncoder({ handleUnknown: 'ignore' }), columns: ['color'] },
      ],
      { remainder: c.remainder },
    );
    const x = Table.fromColumns(c.input as Record<string, (number | null)[]>);
    const out = ct.fitTransform(x);
    assert.deepEqual(ct.getFeatureNamesOut(), c.featureNames);
    assert.deepEqual(out.columnNames, c.featureNames);
    rows(out, c.featureNames).forEach((row, i) => {
      assertClose(row, c.output[i], `${c.remainder} row ${i}`);
    });
  }
});
