import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixtureDir } from '../../../test/fixture_files.js';
import { query } from './duckdb.js';
import { DataSourceError, translateDuckDBError } from './errors.js';
import { readCsv, readJson, readParquet, scanCsv } from './readers.js';
import { quoteString } from './sql.js';

const fx = (name: string) => join(fixtureDir('data_sources'), name);
const tmp = mkdtempSync(join(tmpdir(), 'tessera-errors-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Asserts that `p` rejects with a DataSourceError matching `pattern` and carrying `where`. */
async function rejectsWith(p: Promise<unknown>, pattern: RegExp, where: { file?: string; line?: number; column?: string } = {}) {
  const e = await p.then(
    () => assert.fail(`expected an error matching ${pattern}`),
    (err: unknown) => err,
  );
  assert.ok(e instanceof DataSourceError, `expected a DataSourceError, got ${e}`);
  assert.match(e.message, pattern);
  for (const [k, v] of Object.entries(where)) assert.equal(e[k as keyof typeof where], v, `${k} of: ${e.message}`);
  assert.doesNotMatch(e.message, /NaN/);
}

test('a missing file is named, with where it was looked for', async () => {
  const missing = join(tmp, 'nope', 'train.csv');
  await rejectsWith(readCsv(missing), /^readCsv: file not found: '.*nope\/train\.csv'/, { file: missing });
  await rejectsWith(
    readParquet('no/such.parquet'),
    /^readParquet: file not found: 'no\/such\.parquet' \(looked for \/.*no\/such\.parquet\)/,
  );
  // a glob is left to DuckDB, whose message is translated
  await rejectsWith(readCsv(join(tmp, 'nothing-*.csv')), /^readCsv: file not found: '.*nothing-\*\.csv'/);
});

test('an empty file or a directory is named', async () => {
  await rejectsWith(readCsv(fx('empty.csv')), /^readCsv: .*empty\.csv is empty \(0 bytes\)/, { file: fx('empty.csv') });
  await rejectsWith(readJson(fx('empty.csv')), /^readJson: .*empty\.csv is empty/);
  await rejectsWith(readCsv(tmp), /is a directory; to read every file in it pass a glob such as '.*\/\*'/);
});

test('a malformed CSV line is reported with its line number and text', async () => {
  // the bad line is among the rows DuckDB's sniffer samples (a second, strict read finds it)
  await rejectsWith(readCsv(fx('bad_fields.csv')), /bad_fields\.csv line 7: expected 5 fields, found 6: "1,2,3,4,5,6"/, {
    file: fx('bad_fields.csv'),
    line: 7,
  });
  await rejectsWith(readCsv(fx('short_line.csv')), /short_line\.csv line 3: expected 3 fields, found 2: "4,5"/, { line: 3 });
  await rejectsWith(readCsv(fx('unclosed_quote.csv')), /unclosed_quote\.csv line 3: a quoted value is never closed/, { line: 3 });
});

test('a malformed line past the sniffer sample is reported by the parser, also when streaming', async () => {
  const file = join(tmp, 'long.csv');
  const lines = ['a,b,c'];
  for (let i = 0; i < 30_000; i++) lines.push(i === 27_000 ? '1,2,3,4' : `${i},${i * 2},${i % 7}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const badLine = lines.indexOf('1,2,3,4') + 1;
  await rejectsWith(readCsv(file), new RegExp(`long\\.csv line ${badLine}: expected 3 fields, found 4`), { line: badLine });
  const scan = async () => {
    let rows = 0;
    for await (const b of scanCsv(file, { batchSize: 5000 })) rows += b.numRows;
    return rows;
  };
  await rejectsWith(scan(), new RegExp(`^scanCsv: .*long\\.csv line ${badLine}: expected 3 fields, found 4`), { line: badLine });
});

test('a value that does not convert names the file, line, column and value', async () => {
  await rejectsWith(
    readCsv(fx('bad_number.csv'), { types: { score: 'number' } }),
    /bad_number\.csv line 3: column 'score': "abc" is not a number; types asks for numbers in column 'score'/,
    { line: 3, column: 'score' },
  );
  const pq = join(tmp, 'mixed.parquet');
  await query(`COPY (SELECT * FROM (VALUES (1, '2.5'), (2, 'abc')) v(id, s)) TO ${quoteString(pq)} (FORMAT PARQUET)`);
  await rejectsWith(
    readParquet(pq, { types: { s: 'number' } }),
    /mixed\.parquet: column 's': cannot read "abc" as DOUBLE; the types option asks for number/,
    {
      column: 's',
    },
  );
});

test('unknown columns list the ones there are', async () => {
  await rejectsWith(
    readCsv(fx('people.csv'), { columns: ['id', 'age'] }),
    /people\.csv has no column 'age'; its columns are 'id', 'name', 'city', 'joined', 'active', 'score'/,
    {
      column: 'age',
    },
  );
  await rejectsWith(
    readCsv(fx('people.csv'), { types: { age: 'number' } }),
    /people\.csv has no column 'age'; its columns are 'id', 'name'/,
  );
  await rejectsWith(
    readJson(fx('events.jsonl'), { columns: ['when'] }),
    /events\.jsonl has no column 'when'; its columns are 'id', 'kind', 'at', 'value'/,
  );
});

test('not Parquet, malformed JSON', async () => {
  await rejectsWith(readParquet(fx('people.csv')), /people\.csv is not a Parquet file/);
  await rejectsWith(
    readJson(fx('bad.jsonl')),
    /bad\.jsonl line 2: malformed JSON \(unexpected character\): "\{\\"id\\": 2, \\"value\\": \}"/,
    { line: 2 },
  );
});

test('option errors say what to pass', async () => {
  await assert.rejects(readCsv(fx('people.csv'), { limit: -1 }), /readCsv: limit must be a non-negative integer, got -1/);
  await assert.rejects(readCsv(fx('people.csv'), { skipRows: 1.5 }), /readCsv: skipRows must be a non-negative integer, got 1\.5/);
  await assert.rejects(
    readCsv(fx('people.csv'), { types: { id: 'int' as never } }),
    /readCsv: types\.id must be 'number', 'boolean', 'timestamp' or 'string', got "int"/,
  );
  await assert.rejects(readCsv(''), /readCsv: path must be a non-empty string/);
  await assert.rejects(readCsv(fx('people.csv'), { header: 'yes' as never }), /readCsv: header must be true or false, got "yes"/);
  await assert.rejects(
    readJson(fx('events.jsonl'), { format: 'toString' as never }),
    /readJson: format must be 'auto', 'lines' or 'array', got "toString"/,
  );
  await assert.rejects(
    readCsv(fx('people.csv'), { types: { id: 'constructor' as never } }),
    /types\.id must be 'number', 'boolean', 'timestamp' or 'string'/,
  );
  await assert.rejects(readParquet(fx('people.csv'), { columns: [] }), /columns is empty/);
  await assert.rejects(
    readJson(fx('events.jsonl'), { columns: ['id'], types: { at: 'string' } }),
    /types names 'at', which is not among the columns/,
  );
});

test('translateDuckDBError keeps unknown messages and the cause', () => {
  const cause = new Error('Catalog Error: Table with name t does not exist!');
  const e = translateDuckDBError(cause, { op: 'query' });
  assert.equal(e.message, 'query: Catalog Error: Table with name t does not exist!');
  assert.equal(e.cause, cause);
  const csv = translateDuckDBError(
    new Error(
      'Invalid Input Error: CSV Error on Line: 12\nOriginal Line: x,y\nSomething odd happened\nPossible fixes:\n  file = d/f.csv\n',
    ),
    { op: 'readCsv', file: 'd/*.csv' },
  );
  assert.equal(csv.message, 'readCsv: d/f.csv line 12: Something odd happened: "x,y"');
  assert.deepEqual([csv.file, csv.line], ['d/f.csv', 12]);
});
