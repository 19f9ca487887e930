// `tessera` on tables with bad values, run as a child process: the column types come from the whole
// column and the config, a stray word in a number column stops the run naming the file's line and
// the value (or, with onBadValue: missing, is reported and read as missing), errors name the file's
// line, not a position in a shuffled split, empty test files and header-only inputs are errors naming
// the file, and predict reads rows with the types saved at training (issue 9, findings 2, 5 and 6).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CliResult, runCli, scratchDir, writeText } from '../../test/cli_harness.js';
import { loadTabular } from './tabular.js';

const work = await scratchDir('tessera-cli-types-');
const tessera = (args: string[]): Promise<CliResult> => runCli(args, work);

/** 60 rows: x, tenure (numbers), city (text), a note with a line break on every 10th row, label yes/no. */
function rows(edit: (cells: string[], i: number) => void = () => {}): string {
  const out = ['x,tenure,city,note,label'];
  for (let i = 0; i < 60; i++) {
    const cells = [
      String((i % 7) + 0.5),
      String(i % 13),
      ['Oslo', 'Rome', 'Lima'][i % 3],
      i % 10 === 0 ? '"two\nlines"' : 'plain',
      i % 2 === 0 ? 'yes' : 'no',
    ];
    edit(cells, i);
    out.push(cells.join(','));
  }
  return `${out.join('\n')}\n`;
}

/** The line a data row starts on: the header, the rows before, and the line breaks in their notes. */
const lineOf = (i: number) => 2 + i + Math.ceil(i / 10);

function config(data: string, extra = '', top = ''): string {
  return `seed: 0
data:
  source: csv
  path: ${data}
  target: label
  drop: [note]
${extra}model: { preset: mlp, hidden: [4] }
optimizer: { type: adam, lr: 0.01 }
epochs: 1
${top}`;
}

test('finding 2: one stray word in a number column stops train naming file, line, column and value; onBadValue: missing reports it', async () => {
  const data = await writeText(
    work,
    'stray.csv',
    rows((c, i) => {
      if (i === 33) c[0] = 'thirty';
    }),
  );
  const cfg = await writeText(work, 'stray.yaml', config(data));
  const r = await tessera(['train', cfg, '--output', join(work, 'stray')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`stray\\.csv line ${lineOf(33)}: column 'x': "thirty" is not a number`));
  const lenient = await writeText(work, 'lenient.yaml', config(data, '  onBadValue: missing\n'));
  const ok = await tessera(['train', lenient, '--output', join(work, 'lenient')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(
    ok.stderr,
    new RegExp(`note: .*stray\\.csv: column 'x': 1 value that is not a number read as missing \\(line ${lineOf(33)}: "thirty"\\)`),
  );
  assert.match(ok.stderr, /-> 5 features/); // x, tenure, three cities: x stays a number column
  // types: the config reads it as text on purpose
  const text = await writeText(work, 'text.yaml', config(data, '  types: { x: string }\n'));
  const t = await tessera(['train', text, '--output', join(work, 'text')]);
  assert.equal(t.code, 0, t.stderr);
  assert.doesNotMatch(t.stderr, /-> 5 features/);
  const wrong = await writeText(work, 'wrong.yaml', config(data, '  types: { x: integer }\n  onBadValue: drop\n'));
  const w = await tessera(['train', wrong]);
  assert.equal(w.code, 2);
  assert.match(w.stderr, /config\.data\.types\.x: expected one of number, boolean, timestamp, string, got "integer"/);
  assert.match(w.stderr, /config\.data\.onBadValue: expected one of error, missing, got "drop"/);
});

test('finding 6: "holds Infinity" names the line of the file, not the row of the shuffled split', async () => {
  const data = await writeText(
    work,
    'inf.csv',
    rows((c, i) => {
      if (i === 45) c[0] = 'inf';
    }),
  );
  // wherever the split puts the row: in the fitted rows (the imputer refuses it), or in the held-out rows (the pipeline's output does)
  for (const split of ['testSplit: 0.25', 'validationSplit: 0.25']) {
    const cfg = await writeText(work, 'inf.yaml', config(data, `  ${split}\n`));
    const r = await tessera(['train', cfg, '--output', join(work, 'inf')]);
    assert.notEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`column 'x' holds Infinity at .*inf\\.csv line ${lineOf(45)}[; ]`));
  }
});

test('finding 5: a test file without data rows is an error naming it, before training', async () => {
  const data = await writeText(work, 'train.csv', rows());
  const empty = await writeText(work, 'empty_test.csv', 'x,tenure,city,note,label\n');
  const cfg = await writeText(work, 'empty.yaml', config(data, `  test: ${empty}\n`));
  const r = await tessera(['train', cfg, '--output', join(work, 'empty')]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /config\.data\.test: .*empty_test\.csv has no data rows/);
  assert.doesNotMatch(r.stderr, /Epoch|accuracy/);
});

test('finding 6: evaluate on a header-only CSV names it; predict refuses true/false in a number column and reports unknown labels', async () => {
  const data = await writeText(work, 'good.csv', rows());
  const out = join(work, 'good');
  const trained = await tessera(['train', await writeText(work, 'good.yaml', config(data)), '--output', out]);
  assert.equal(trained.code, 0, trained.stderr);

  const header = await writeText(work, 'header_only.csv', 'x,tenure,city,note,label\n');
  const e = await tessera(['evaluate', out, '--data', header]);
  assert.notEqual(e.code, 0);
  assert.match(e.stderr, /header_only\.csv has no data rows/);
  assert.doesNotMatch(e.stderr, /yTrue is empty/);

  // a stray word in a column the model does not read (note was dropped) stops nothing
  const noted = await writeText(work, 'noted.csv', 'x,tenure,city,note\n1.5,3,Oslo,1\n2.5,4,Rome,2\n3.5,5,Lima,oops\n');
  const n = await tessera(['predict', out, noted]);
  assert.equal(n.code, 0, n.stderr);
  const flags = await writeText(work, 'flags.csv', 'x,tenure,city,label\n1.5,3,Oslo,yes\ntrue,4,Rome,no\nfalse,5,Lima,no\n');
  const p = await tessera(['predict', out, flags]);
  assert.equal(p.code, 1, p.stderr);
  assert.match(p.stderr, /flags\.csv line 3: column 'x': "true" is not a number; the model was trained on numbers in column 'x'/);
  // every value true/false: DuckDB alone would read 0/1; the saved type says number
  const allFlags = await writeText(work, 'all_flags.csv', 'x,tenure,city\ntrue,3,Oslo\nfalse,4,Rome\n');
  const q = await tessera(['predict', out, allFlags]);
  assert.equal(q.code, 1, q.stderr);
  assert.match(q.stderr, /all_flags\.csv line 2: column 'x': "true" is not a number/);

  const zebra = await writeText(work, 'zebra.csv', 'x,tenure,city,label\n1.5,3,Oslo,yes\n2.5,4,Rome,zebra\n3.5,5,3,no\n');
  const z = await tessera(['predict', out, zebra]);
  assert.equal(z.code, 0, z.stderr);
  // a number in a text column is text: a category never seen in training, encoded as unknown, and said so
  assert.match(
    z.stderr,
    /note: .*zebra\.csv: column 'city': 1 value not seen in training, encoded as unknown \(OneHotEncoder handleUnknown: ignore; first: line 4: "3"\)/,
  );
  assert.match(z.stdout, /1 row with a label the model does not know \(first: line 3: "zebra"; it knows no, yes\) left out of the score/);
  assert.match(z.stdout, /of 2 correct/);
  const zj = await tessera(['predict', out, zebra, '--json']);
  assert.deepEqual(JSON.parse(zj.stdout).unknownLabels, { count: 1, first: 'line 3: "zebra"' });
  // evaluate scores every row, so an unknown label there is an error naming its line
  const ze = await tessera(['evaluate', out, '--data', zebra]);
  assert.equal(ze.code, 1, ze.stderr);
  assert.match(ze.stderr, /zebra\.csv: line 3 has label "zebra" in column "label"; the model knows no, yes/);
});

test('loadTabular: types naming no column is a config error; test rows are read with the training types; unused columns as text', async () => {
  const train = await writeText(work, 'tr.csv', 'x,label\n1,a\n2,b\n3,a\n4,b\n');
  const test2 = await writeText(work, 'te.csv', 'x,label\n1,a\nthirty,b\nn.a.,a\n');
  const tab = { target: 'label', drop: [], task: 'classification' as const, testSplit: 0 };
  await assert.rejects(
    loadTabular({ kind: 'csv', path: train }, { ...tab, types: { nope: 'number' } }, 0),
    /config\.data\.types\.nope: no column "nope"/,
  );
  // two of three test values are no numbers: the rule alone would read text; the training type says number
  await assert.rejects(
    loadTabular({ kind: 'csv', path: train }, { ...tab, test: { kind: 'csv', path: test2 } }, 0),
    /te\.csv line 3: column 'x': "thirty" is not a number; the training data holds numbers in column 'x'/,
  );
  // a column the model does not read is read as text: a stray word there stops nothing
  const ids = await writeText(work, 'ids.csv', 'id,x,label\n1,1,a\n2,2,b\noops,3,a\n4,4,b\n5,5,a\n');
  await assert.rejects(loadTabular({ kind: 'csv', path: ids }, tab, 0), /ids\.csv line 4: column 'id': "oops" is not a number/);
  assert.equal((await loadTabular({ kind: 'csv', path: ids }, { ...tab, drop: ['id'] }, 0)).table.column('id').kind, 'string');
  assert.deepEqual(Object.keys((await loadTabular({ kind: 'csv', path: ids }, { ...tab, features: ['x'] }, 0)).schema), ['x']);
});
