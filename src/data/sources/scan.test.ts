import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Table } from '../table.js';
import { openDatabase, query, scanQuery } from './duckdb.js';
import { readCsv, readParquet, scanCsv, scanJson, scanParquet } from './readers.js';
import { quoteString } from './sql.js';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-scan-'));
const csv = join(tmp, 'rows.csv');
const parquet = join(tmp, 'rows.parquet');
const jsonl = join(tmp, 'rows.jsonl');
const N = 10_007; // several DuckDB chunks (2048 rows), not a multiple of any batch size below

before(async () => {
  const rows = `SELECT i AS id, i * 0.5 AS half, CASE WHEN i % 3 = 0 THEN NULL ELSE 'r' || i END AS tag,
    DATE '2020-01-01' + (i % 1000)::INTEGER AS day FROM range(${N}) t(i)`;
  await query(`COPY (${rows}) TO ${quoteString(csv)} (HEADER)`);
  await query(`COPY (${rows}) TO ${quoteString(parquet)} (FORMAT PARQUET)`);
  await query(`COPY (${rows}) TO ${quoteString(jsonl)} (FORMAT JSON)`);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

async function collect(batches: AsyncIterable<Table>): Promise<Table[]> {
  const out: Table[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

function assertSameTable(a: Table, b: Table): void {
  assert.deepEqual(a.schema, b.schema);
  assert.equal(a.numRows, b.numRows);
  for (const c of a.columnNames) assert.deepEqual([...a.column(c).values], [...b.column(c).values], `column ${c}`);
}

test('scanCsv yields batches of the asked size whose concatenation is the whole file', async () => {
  const whole = await readCsv(csv);
  assert.equal(whole.numRows, N);
  for (const batchSize of [1000, 3000, 4096, 50_000]) {
    const batches = await collect(scanCsv(csv, { batchSize }));
    const sizes = batches.map((b) => b.numRows);
    const full = Math.floor(N / batchSize);
    assert.deepEqual(sizes, [...Array(full).fill(batchSize), ...(N % batchSize ? [N % batchSize] : [])], `batchSize ${batchSize}`);
    assertSameTable(
      batches.reduce((a, b) => a.concat(b)),
      whole,
    );
  }
});

test('scanParquet and scanJson stream the same rows; options apply per batch', async () => {
  const whole = await readParquet(parquet);
  assertSameTable(
    (await collect(scanParquet(parquet, { batchSize: 2500 }))).reduce((a, b) => a.concat(b)),
    whole,
  );
  const json = await collect(scanJson(jsonl, { batchSize: 4000 }));
  assert.deepEqual(
    json.map((b) => b.numRows),
    [4000, 4000, N - 8000],
  );
  assert.deepEqual([...json[2].numbers('id').slice(0, 3)], [8000, 8001, 8002]);
  const some = await collect(scanCsv(csv, { batchSize: 300, columns: ['tag', 'id'], limit: 700 }));
  assert.deepEqual(
    some.map((b) => [b.numRows, b.columnNames.join()]),
    [
      [300, 'tag,id'],
      [300, 'tag,id'],
      [100, 'tag,id'],
    ],
  );
});

test('scanQuery streams SQL with parameters; stopping early releases the connection', async () => {
  const db = await openDatabase();
  let seen = 0;
  for await (const b of scanQuery('SELECT i FROM range(?) t(i) WHERE i % 2 = 0', { params: [1_000_000], batchSize: 1000, database: db })) {
    assert.equal(b.numbers('i')[0], seen * 2);
    seen += b.numRows;
    if (seen >= 5000) break; // the rest is never produced
  }
  assert.equal(seen, 5000);
  // the database is still usable, and another scan starts fresh
  assert.equal((await db.query('SELECT 7 AS x')).numbers('x')[0], 7);
  const again = await collect(db.scan('SELECT * FROM range(5) t(i)', { batchSize: 2 }));
  assert.deepEqual(
    again.map((b) => [...b.numbers('i')]),
    [[0, 1], [2, 3], [4]],
  );
  await assert.rejects(collect(db.scan('SELECT 1', { batchSize: 0 })), /scan: batchSize must be a positive integer, got 0/);
  db.close();
});
