// Random CSV files with random defects through readCsv (and scanCsv), against an oracle that knows
// what it wrote: each column is generated as numbers, booleans, codes with leading zeros or words,
// then given missing tokens, stray words, quotes, delimiters and line breaks inside quoted values,
// a BOM, CRLF line ends, blank lines, unicode; some files get a ragged row or a duplicate or empty
// header (a duplicate is refused naming line 1; DuckDB would rename it a_1). The oracle (plain JavaScript over the generated cells, not the reader's code) applies the
// documented type rule and counts lines as an editor does; every read must give exactly its table, or
// the one error it predicts (bad value: file, line, column, value; ragged row: file and a line), as
// one of tessera's own errors, in time. Counterexamples are kept as regression tests at the bottom.
//
//   CI: seed 20261207, 60 files     scripts/fuzz.sh: TESSERA_FUZZ_SCALE x as many, any seed

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { expectClearError, fc, fuzzParams, outcome } from '../../../test/fuzz.js';
import type { Table } from '../table.js';
import { DataSourceError } from './errors.js';
import { readCsv, scanCsv } from './readers.js';
import type { BadValues } from './typing.js';

const tmp = mkdtempSync(join(tmpdir(), 'tessera-csv-fuzz-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

type Kind = 'int' | 'float' | 'bool' | 'code' | 'word';
/** One generated cell: the text written (unquoted) and what the reader should make of it. */
interface Cell {
  text: string;
  /** 'value': of the column's kind; 'missing': a missing token; 'bad': a stray word. */
  role: 'value' | 'missing' | 'bad';
}
interface Spec {
  kinds: Kind[];
  names: string[];
  rows: Cell[][];
  crlf: boolean;
  bom: boolean;
  /** Data rows followed by a blank line. */
  blankAfter: Set<number>;
  /** A data row given one field too many (index), or -1. */
  ragged: number;
  onBadValue: 'error' | 'missing';
}

const WORDS = ['apple', 'Ünïcode', 'naïve café', 'a,b', 'say "hi"', 'two\nlines', '日本', 'x;y', 'tab\there', 'emoji 🙂'];
const MISSING = ['', 'NA', 'null', 'NaN', 'N/A', '?'];
const STRAY = ['thirty', 'n.a.', 'true', 'unknown', '12abc', '--'];
const NAMES = ['age', 'income', 'città', 'плата', 'score', 'x', 'y', 'z', 'label', 'id'];

const cellOf = (kind: Kind): fc.Arbitrary<string> => {
  switch (kind) {
    case 'int':
      return fc.oneof(
        { weight: 30, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String) },
        { weight: 6, arbitrary: fc.constantFrom('9007199254740991', '-42', '0') },
        { weight: 1, arbitrary: fc.constantFrom('12345678901234567890', '-9007199254740993') }, // beyond 2^53: refused
      );
    case 'float':
      return fc.oneof(
        fc.integer({ min: -99999, max: 99999 }).map((n) => (n / 100).toFixed(2)),
        fc.constantFrom('1e300', '-2.5e-8', '1.7976931348623157e308', '0.5'),
      );
    case 'bool':
      return fc.constantFrom('true', 'false', 'TRUE', 'False');
    case 'code':
      return fc.integer({ min: 0, max: 99999 }).map((n) => `0${String(n).padStart(4, '0')}`);
    case 'word':
      return fc.constantFrom(...WORDS);
  }
};

const specArb: fc.Arbitrary<Spec> = fc
  .record({
    kinds: fc.array(fc.constantFrom<Kind>('int', 'float', 'bool', 'code', 'word'), { minLength: 1, maxLength: 4 }),
    n: fc.integer({ min: 1, max: 25 }),
    nameMode: fc.constantFrom('plain', 'plain', 'plain', 'duplicate', 'empty'),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
    ragged: fc.constantFrom(false, false, false, false, true),
    onBadValue: fc.constantFrom<'error' | 'missing'>('error', 'missing'),
  })
  .chain(({ kinds, n, nameMode, crlf, bom, seed, ragged, onBadValue }) => {
    const cells = kinds.map((k) =>
      fc.array(
        fc.oneof(
          { weight: 12, arbitrary: cellOf(k).map((text): Cell => ({ text, role: 'value' })) },
          { weight: 2, arbitrary: fc.constantFrom(...MISSING).map((text): Cell => ({ text, role: 'missing' })) },
          {
            weight: k === 'word' || k === 'code' ? 0 : 1,
            arbitrary: fc.constantFrom(...STRAY).map((text): Cell => ({ text, role: 'bad' })),
          },
        ),
        { minLength: n, maxLength: n },
      ),
    );
    return fc
      .tuple(fc.tuple(...cells), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }))
      .map(([cols, blanks]): Spec => {
        const names = kinds.map((_, j) => `${NAMES[(seed + j) % NAMES.length]}${j}`);
        if (nameMode === 'duplicate' && names.length > 1) names[1] = names[0];
        if (nameMode === 'empty') names[names.length - 1] = '';
        const rows = Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
        return { kinds, names, rows, crlf, bom, blankAfter: new Set(blanks), ragged: ragged ? seed % n : -1, onBadValue };
      });
  });

/** A field as written: quoted when it holds a delimiter, a quote or a line break. */
function field(text: string): string {
  return /[,"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The file's text, and the line each data row starts on (as an editor counts: the header is line 1). */
function render(s: Spec): { text: string; lines: number[] } {
  const nl = s.crlf ? '\r\n' : '\n';
  const header = s.names.map(field).join(',');
  const out: string[] = [header === '' ? '""' : header]; // an empty line would be no header
  let line = 1 + (s.names.join('').match(/\n/g)?.length ?? 0) + 1;
  const lines: number[] = [];
  s.rows.forEach((row, i) => {
    const texts = row.map((c) => field(c.text));
    if (row.length === 1 && row[0].text === '') texts[0] = '""'; // an empty line would be no row
    if (i === s.ragged) texts.push('extra');
    const text = texts.join(',');
    lines.push(line);
    out.push(text); // a line break inside a value stays as generated; rows end with \r\n or \n
    line += 1 + (text.match(/\n/g)?.length ?? 0);
    if (s.blankAfter.has(i) && row.length > 1) {
      out.push('');
      line++;
    }
  });
  return { text: `${s.bom ? '\ufeff' : ''}${out.join(nl)}${nl}`, lines };
}

type Expected =
  | { error: 'ragged'; line: number }
  | { error: 'huge' }
  | { error: 'header' }
  | { error: 'bad'; line: number; column: string; value: string }
  | { table: { name: string; type: 'number' | 'string'; values: (number | string | null)[] }[]; coerced: Record<string, number> };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** A written value's class under the documented rule. */
const classOf = (text: string) => (NUMBER.test(text) ? 'number' : /^(true|false)$/i.test(text) ? 'boolean' : 'other');

/** What the reader must return for `s`, by the documented rule, computed from the generated cells. */
function expected(s: Spec, lines: number[]): Expected {
  const named = s.names.filter((n) => n !== '').map((n) => n.toLowerCase());
  if (new Set(named).size < named.length) return { error: 'header' }; // checked before any row is read
  if (s.ragged >= 0) return { error: 'ragged', line: lines[s.ragged] };
  const table: Extract<Expected, { table: unknown }>['table'] = [];
  const coerced: Record<string, number> = {};
  let firstBad: { row: number; column: string; value: string } | null = null;
  let huge = false;
  s.kinds.forEach((_, j) => {
    const cells = s.rows.map((r) => r[j]);
    const present = cells.filter((c) => c.role !== 'missing');
    const name = s.names[j];
    // the rule: codes (leading zeros) -> text; more than half of the present values numbers
    // (or booleans) -> that type, the others bad; else text
    const codes = present.some((c) => /^[+-]?0\d/.test(c.text) && NUMBER.test(c.text));
    const count = (cls: string) => present.filter((c) => classOf(c.text) === cls).length;
    const type = codes ? null : (['number', 'boolean'] as const).find((cls) => count(cls) * 2 > present.length);
    if (type === undefined || type === null) {
      table.push({ name, type: 'string', values: cells.map((c) => (c.role === 'missing' ? null : c.text)) });
      return;
    }
    const bad = cells.flatMap((c, i) => (c.role !== 'missing' && classOf(c.text) !== type ? [i] : []));
    if (bad.length > 0) {
      coerced[name] = bad.length;
      if (firstBad === null || bad[0] < firstBad.row) firstBad = { row: bad[0], column: name, value: cells[bad[0]].text };
    }
    const value = (c: Cell): number | null => {
      if (c.role === 'missing' || classOf(c.text) !== type) return null;
      return type === 'boolean' ? (/^true$/i.test(c.text) ? 1 : 0) : Number(c.text);
    };
    table.push({ name, type: 'number', values: cells.map(value) });
    if (type === 'number' && present.some((c) => /^[+-]?\d+$/.test(c.text) && !Number.isSafeInteger(Number(c.text)))) huge = true;
  });
  if (huge) return { error: 'huge' };
  if (s.onBadValue === 'error' && firstBad !== null) {
    const fb = firstBad as { row: number; column: string; value: string };
    return { error: 'bad', line: lines[fb.row], column: fb.column, value: fb.value };
  }
  return { table, coerced };
}

function valuesOf(t: Table, name: string): (number | string | null)[] {
  const col = t.column(name);
  if (col.kind === 'string') return [...col.values];
  return [...col.values].map((v) => (Number.isNaN(v) ? null : v));
}

let fileNo = 0;
async function check(s: Spec): Promise<void> {
  const { text, lines } = render(s);
  const path = join(tmp, `f${fileNo++}.csv`);
  writeFileSync(path, text);
  const want = expected(s, lines);
  const plainNames = new Set(s.names).size === s.names.length && s.names.every((n) => n !== '');
  const reports: BadValues[] = [];
  const got = await outcome(() => readCsv(path, { onBadValue: s.onBadValue, onBadValues: (b) => reports.push(b) }), 10_000);
  const context = `file:\n${text}`;
  if ('error' in want) {
    assert.ok('error' in got, `expected an error (${JSON.stringify(want)}), got a table\n${context}`);
    const message = expectClearError(got.error, [path]);
    assert.ok(got.error instanceof DataSourceError, message);
    if (want.error === 'header') assert.match(message, /line 1: the header names column "[^"]+" twice/, context);
    else if (want.error === 'huge')
      assert.match(
        message,
        /line \d+: column '[^']*': ("[^"]*" is not|.* holds [-\d]+, beyond)|line \d+: column '[^']*' holds [-\d]+, beyond/,
        context,
      );
    else if (want.error === 'bad') {
      const column = plainNames ? want.column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : "[^']*"; // DuckDB names an empty header column<k>
      assert.match(message, new RegExp(`line ${want.line}: column '${column}'`), context);
      assert.ok(message.includes(JSON.stringify(want.value)), `${message}\n${context}`);
    } else assert.match(message, new RegExp(`line ${want.line}: expected ${s.kinds.length} fields, found ${s.kinds.length + 1}`), context);
    return;
  }
  if ('error' in got) {
    if (!plainNames) {
      expectClearError(got.error, [path]);
      return;
    }
    assert.fail(`expected a table, got: ${(got.error as Error).message}\n${context}`);
  }
  const t = got.ok;
  assert.equal(t.numRows, s.rows.length, context);
  assert.equal(t.numColumns, s.kinds.length, context);
  assert.deepEqual(t.rowOrigin?.lines === null ? null : [...(t.rowOrigin?.lines ?? [])], lines, `row lines\n${context}`);
  if (!plainNames) return; // DuckDB names an empty header column<k>
  for (const col of want.table) {
    assert.equal(t.column(col.name).kind, col.type, `column ${col.name}\n${context}`);
    assert.deepEqual(valuesOf(t, col.name), col.values, `column ${col.name}\n${context}`);
  }
  assert.deepEqual(Object.fromEntries(reports.map((r) => [r.column, r.count])), want.coerced, context);
}

test('readCsv on random CSVs with random defects: the oracle table, or the predicted clear error (oracle: the generated cells and the documented rule)', async () => {
  await fc.assert(fc.asyncProperty(specArb, check), fuzzParams(60));
});

test('scanCsv types the whole column: batches of a random CSV agree with readCsv (oracle: readCsv)', async () => {
  await fc.assert(
    fc.asyncProperty(specArb, fc.integer({ min: 1, max: 7 }), async (s, batchSize) => {
      const names = s.names.map((n, j) => (n === '' ? n : `${n}_${j}`)); // distinct: a duplicate header is refused (property above)
      const { text } = render({ ...s, names, ragged: -1, onBadValue: 'missing' });
      const path = join(tmp, `s${fileNo++}.csv`);
      writeFileSync(path, text);
      const quiet = { onBadValue: 'missing' as const, onBadValues: () => {} };
      const read = await outcome(() => readCsv(path, quiet), 10_000);
      const scan = await outcome(async () => {
        const batches: Table[] = [];
        for await (const b of scanCsv(path, { ...quiet, batchSize })) batches.push(b);
        return batches;
      }, 10_000);
      if ('error' in read) {
        // an integer beyond 2^53: the scan refuses it too (maybe another one: batches meet them in another order)
        assert.ok('error' in scan, `readCsv refused the file, scanCsv did not\nfile:\n${text}`);
        expectClearError(read.error, [path, /line \d+: column '[^']*' holds [-\d]+, beyond/]);
        expectClearError(scan.error, [path, /line \d+: column '[^']*' holds [-\d]+, beyond/]);
        return;
      }
      assert.ok('ok' in scan, `scanCsv failed: ${'error' in scan ? String(scan.error) : ''}\nfile:\n${text}`);
      const whole = read.ok;
      const batches = scan.ok;
      assert.equal(
        batches.reduce((n, b) => n + b.numRows, 0),
        whole.numRows,
      );
      for (const b of batches) assert.deepEqual(b.schema, whole.schema, `file:\n${text}`);
    }),
    fuzzParams(15),
  );
});

// ---- counterexamples found by the properties above, kept as regression tests ----

test('regression: a ragged last line was taken for the header of an empty table (DuckDB skipped lines on its own)', async () => {
  const path = join(tmp, 'ragged_last.csv');
  writeFileSync(path, 'a,b\n1,"x\ny"\n\n2,z\n3,w,extra\n');
  await assert.rejects(readCsv(path), (e: Error & { line?: number }) => {
    assert.match(e.message, /ragged_last\.csv line 6: expected 2 fields, found 3: "3,w,extra"/);
    assert.equal(e.line, 6);
    return true;
  });
});

test('regression: DuckDB counts a line break inside quotes as no line; errors name the line an editor shows (CRLF too)', async () => {
  const path = join(tmp, 'crlf_ragged.csv');
  writeFileSync(path, '\ufeffa,b\r\n1,"x\r\ny"\r\n2,z\r\n3,w,extra\r\n');
  await assert.rejects(readCsv(path), /crlf_ragged\.csv line 5: expected 2 fields, found 3: "3,w,extra"/);
});

test('regression: with bad values in two columns, the error names the first in the file, not in the first column', async () => {
  const rows = ['a,b', '1,2', '3,thirty', '5,6', 'oops,8', '9,10'];
  const path = join(tmp, 'two_bad.csv');
  writeFileSync(path, `${rows.join('\n')}\n`);
  await assert.rejects(readCsv(path), /two_bad\.csv line 3: column 'b': "thirty"/);
});

test('regression: a one-column file whose header is empty or whose value is empty keeps its rows (quoted "")', async () => {
  const path = join(tmp, 'one_empty.csv');
  writeFileSync(path, '""\nthirty\n""\n4\n');
  const t = await readCsv(path);
  assert.equal(t.numRows, 3);
  assert.deepEqual([...(t.rowOrigin?.lines ?? [])], [2, 3, 4]);
});

test('regression: a scan batch does not type a text column again from its own rows', async () => {
  const path = join(tmp, 'batch_text.csv');
  writeFileSync(path, 'a,d\n0,9007199254740991\n1,\n2,thirty\n');
  const kinds: string[] = [];
  for await (const b of scanCsv(path, { batchSize: 1 })) kinds.push(b.column('d').kind);
  assert.deepEqual(kinds, ['string', 'string', 'string']); // one number in two values: text, in every batch
});

test('regression: an integer rounded to exactly 2^53 by DuckDB (DOUBLE) is refused, in readCsv and in a scan batch', async () => {
  const path = join(tmp, 'edge53.csv');
  writeFileSync(path, 'a\n0\n-9007199254740993\n12345678901234567890\n');
  await assert.rejects(readCsv(path), /edge53\.csv line 3: column 'a' holds -9007199254740993, beyond/);
  const scan = async () => {
    for await (const _ of scanCsv(path, { batchSize: 1 })) void _;
  };
  await assert.rejects(scan(), /edge53\.csv line 3: column 'a' holds -9007199254740993, beyond/);
});
