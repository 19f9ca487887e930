// The fast conversion path (typed-array views of DuckDB's vectors) against the plain one (values read
// one by one through @duckdb/node-api), over several chunks of every fast-path type with NULLs.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, test } from 'node:test';
import type { Table } from '../table.js';
import { TableBuilder } from './builder.js';
import { columnReaders, kindOf, type RawBindings } from './columns.js';

const api = await import('@duckdb/node-api');
const instance = await api.DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const raw = createRequire(createRequire(import.meta.url).resolve('@duckdb/node-api'))('@duckdb/node-bindings') as RawBindings;
after(() => {
  conn.closeSync();
  instance.closeSync();
});

const N = 5000; // about 2.5 DuckDB chunks of 2048 rows
const COLUMNS: Record<string, string> = {
  bool: 'i % 3 = 0',
  i8: '(i % 200 - 100)::TINYINT',
  i16: '(i * 7 - 20000)::SMALLINT',
  i32: '(i * 100003 - 250000000)::INTEGER',
  i64: '(i * 1000000007 - 2500000000000)::BIGINT',
  u8: '(i % 256)::UTINYINT',
  u16: '(i * 13 % 65536)::USMALLINT',
  u32: '(i * 858993)::UINTEGER',
  u64: '(i * 1000000007)::UBIGINT',
  f32: '(i / 7)::FLOAT',
  f64: '(i / 7 - 300)::DOUBLE',
  d4: '((i % 1000) / 10 - 50)::DECIMAL(4,1)',
  d9: '((i * 7919 % 1000000) / 1000 - 500)::DECIMAL(9,3)',
  d18: '((i * 1000003) / 1000000 - 2.5)::DECIMAL(18,6)',
  d18big: '(i::BIGINT * 1234567890123 + 0.37)::DECIMAL(18,2)', // scaled integers beyond 2^53
  d38: '(i::HUGEINT * 1000000007 * 1000000009 * 1000000021 - 12345678901234567890123)::DECIMAL(38,4)',
  dsmall: '(i - 2500)::DECIMAL(38,2) * 1.5', // the kind of DECIMAL(38) that arithmetic produces
  i128: '(i::HUGEINT * 1000000007 - 2500000000000)',
  u128: '(i::UHUGEINT * 1000000007)',
  date: "DATE '1960-01-01' + (i * 11)::INTEGER",
  ts: "TIMESTAMP '1950-06-01 00:00:00' + to_microseconds(i * 987654321)",
  tstz: "TIMESTAMPTZ '2001-01-01 00:00:00+00' + to_microseconds(i * 123456789)",
  ts_s: "(TIMESTAMP '2000-01-01' + to_seconds(i * 3601))::TIMESTAMP_S",
  ts_ms: "(TIMESTAMP '2000-01-01' + to_milliseconds(i * 3601001))::TIMESTAMP_MS",
  ts_ns: "(TIMESTAMP '2000-01-01' + to_microseconds(i * 3601001001))::TIMESTAMP_NS",
};
// every column is NULL on a different pattern of rows
const SQL = `SELECT ${Object.entries(COLUMNS)
  .map(([name, expr], k) => `CASE WHEN i % ${k + 3} = 1 THEN NULL ELSE ${expr} END AS ${name}`)
  .join(', ')} FROM range(${N}) t(i)`;

async function convert(sql: string, bindings: RawBindings | null): Promise<Table> {
  const result = await conn.run(sql);
  const b = new TableBuilder(columnReaders(result, bindings, 'test'), 16); // small start: exercises growth
  for (let i = 0; i < result.chunkCount; i++) {
    const chunk = result.getChunk(i);
    b.append(chunk, 0, chunk.rowCount);
  }
  return b.toTable();
}

test('fast and plain paths agree on every fixed-width type, NULLs included', async () => {
  const fast = await convert(SQL, raw);
  const plain = await convert(SQL, null);
  assert.equal(fast.numRows, N);
  assert.deepEqual(fast.schema, plain.schema);
  for (const name of Object.keys(COLUMNS)) {
    const f = fast.column(name).values as Float64Array;
    const p = plain.column(name).values as Float64Array;
    for (let i = 0; i < N; i++) {
      if (!Object.is(f[i], p[i])) assert.fail(`column ${name} row ${i}: fast ${f[i]}, plain ${p[i]}`);
    }
    const k = Object.keys(COLUMNS).indexOf(name) + 3;
    for (let i = 0; i < N; i++) assert.equal(Number.isNaN(f[i]), i % k === 1, `column ${name} row ${i}: NULL pattern`);
  }
});

test('converted values match values computed in JavaScript', async () => {
  const t = await convert(SQL, raw);
  for (const i of [0, 2, 2047, 2048, 4000, N - 1]) {
    const row = t.row(i);
    const k = (name: string) => Object.keys(COLUMNS).indexOf(name) + 3;
    const expect = (name: string, value: number) => assert.equal(row[name], i % k(name) === 1 ? null : value, `${name} row ${i}`);
    expect('bool', i % 3 === 0 ? 1 : 0);
    expect('i64', i * 1000000007 - 2500000000000);
    expect('u64', i * 1000000007);
    expect('i32', i * 100003 - 250000000);
    expect('f64', i / 7 - 300);
    expect('f32', Math.fround(i / 7));
    expect('i128', i * 1000000007 - 2500000000000);
    expect('dsmall', ((i - 2500) * 150) / 100);
    expect('d9', (((i * 7919) % 1000000) - 500000) / 1000); // the scaled integer over 10^scale
    expect('date', Date.UTC(1960, 0, 1) + i * 11 * 86400000);
    expect('ts', Date.UTC(1950, 5, 1) + (i * 987654321) / 1000);
    expect('tstz', Date.UTC(2001, 0, 1) + (i * 123456789) / 1000);
    expect('ts_s', Date.UTC(2000, 0, 1) + i * 3601 * 1000);
    expect('ts_ms', Date.UTC(2000, 0, 1) + i * 3601001);
    expect('ts_ns', Number(BigInt(Date.UTC(2000, 0, 1)) * 1000000n + BigInt(i * 3601001001) * 1000n) / 1e6);
  }
});

test('strings and enums (plain path) and slices across chunk boundaries', async () => {
  const sql = `SELECT CASE WHEN i % 5 = 0 THEN NULL ELSE 'row ' || i || repeat('x', i % 20) END AS s,
    (['lo', 'mid', 'hi'])[i % 3 + 1]::ENUM('lo', 'mid', 'hi') AS e, i::DOUBLE AS x FROM range(3000) t(i)`;
  const result = await conn.run(sql);
  const b = new TableBuilder(columnReaders(result, raw, 'test'), 100);
  const first = result.getChunk(0);
  b.append(first, 1000, 2048); // a slice: rows 1000..2047 of the first chunk
  b.append(result.getChunk(1), 0, 10);
  const t = b.toTable();
  assert.equal(t.numRows, 1058);
  const rowOf = (j: number) => (j < 1048 ? 1000 + j : 2048 + j - 1048);
  for (const j of [0, 1, 1047, 1048, 1057]) {
    const i = rowOf(j);
    assert.deepEqual(t.row(j), { s: i % 5 === 0 ? null : `row ${i}${'x'.repeat(i % 20)}`, e: ['lo', 'mid', 'hi'][i % 3], x: i });
  }
});

test('kindOf names the Table kind of DuckDB types', () => {
  assert.equal(kindOf('DECIMAL(38,10)'), 'number');
  assert.equal(kindOf('TIMESTAMP WITH TIME ZONE'), 'timestamp');
  assert.equal(kindOf("ENUM('a', 'b')"), 'string');
  assert.equal(kindOf('BLOB'), null);
  assert.equal(kindOf('INTEGER[]'), null);
});
