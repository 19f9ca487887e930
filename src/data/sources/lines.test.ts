// csvRowLines: the line each data row starts on, as an editor counts (header line 1), checked on the
// layouts that move rows off "row + 2": quoted line breaks, blank lines, CRLF and lone CR, a BOM,
// skipped lines, no header, one-column files; and against DuckDB's own row count on a real file.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type CsvLayout, csvFileRowLines, csvHeaderNames, csvRowLines, jsonRecordLines } from './lines.js';
import { readCsv } from './readers.js';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-lines-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const layout: CsvLayout = { delimiter: ',', quote: '"', skipRows: 0, header: true };
const lines = (text: string, o: Partial<CsvLayout> = {}) => [...csvRowLines(new TextEncoder().encode(text), { ...layout, ...o })];

test('csvRowLines: plain rows start on line 2, 3, ...; no trailing newline is fine', () => {
  assert.deepEqual(lines('a,b\n1,2\n3,4\n'), [2, 3]);
  assert.deepEqual(lines('a,b\n1,2\n3,4'), [2, 3]);
  assert.deepEqual(lines('a,b\n'), []);
  assert.deepEqual(lines('a,b'), []);
});

test('csvRowLines: a quoted line break moves later rows down; "" inside quotes is a quote', () => {
  assert.deepEqual(lines('a,b\n1,"x\ny"\n2,z\n'), [2, 4]);
  assert.deepEqual(lines('a,b\n1,"say ""hi""\nthere"\n2,z\n'), [2, 4]);
  assert.deepEqual(lines('"a\nb",c\n1,2\n'), [3]); // a header that spans lines
});

test('csvRowLines: blank lines are no rows (except in a one-column file), CRLF and CR end lines, a BOM is skipped', () => {
  assert.deepEqual(lines('a,b\n\n1,2\n\n\n3,4\n'), [3, 6]);
  assert.deepEqual(lines('a\n1\n\n2\n'), [2, 3, 4]);
  assert.deepEqual(lines('a,b\r\n1,2\r\n3,4\r\n'), [2, 3]);
  assert.deepEqual(lines('a,b\r1,2\r3,4\r'), [2, 3]);
  assert.deepEqual(lines('\ufeffa,b\n1,2\n'), [2]);
});

test('csvRowLines: skipRows and header: false', () => {
  assert.deepEqual(lines('# comment\n# more\na,b\n1,2\n', { skipRows: 2 }), [4]);
  assert.deepEqual(lines('1,2\n3,4\n', { header: false }), [1, 2]);
  assert.deepEqual(lines('a;b\n1;2\n\n3;4\n', { delimiter: ';' }), [2, 4]);
});

test('csvFileRowLines agrees with DuckDB on the rows of a file; globs and gzip give null', async () => {
  const file = join(tmp, 'mixed.csv');
  writeFileSync(file, '\ufeffid,note\r\n1,"two\r\nlines"\r\n\r\n2,plain\r\n3,"a, b"\r\n');
  const table = await readCsv(file);
  const found = await csvFileRowLines(file, layout);
  assert.equal(found?.length, table.numRows);
  assert.deepEqual([...(found ?? [])], [2, 5, 6]);
  assert.equal(await csvFileRowLines(join(tmp, '*.csv'), layout), null);
  assert.equal(await csvFileRowLines(join(tmp, 'a.csv.gz'), layout), null);
});

test('jsonRecordLines: one record per non-blank line; null for a JSON array', async () => {
  const jl = join(tmp, 'a.jsonl');
  writeFileSync(jl, '{"a":1}\n\n{"a":2}\n');
  assert.deepEqual([...((await jsonRecordLines(jl)) ?? [])], [1, 3]);
  const arr = join(tmp, 'a.json');
  writeFileSync(arr, '[{"a":1}]');
  assert.equal(await jsonRecordLines(arr), null);
});

test('csvHeaderNames and checkCsvHeader: a column named twice (ignoring case, as SQL does) is refused naming line 1', async () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.deepEqual(csvHeaderNames(enc('\ufeffid,"unit ""price""","a,b"\n1,2,3\n'), layout), ['id', 'unit "price"', 'a,b']);
  assert.deepEqual(csvHeaderNames(enc('skip me\nx;y\n'), { ...layout, delimiter: ';', skipRows: 1 }), ['x', 'y']);
  const dup = join(tmp, 'dup.csv');
  writeFileSync(dup, 'a,b,A\n1,2,3\n');
  await assert.rejects(readCsv(dup), /dup\.csv line 1: the header names column "a" twice \(fields 1 and 3: "a" and "A" are one name/);
  writeFileSync(dup, 'a,,\n1,2,3\n'); // empty names are named column<k>: no clash
  assert.equal((await readCsv(dup)).numColumns, 3);
  assert.equal((await readCsv(dup, { header: false })).numRows, 2);
});
