// readCsv types from DuckDB's sample only where that equals the whole file's answer (sampled.ts):
// files longer than the sample whose later rows would type a column otherwise must read exactly as
// under the whole-file sniff (the rule), and the conservative leading-zero scan must catch codes.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readCsv } from './readers.js';
import { mayHoldZeroPadded, SAMPLE_ROWS, sampledTypesHold } from './sampled.js';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-sampled-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const ROWS = SAMPLE_ROWS + 5000; // past DuckDB's sample

/** A CSV of ROWS data rows: column `x` 1, 2, ... and column `y` from `y(i)`, with `late` as y of row ROWS - 10. */
function file(name: string, late: string, y: (i: number) => string = (i) => String(i % 97)): string {
  const lines = ['x,y'];
  for (let i = 0; i < ROWS; i++) lines.push(`${i + 1},${i === ROWS - 10 ? late : y(i)}`);
  const path = join(tmp, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
const lateLine = ROWS - 10 + 2; // the header is line 1

test('mayHoldZeroPadded finds a zero-padded number at any field start, signed, blank-led or quoted', () => {
  const has = (text: string, delim = ',') => mayHoldZeroPadded(new TextEncoder().encode(text), delim);
  for (const t of ['a\n007\n', 'a,b\n1,01\n', 'a;b\n1;-01\n', 'a,b\n1, 0123\n', 'a,b\n1,"0123"\n', '0123\n', 'a\r\n+00\r\n'])
    assert.equal(has(t, t.includes(';') ? ';' : ','), true, JSON.stringify(t));
  for (const t of ['a,b\n0,0.5\n', 'a,b\n10,100\n', 'a,b\n1e10,-0.25\n', 'a\nx0123\n', 'a,b\n0,0\n'])
    assert.equal(has(t), false, JSON.stringify(t));
});

test('sampledTypesHold: numbers and text always; booleans, dates and times only within the sample', () => {
  assert.equal(sampledTypesHold({ b: 'DOUBLE', c: 'VARCHAR' }, 1e6), true);
  assert.equal(sampledTypesHold({ a: 'BIGINT' }, 1e6), false);
  assert.equal(sampledTypesHold({ a: 'DATE' }, SAMPLE_ROWS), true);
  assert.equal(sampledTypesHold({ a: 'DATE' }, SAMPLE_ROWS + 1), false);
  assert.equal(sampledTypesHold({ a: 'BOOLEAN' }, SAMPLE_ROWS + 1), false);
});

test('past the sample: a stray word in a number column is still an error naming its line', async () => {
  await assert.rejects(readCsv(file('word.csv', 'thirty')), (e: Error) => {
    assert.match(e.message, new RegExp(`line ${lateLine}: column 'y': "thirty" is not a number`));
    return true;
  });
});

test('past the sample: a zero-padded code makes the column text, as the whole-file rule says', async () => {
  const t = await readCsv(file('code.csv', '0042'));
  assert.equal(t.schema.y, 'string');
  assert.equal(t.strings('y')[ROWS - 10], '0042');
  assert.equal(t.schema.x, 'number');
});

test('past the sample: a late fraction in an integer column gives the exact numbers of the whole file', async () => {
  const t = await readCsv(file('fraction.csv', '2.5'));
  assert.equal(t.schema.y, 'number');
  assert.equal(t.numbers('y')[ROWS - 10], 2.5);
  assert.equal(t.numbers('y')[3], 3);
});

test('past the sample: a date column with a late word is an error naming its line; clean dates and booleans read as before', async () => {
  const day = (i: number) => `2024-01-${String((i % 28) + 1).padStart(2, '0')}`;
  await assert.rejects(readCsv(file('dates.csv', 'soon', day)), new RegExp(`line ${lateLine}: column 'y': "soon"`));
  const dates = await readCsv(file('dates-ok.csv', day(0), day));
  assert.equal(dates.schema.y, 'timestamp');
  assert.equal(dates.column('y').values[1], Date.UTC(2024, 0, 2));
  const flags = await readCsv(file('flags.csv', 'true', (i) => (i % 2 === 0 ? 'true' : 'false')));
  assert.deepEqual([flags.schema.y, flags.numbers('y')[0], flags.numbers('y')[1]], ['number', 1, 0]);
});
