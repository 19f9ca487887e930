import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixtureDir } from '../../../test/fixture_files.js';
import type { Table } from '../table.js';
import { query } from './duckdb.js';
import { readCsv, readJson, readParquet } from './readers.js';
import { quoteString } from './sql.js';
import { loadXY } from './xy.js';

const dir = fixtureDir('data_sources');
const fx = (name: string) => join(dir, name);
const tmp = mkdtempSync(join(tmpdir(), 'tessera-readers-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const utc = (y: number, m: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, m - 1, d, h, mi, s);
const nums = (t: Table, c: string) => [...t.numbers(c)].map((v) => (Number.isNaN(v) ? null : v));
const times = (t: Table, c: string) => {
  const col = t.column(c);
  assert.equal(col.kind, 'timestamp', `column ${c} should be a timestamp`);
  return [...(col.values as Float64Array)].map((v) => (Number.isNaN(v) ? null : v));
};

test('readCsv: header, quoted fields, embedded newline, nulls, dates and booleans', async () => {
  const t = await readCsv(fx('people.csv'));
  assert.deepEqual(t.schema, { id: 'number', name: 'string', city: 'string', joined: 'timestamp', active: 'number', score: 'number' });
  assert.equal(t.numRows, 4);
  assert.deepEqual(nums(t, 'id'), [1, 2, 3, 4]);
  assert.deepEqual(t.strings('name'), ['Ada', 'Bob "the builder"', null, 'Dee']);
  assert.deepEqual(t.strings('city'), ['London, UK', 'Oslo', 'Rome', 'two\nlines']);
  assert.deepEqual(times(t, 'joined'), [utc(2021, 3, 4), utc(2022, 11, 30), null, utc(2020, 1, 1)]);
  assert.deepEqual(nums(t, 'active'), [1, 0, 1, null]);
  assert.deepEqual(nums(t, 'score'), [9.5, null, 7.25, 8]);
});

test('readCsv options: columns, types, delimiter, skipRows, nullValues, header, limit', async () => {
  const sub = await readCsv(fx('people.csv'), { columns: ['score', 'id'], types: { id: 'string' }, limit: 2 });
  assert.deepEqual(sub.columnNames, ['score', 'id']);
  assert.deepEqual(sub.strings('id'), ['1', '2']);
  assert.deepEqual(nums(sub, 'score'), [9.5, null]);

  const semi = await readCsv(fx('semicolon.csv'), { delimiter: ';', skipRows: 2, nullValues: ['NA'] });
  assert.deepEqual(semi.schema, { a: 'number', b: 'number', label: 'string' });
  assert.deepEqual(nums(semi, 'a'), [1, 2, null]);
  assert.deepEqual(nums(semi, 'b'), [null, 3.5, 4]);

  const raw = await readCsv(fx('noheader.csv'), { header: false });
  assert.equal(raw.numColumns, 2);
  const [c0, c1] = raw.columnNames;
  assert.deepEqual(nums(raw, c0), [1, 3, 5]);
  assert.deepEqual(nums(raw, c1), [2, 4, 6]);
  // with a header (the default) the first line names the columns
  assert.deepEqual((await readCsv(fx('noheader.csv'))).columnNames, ['1', '2']);

  const asNumber = await readCsv(fx('noheader.csv'), { header: false, types: { [c0]: 'string' } });
  assert.deepEqual(asNumber.strings(c0), ['1', '3', '5']);
});

test('readParquet reads what DuckDB wrote, with columns, types and limit', async () => {
  const file = join(tmp, 'people.parquet');
  await query(`COPY (SELECT * FROM read_csv(${quoteString(fx('people.csv'))})) TO ${quoteString(file)} (FORMAT PARQUET)`);
  const csv = await readCsv(fx('people.csv'));
  const pq = await readParquet(file);
  assert.deepEqual(pq.schema, csv.schema);
  for (const c of csv.columnNames) assert.deepEqual(pq.column(c), csv.column(c), `column ${c}`);

  const sub = await readParquet(file, { columns: ['name', 'score'], types: { score: 'string' }, limit: 3 });
  assert.deepEqual(sub.columnNames, ['name', 'score']);
  assert.deepEqual(sub.strings('score'), ['9.5', null, '7.25']);
  const typedAll = await readParquet(file, { types: { id: 'string' } });
  assert.deepEqual(typedAll.columnNames, csv.columnNames); // REPLACE keeps the column's place
  assert.deepEqual(typedAll.strings('id'), ['1', '2', '3', '4']);
});

test('readJson reads JSON Lines and JSON arrays alike', async () => {
  const lines = await readJson(fx('events.jsonl'));
  const array = await readJson(fx('events_array.json'));
  const expected = readFileSync(fx('events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: number; kind: string | null; at: string; value: number | null });
  for (const t of [lines, array]) {
    assert.deepEqual(t.schema, { id: 'number', kind: 'string', at: 'timestamp', value: 'number' });
    assert.deepEqual(
      nums(t, 'id'),
      expected.map((e) => e.id),
    );
    assert.deepEqual(
      t.strings('kind'),
      expected.map((e) => e.kind),
    );
    assert.deepEqual(
      times(t, 'at'),
      expected.map((e) => Date.parse(e.at)),
    );
    assert.deepEqual(
      nums(t, 'value'),
      expected.map((e) => e.value),
    );
  }
  const fixed = await readJson(fx('events.jsonl'), { format: 'lines', columns: ['value', 'id'], types: { id: 'string' } });
  assert.deepEqual(fixed.columnNames, ['value', 'id']);
  assert.deepEqual(fixed.strings('id'), ['1', '2', '3']);
  await assert.rejects(readJson(fx('events_array.json'), { format: 'lines' }), /readJson: .*events_array\.json/);
});

test('paths with quotes and spaces are bound, not pasted into SQL', async () => {
  const file = join(tmp, 'it\'s a "file"; DROP TABLE x.csv');
  writeFileSync(file, 'a,b\n1,2\n');
  const t = await readCsv(file, { columns: ['b'] });
  assert.deepEqual(nums(t, 'b'), [2]);
});

test('loadXY splits features and target into tensors', async () => {
  const file = join(tmp, 'xy.csv');
  const rows = [
    [1, 2, 0],
    [3, 4, 1],
    [5, 6, 0],
  ];
  writeFileSync(file, `f1,f2,label\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  const { x, y, table } = await loadXY(file, { target: 'label' });
  assert.deepEqual(x.shape, [3, 2]);
  assert.deepEqual(y.shape, [3, 1]);
  assert.deepEqual(
    x.toArray(),
    rows.map((r) => r.slice(0, 2)),
  );
  assert.deepEqual(
    y.toArray(),
    rows.map((r) => [r[2]]),
  );
  assert.equal(table.numRows, 3);
  const swapped = await loadXY(file, { target: ['f1'], features: ['label', 'f2'] });
  assert.deepEqual(
    swapped.x.toArray(),
    rows.map((r) => [r[2], r[1]]),
  );
  await assert.rejects(loadXY(file, { target: 'nope' }), /no column 'nope'; columns are 'f1', 'f2', 'label'/);
  await assert.rejects(loadXY(join(tmp, 'data.xlsx'), { target: 'y' }), /cannot tell the format of '.*data\.xlsx'/);
});
