// The column type rule (typing.ts) on its own and through the readers: the whole column decides;
// codes with leading zeros and columns where non-numbers are common stay text; a few bad values in a
// number column are an error naming file, line, column and value, or with onBadValue: 'missing' a
// counted, reported missing value; types override; scans type every batch alike; rows keep their
// file lines through splits, so preprocessing errors name the line (issue 9, findings 2 and 6).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Pipeline } from '../preprocess/pipeline.js';
import { StandardScaler } from '../preprocess/scalers.js';
import { readCsv, readJson, scanCsv, scanJson } from './readers.js';
import { type BadValues, inferTextType, parseValue, profileText, valueTypesOf } from './typing.js';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-typing-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const nums = (v: Float64Array) => [...v].map((x) => (Number.isNaN(x) ? null : x));

test('the rule: more than half numbers is a number column; leading zeros and common text stay text', () => {
  const type = (values: (string | null)[]) => inferTextType(profileText(values));
  assert.equal(type(['31', '45', 'thirty', '22', '50']), 'number');
  assert.equal(type(['01234', '00501', '12345']), 'string'); // zip codes keep their zeros
  assert.equal(type(['A-17', 'B-20', '31']), 'string'); // IDs: non-numbers are common
  assert.equal(type(['1', 'x', '2', 'y']), 'string'); // half is not more than half
  assert.equal(type(['true', 'false', 'maybe']), 'boolean');
  assert.equal(type(['2024-01-02', '2024-03-04', 'soon']), 'timestamp');
  assert.equal(type(['2024-01-02', '2024-02-30', 'soon']), 'string'); // Feb 30 is no day
  assert.equal(type([null, null]), 'string');
  assert.equal(parseValue(' -1.5e3 ', 'number'), -1500);
  assert.equal(parseValue('inf', 'number'), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(parseValue('true', 'number')));
  assert.equal(parseValue('TRUE', 'boolean'), 1);
  assert.equal(parseValue('2024-05-06T07:08:09Z', 'timestamp'), Date.UTC(2024, 4, 6, 7, 8, 9));
});

test('finding 2: one stray word in a number column is an error naming file, line (after a quoted line break), column and value', async () => {
  const p = file('stray.csv', 'age,note\n31,"two\nlines"\n\n45,ok\nthirty,ok\n22,ok\n');
  await assert.rejects(readCsv(p), (e: Error & { line?: number; column?: string }) => {
    assert.match(e.message, /stray\.csv line 6: column 'age': "thirty" is not a number; column 'age' holds numbers \(3 of its 4 values\)/);
    assert.match(e.message, /onBadValue: 'missing'/);
    assert.equal(e.line, 6);
    assert.equal(e.column, 'age');
    return true;
  });
});

test("onBadValue: 'missing' reads bad values as missing, counted and reported; NA tokens are missing", async () => {
  const p = file('coerce.csv', 'age,city\n31,Oslo\nthirty,Rome\nNA,Lima\n45,\n?,Oslo\nn.a.,Rome\n50,Lima\n');
  const reports: BadValues[] = [];
  const t = await readCsv(p, { onBadValue: 'missing', onBadValues: (b) => reports.push(b) });
  assert.deepEqual(nums(t.numbers('age')), [31, null, null, 45, null, null, 50]);
  assert.deepEqual(t.strings('city'), ['Oslo', 'Rome', 'Lima', null, 'Oslo', 'Rome', 'Lima']);
  assert.equal(reports.length, 1);
  assert.equal(reports[0].count, 2);
  assert.deepEqual(
    reports[0].examples.map((x) => [x.line, x.value]),
    [
      [3, 'thirty'],
      [7, 'n.a.'],
    ],
  );
  assert.match(
    reports[0].message,
    /coerce\.csv: column 'age': 2 values that are not numbers read as missing \(line 3: "thirty", line 7: "n\.a\."\)/,
  );
  // the default is an error that counts the others
  await assert.rejects(readCsv(p), /coerce\.csv line 3: .*"thirty" is not a number.*\(2 such values; also at line 7\)/);
  // nullValues replaces the list: NA, ? and n.a. are then text, and text is common: a text column
  assert.equal((await readCsv(p, { nullValues: [''] })).column('age').kind, 'string');
});

test('true/false among numbers is a bad value; types decide over the rule', async () => {
  const p = file('flags.csv', 'x,zip\n1,01234\n2,00501\ntrue,12345\n4,99999\n');
  await assert.rejects(readCsv(p), /flags\.csv line 4: column 'x': "true" is not a number/);
  const t = await readCsv(p, { types: { x: 'string' } });
  assert.deepEqual(t.strings('x'), ['1', '2', 'true', '4']);
  assert.deepEqual(t.strings('zip'), ['01234', '00501', '12345', '99999']);
  await assert.rejects(
    readCsv(p, { types: { x: 'boolean' } }),
    /flags\.csv line 3: column 'x': "2" is not a boolean .*types asks for booleans/,
  );
  const typed = await readCsv(p, { types: { zip: 'number', x: 'string' } });
  assert.deepEqual(nums(typed.numbers('zip')), [1234, 501, 12345, 99999]);
  assert.deepEqual(valueTypesOf(typed), { x: 'string', zip: 'number' });
});

test('scanCsv types the whole column before the first batch: a bad value in a later batch names its line', async () => {
  const rows = ['v,w'];
  for (let i = 0; i < 300; i++) rows.push(i === 250 ? 'oops,1' : `${i},${i % 3}`);
  const p = file('scan.csv', `${rows.join('\n')}\n`);
  const run = async (o = {}) => {
    const kinds: string[] = [];
    for await (const b of scanCsv(p, { batchSize: 100, ...o })) kinds.push(b.column('v').kind);
    return kinds;
  };
  await assert.rejects(run(), /scan\.csv line 252: column 'v': "oops" is not a number/);
  assert.deepEqual(await run({ onBadValue: 'missing', onBadValues: () => {} }), ['number', 'number', 'number']);
});

test('readJson and scanJson: a stray string among numbers names its line; missing tokens are missing; batches agree', async () => {
  const p = file(
    'rows.jsonl',
    '{"a": 1, "b": "x"}\n\n{"a": "two", "b": "y"}\n{"a": 3, "b": "NA"}\n{"a": "NA", "b": "z"}\n{"a": 5, "b": "z"}\n',
  );
  await assert.rejects(readJson(p), /rows\.jsonl line 3: column 'a': "two" is not a number/);
  const quiet = { onBadValue: 'missing' as const, onBadValues: () => {} };
  const t = await readJson(p, quiet);
  assert.deepEqual(nums(t.numbers('a')), [1, null, 3, null, 5]);
  assert.deepEqual(t.strings('b'), ['x', 'y', null, 'z', 'z']);
  const scanned: (number | null)[] = [];
  for await (const b of scanJson(p, { ...quiet, batchSize: 2 })) scanned.push(...nums(b.numbers('a'))); // every batch a number column
  assert.deepEqual(scanned, [1, null, 3, null, 5]);
  const scan = async () => {
    for await (const _ of scanJson(p, { batchSize: 2 })) void _;
  };
  await assert.rejects(scan(), /scanJson: .*rows\.jsonl line 3: column 'a': "two" is not a number/);
});

test('finding 6: rows keep their file lines through a shuffle, so a preprocessing error names the line', async () => {
  const lines = ['x,y'];
  for (let i = 0; i < 120; i++) lines.push(i === 104 ? 'inf,1' : `${i},"${i % 2 === 0 ? 'a\nb' : 'c'}"`);
  const p = file('inf.csv', `${lines.join('\n')}\n`);
  const t = await readCsv(p);
  const order = Int32Array.from({ length: t.numRows }, (_, i) => t.numRows - 1 - i); // reversed: row 104 moves to 15
  const shuffled = t.take(order);
  const expected = 2 + 104 + 52; // header, rows before it, and the quoted line breaks of rows 0, 2, ..., 102
  assert.equal(shuffled.rowLabel(15), `${p} line ${expected}`);
  assert.throws(
    () => new Pipeline([new StandardScaler({ columns: ['x'] })]).fit(shuffled),
    (e: Error) => {
      assert.match(e.message, new RegExp(`holds Infinity at .*inf\\.csv line ${expected};`));
      return true;
    },
  );
  assert.throws(() => new StandardScaler({ columns: ['x'] }).fit(shuffled.filter((i) => i > 3)), new RegExp(`inf\\.csv line ${expected}`));
});

test('an integer beyond 2^53 is refused naming its file line (after a quoted line break), however DuckDB typed it; types decides', async () => {
  const p = file('big.csv', 'id,v\n1,"a\nb"\n2,x\n9007199254740993,y\n');
  await assert.rejects(
    readCsv(p),
    /big\.csv line 5: column 'id' holds 9007199254740993, beyond .*types: \{ 'id': 'number' \} to accept rounding/,
  );
  assert.deepEqual((await readCsv(p, { types: { id: 'string' } })).strings('id'), ['1', '2', '9007199254740993']);
  // too large for BIGINT, DuckDB reads a DOUBLE, rounded; a stray word makes it text: both refused
  const huge = file('huge.csv', 'id,v\n1,"a\nb"\n12345678901234567890,x\n3,y\n');
  await assert.rejects(readCsv(huge), /huge\.csv line 4: column 'id' holds 12345678901234567890, beyond/);
  const mixed = file('huge_mixed.csv', 'id,v\n1,a\n2,b\n12345678901234567890,x\noops,y\n');
  await assert.rejects(
    readCsv(mixed, { onBadValue: 'missing', onBadValues: () => {} }),
    /huge_mixed\.csv line 4: column 'id' holds 12345678901234567890/,
  );
  assert.equal((await readCsv(huge, { types: { id: 'number' } })).numbers('id')[1], Number('12345678901234567890')); // rounded, as asked
});
