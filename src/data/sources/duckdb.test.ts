import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixtureDir } from '../../../test/fixture_files.js';
import { openDatabase, query, scanQuery } from './duckdb.js';
import { DataSourceError } from './errors.js';
import { quoteString } from './sql.js';

const fx = (name: string) => join(fixtureDir('data_sources'), name);
const tmp = mkdtempSync(join(tmpdir(), 'tessera-duckdb-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A small CSV parsed by hand (no quotes in these fixtures), to compute expected results independently. */
function parseSimpleCsv(file: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const names = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [names[i], v])));
}

test('query joins and aggregates two CSV files, with bound parameters', async () => {
  const users = parseSimpleCsv(fx('users.csv'));
  const orders = parseSimpleCsv(fx('orders.csv'));
  const country = new Map(users.map((u) => [u.user_id, u.country]));
  const expected = new Map<string, number[]>();
  for (const o of orders.filter((o) => o.year === '2024')) {
    const c = country.get(o.user_id) as string;
    expected.set(c, [...(expected.get(c) ?? []), Number(o.amount)]);
  }
  const sql = `SELECT u.country, avg(o.amount) AS mean, count(*) AS n
    FROM read_csv($orders) o JOIN read_csv($users) u USING (user_id)
    WHERE o.year = $year GROUP BY u.country ORDER BY u.country`;
  const t = await query(sql, { params: { orders: fx('orders.csv'), users: fx('users.csv'), year: 2024 } });
  const countries = [...expected.keys()].sort();
  assert.deepEqual(t.strings('country'), countries);
  assert.deepEqual(
    [...t.numbers('mean')],
    countries.map((c) => (expected.get(c) as number[]).reduce((a, b) => a + b) / (expected.get(c) as number[]).length),
  );
  assert.deepEqual(
    [...t.numbers('n')],
    countries.map((c) => (expected.get(c) as number[]).length),
  );

  const positional = await query('SELECT ? + 1 AS x, ? AS s, ?::DATE AS d, ? AS at', {
    params: [41, 'hi', '2024-05-06', new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))],
  });
  assert.deepEqual(positional.row(0), { x: 42, s: 'hi', d: Date.UTC(2024, 4, 6), at: Date.UTC(2024, 0, 2, 3, 4, 5, 6) });
  // a value that looks like SQL stays a value
  const evil = "x'); DROP TABLE t; --";
  assert.deepEqual((await query('SELECT ? AS s', { params: [evil] })).strings('s'), [evil]);
});

test('every supported DuckDB type maps to a Table kind; NULL is missing', async () => {
  const t = await query(`SELECT
    true AS bool, 1::TINYINT AS i8, -2::SMALLINT AS i16, 3::INTEGER AS i32, -4::BIGINT AS i64, 5::HUGEINT AS i128,
    6::UTINYINT AS u8, 7::USMALLINT AS u16, 8::UINTEGER AS u32, 9::UBIGINT AS u64, 10::UHUGEINT AS u128,
    1.5::FLOAT AS f32, 2.25::DOUBLE AS f64, 12.3::DECIMAL(4,1) AS d4, -123.456::DECIMAL(9,3) AS d9,
    1234567.891234::DECIMAL(18,6) AS d18, 98765.4321::DECIMAL(30,4) AS d30,
    DATE '1969-12-31' AS date, TIMESTAMP '2024-02-29 12:34:56.789' AS ts, TIMESTAMPTZ '2024-02-29 12:34:56.789+00' AS tstz,
    TIMESTAMP_S '2024-02-29 12:34:56' AS ts_s, TIMESTAMP_MS '2024-02-29 12:34:56.789' AS ts_ms,
    TIMESTAMP_NS '2024-02-29 12:34:56.789' AS ts_ns,
    'héllo' AS str, 'b'::ENUM('a', 'b') AS enum, NULL AS nothing, NULL::VARCHAR AS nostr, NULL::DATE AS nodate,
    'infinity'::DATE AS dinf, '-infinity'::TIMESTAMP AS tsninf`);
  const ts = Date.UTC(2024, 1, 29, 12, 34, 56, 789);
  assert.deepEqual(t.row(0), {
    bool: 1,
    i8: 1,
    i16: -2,
    i32: 3,
    i64: -4,
    i128: 5,
    u8: 6,
    u16: 7,
    u32: 8,
    u64: 9,
    u128: 10,
    f32: 1.5,
    f64: 2.25,
    d4: 12.3,
    d9: -123.456,
    d18: 1234567.891234,
    d30: 98765.4321,
    date: Date.UTC(1969, 11, 31),
    ts,
    tstz: ts,
    ts_s: ts - 789,
    ts_ms: ts,
    ts_ns: ts,
    str: 'héllo',
    enum: 'b',
    nothing: null,
    nostr: null,
    nodate: null,
    dinf: Number.POSITIVE_INFINITY,
    tsninf: Number.NEGATIVE_INFINITY,
  });
  assert.equal(t.schema.date, 'timestamp');
  assert.equal(t.schema.tstz, 'timestamp');
  assert.equal(t.schema.enum, 'string');
  assert.equal(t.schema.nostr, 'string');
});

test('integers beyond 2^53 are an error naming the column and row, not rounding', async () => {
  const big = 2n ** 53n + 1n;
  await assert.rejects(query(`SELECT i, CASE WHEN i = 3 THEN ${big} ELSE i END::BIGINT AS id FROM range(5) t(i)`), (e: unknown) => {
    assert.ok(e instanceof DataSourceError);
    assert.match(e.message, new RegExp(`^query: column 'id' holds ${big} \\(BIGINT\\) at row 3, beyond ±\\(2\\^53-1\\)`));
    assert.match(e.message, /CAST\("id" AS DOUBLE\)/);
    assert.equal(e.column, 'id');
    return true;
  });
  await assert.rejects(query(`SELECT -${big}::BIGINT AS neg`), /column 'neg' holds -9007199254740993 \(BIGINT\) at row 0/);
  await assert.rejects(query('SELECT 18446744073709551615::UBIGINT AS u'), /column 'u' holds 18446744073709551615 \(UBIGINT\)/);
  await assert.rejects(query(`SELECT ${2n ** 70n}::HUGEINT AS h`), /column 'h' holds 1180591620717411303424 \(HUGEINT\)/);
  // the largest safe integers pass, and NULLs are not checked
  const ok = await query(`SELECT * FROM (VALUES (${2 ** 53 - 1}::BIGINT), (-${2 ** 53 - 1}::BIGINT), (NULL)) v(x)`);
  assert.deepEqual([...ok.numbers('x')], [2 ** 53 - 1, -(2 ** 53 - 1), Number.NaN]);
  // casting in SQL is the way out
  assert.equal((await query(`SELECT ${big}::BIGINT::DOUBLE AS x`)).numbers('x')[0], 2 ** 53);
});

test('types a Table cannot hold are an error naming the column and type, suggesting a cast', async () => {
  for (const [expr, type] of [
    ['[1, 2]', 'INTEGER\\[\\]'],
    ["{'a': 1}", 'STRUCT\\("a" INTEGER\\)'],
    ["'\\xAA'::BLOB", 'BLOB'],
    ["TIME '12:00'", 'TIME'],
    ["INTERVAL '1 day'", 'INTERVAL'],
    ['uuid()', 'UUID'],
  ]) {
    await assert.rejects(
      query(`SELECT 1 AS ok, ${expr} AS bad`),
      new RegExp(`query: column 'bad' has DuckDB type ${type}, which a Table cannot hold; cast it in SQL, e.g. CAST\\("bad" AS VARCHAR\\)`),
    );
  }
});

test('Database: a persistent file, serialized queries on one connection, close', async () => {
  const path = join(tmp, 'shop.duckdb');
  const db = await openDatabase(path);
  await db.query(`CREATE TABLE orders AS SELECT * FROM read_csv(${quoteString(fx('orders.csv'))})`);
  // TEMP tables live on the connection: visible to later queries on the same database
  await db.query('CREATE TEMP TABLE recent AS SELECT * FROM orders WHERE year = 2024');
  const counts = await Promise.all([1, 2, 3].map((k) => db.query('SELECT count(*) AS n FROM recent WHERE user_id = ?', { params: [k] })));
  const orders = parseSimpleCsv(fx('orders.csv'));
  assert.deepEqual(
    counts.map((t) => t.numbers('n')[0]),
    [1, 2, 3].map((k) => orders.filter((o) => o.year === '2024' && o.user_id === String(k)).length),
  );
  db.close();
  await assert.rejects(db.query('SELECT 1'), /query: the database .*shop\.duckdb is closed; open it again with openDatabase/);

  const again = await openDatabase(path, { readOnly: true });
  const t = await again.query('SELECT sum(amount) AS total FROM orders');
  assert.equal(
    t.numbers('total')[0],
    orders.reduce((a, o) => a + Number(o.amount), 0),
  );
  await assert.rejects(again.query('CREATE TABLE x (a INT)'), /read-only/i);
  again.close();
});

test('SQL errors keep DuckDB detail behind the op name', async () => {
  await assert.rejects(
    query('SELECT * FROM no_such_table'),
    /^DataSourceError: query: Catalog Error: Table with name no_such_table does not exist/,
  );
  await assert.rejects(query('SELEC 1'), /query: Parser Error: syntax error at or near "SELEC"/);
  const db = await openDatabase();
  const batches = [];
  for await (const b of scanQuery('SELECT * FROM range(10) t(i)', { database: db, batchSize: 4 })) batches.push(b.numRows);
  assert.deepEqual(batches, [4, 4, 2]);
  db.close();
});

test('empty SQL is refused with an example', async () => {
  await assert.rejects(query('  '), /query: sql must be a SQL statement, such as "SELECT \* FROM read_csv\('data.csv'\)", got " {2}"/);
  const db = await openDatabase();
  assert.throws(() => db.scan(''), /scan: sql must be a SQL statement/);
  const empty = await db.query("SELECT 1 AS a, 'x' AS s WHERE false");
  assert.deepEqual([empty.numRows, empty.schema], [0, { a: 'number', s: 'string' }]);
  db.close();
});
