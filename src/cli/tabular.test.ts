// `tessera` on tables, run as a child process as scripts run it: a model trained from a CSV file with
// a preprocessing section carries its fitted pipeline; predict applies it to raw rows (columns in
// another order, an unseen category, missing values) exactly as predictTable does in-process; bad
// configs name the field; evaluate prints bootstrap intervals, writes charts and cross-validates;
// SQL and Parquet sources work.

import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CliResult, runCli, scratchDir, writeText } from '../../test/cli_harness.js';
import { loadArtifact, predictTable, query, readCsv } from '../index.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DATA = fileURLToPath(new URL('../../../test/fixtures/cli_tabular/', import.meta.url));
const CUSTOMERS = join(DATA, 'customers.csv');
const NEW = join(DATA, 'new_customers.csv');
const work = await scratchDir('tessera-cli-tabular-');

/** Runs `node main.js ...args` in the scratch folder (or `cwd`). */
function tessera(args: string[], cwd = work): Promise<CliResult> {
  return runCli(args, cwd, MAIN);
}

function config(name: string, text: string): Promise<string> {
  return writeText(work, name, text);
}

const CHURN = `
seed: 0
data:
  source: csv
  path: ${CUSTOMERS}
  target: churned
  drop: [id, monthly_spend]
  testSplit: 0.2
  validationSplit: 0.1
  batchSize: 32
preprocessing:
  - { type: SimpleImputer, strategy: median, columns: [age, income] }
  - { type: OutlierClipper, columns: [income] }
  - { type: StandardScaler }
  - { type: SimpleImputer, strategy: mostFrequent, columns: [plan] }
  - { type: OneHotEncoder, handleUnknown: ignore }
classWeight: balanced
model: { preset: mlp, hidden: [16] }
optimizer: { type: adam, lr: 0.01 }
epochs: 4
`;

let trained: Promise<string> | undefined;
/** Trains CHURN once and returns the model directory. */
function trainChurn(): Promise<string> {
  trained ??= (async () => {
    const out = join(work, 'churn');
    const r = await tessera(['train', await config('churn.yaml', CHURN), '--output', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Data: .*customers\.csv: 216 training, 24 validation, 60 test samples of shape \[12\], 2 classes of churned/);
    assert.match(
      r.stderr,
      /Preprocessing: SimpleImputer \(age, income\) \+ OutlierClipper \(income\) \+ StandardScaler \(age, income, tenure_months, support_calls\)/,
    );
    assert.match(r.stdout, /test: loss [\d.]+ {2}accuracy [\d.]+% \(60 samples\)\nSaved the model to /);
    return out;
  })();
  return trained;
}

test('train from a CSV file saves the fitted pipeline, the classes and the input columns with the model', async () => {
  const dir = await trainChurn();
  const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  assert.equal(manifest.preprocessing.type, 'Pipeline');
  assert.equal(manifest.preprocessing.config.steps.length, 5);
  const meta = manifest.metadata;
  assert.deepEqual(meta.classes, ['no', 'yes'], 'yes/no labels keep their names (DuckDB would read them as booleans)');
  assert.deepEqual([meta.task, meta.target], ['classification', 'churned']);
  assert.deepEqual(meta.inputColumns, {
    age: 'number',
    income: 'number',
    plan: 'string',
    city: 'string',
    tenure_months: 'number',
    support_calls: 'number',
  });
  const info = await tessera(['info', dir]);
  assert.equal(info.code, 0, info.stderr);
});

test('predict applies the saved preprocessing to raw rows, as predictTable does in-process', async () => {
  const dir = await trainChurn();
  // new_customers.csv: other column order, an extra column, no target, an unseen city (Cairo), missing values
  const r = await tessera(['predict', dir, NEW, '--top-k', '2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.predictions.length, 5);
  const artifact = await loadArtifact(dir);
  const rows = await readCsv(NEW);
  const probs = predictTable(artifact, rows).softmax(1).toArray() as number[][]; // (5, 2)
  out.predictions.forEach((p: { top: { class: number; name: string; probability: number }[] }, i: number) => {
    assert.deepEqual(
      p.top.map((t) => t.name),
      p.top.map((t) => ['no', 'yes'][t.class]),
    );
    for (const t of p.top)
      assert.ok(Math.abs(t.probability - probs[i][t.class]) < 1e-6, `row ${i}: ${t.probability} vs ${probs[i][t.class]}`);
  });
  const text = await tessera(['predict', dir, NEW]);
  assert.match(text.stdout, /^# +prediction\n0 +(no|yes) [\d.]+%\n1 /);
  const jsonl = await config(
    'rows.jsonl',
    `${JSON.stringify({ plan: 'pro', city: 'Oslo', age: 51, income: null, tenure_months: 70, support_calls: 0 })}\n`,
  );
  const fromJson = JSON.parse((await tessera(['predict', dir, jsonl, '--json'])).stdout);
  assert.equal(fromJson.predictions.length, 1, 'JSON Lines rows, with a missing income');
  const csv = join(work, 'preds.csv');
  const written = await tessera(['predict', dir, NEW, '--keep', 'id', '--threshold', '0.3', '--out', csv]);
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stdout, /Wrote 5 predictions to /);
  const lines = (await readFile(csv, 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'row,id,prediction,probability,p_no,p_yes');
  assert.equal(lines.length, 6);
  for (const [i, line] of lines.slice(1).entries()) {
    const [, id, label, , , pYes] = line.split(',');
    assert.equal(id, String(1001 + i));
    assert.equal(label, Number(pYes) >= 0.3 ? 'yes' : 'no', `threshold 0.3 on row ${i}`);
  }
});

test('predict names the column the rows lack (exit 1); a missing input file is a usage error (exit 2)', async () => {
  const dir = await trainChurn();
  const rows = await config('no_income.csv', 'city,plan,support_calls,tenure_months,age\nOslo,pro,1,20,40\n');
  const r = await tessera(['predict', dir, rows]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no_income\.csv has no column "income", which the model needs/);
  const bad = await config('bad_age.csv', 'city,plan,support_calls,tenure_months,age,income\nOslo,pro,1,20,forty,3\n');
  const age = await tessera(['predict', dir, bad]);
  assert.equal(age.code, 1);
  assert.match(age.stderr, /bad_age\.csv line 2: column 'age': "forty" is not a number; the model was trained on numbers in column 'age'/);
  assert.equal((await tessera(['predict', dir, join(work, 'nope.csv')])).code, 2);
  assert.equal((await tessera(['predict', dir, NEW, '--threshold', '2'])).code, 2);
});

test('an encoder that refuses unknown categories makes predict name the column (exit 1); a test source is used after training', async () => {
  const strict = CHURN.replace('handleUnknown: ignore', 'handleUnknown: error')
    .replace('  testSplit: 0.2\n', `  test: ${NEW.replace('new_customers', 'customers')}\n`)
    .replace('epochs: 4', 'epochs: 1');
  const dir = join(work, 'strict');
  const r = await tessera(['train', await config('strict.yaml', strict), '--output', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /test: loss [\d.]+ {2}accuracy [\d.]+% \(300 samples\)/);
  const p = await tessera(['predict', dir, NEW]);
  assert.equal(p.code, 1);
  assert.match(p.stderr, /column 'city' has the unknown category 'Cairo'/);
});

test('bad tabular configs exit 2 before training, naming the field', async () => {
  const cases: [string, string, RegExp][] = [
    ['no-target.yaml', CHURN.replace('  target: churned\n', ''), /config\.data\.target: missing; expected the name of the label/],
    [
      'bad-type.yaml',
      CHURN.replace('type: OutlierClipper', 'type: OutlierClip'),
      /config\.preprocessing\[1\]\.type: expected one of .*; did you mean 'OutlierClipper'\?/,
    ],
    [
      'bad-option.yaml',
      CHURN.replace('strategy: median', 'strategy: avg'),
      /config\.preprocessing\[0\]\.strategy: expected one of mean, median, mostFrequent, constant, got "avg"/,
    ],
    [
      'bad-feature.yaml',
      CHURN.replace('drop: [id, monthly_spend]', 'features: [age, incme]'),
      /config\.data\.features\[1\]: no column "incme" in .*; did you mean 'income'\?/,
    ],
    [
      'bad-class.yaml',
      CHURN.replace('classWeight: balanced', 'classWeight: { yess: 2 }'),
      /config\.classWeight\.yess: no class "yess"; did you mean 'yes'\? \(classes: no, yes\)/,
    ],
  ];
  for (const [name, text, expected] of cases) {
    const r = await tessera(['train', await config(name, text), '--output', join(work, 'never')]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, expected, name);
    assert.match(r.stderr, /invalid config, nothing was run/, name);
  }
  await assert.rejects(stat(join(work, 'never')), 'no model was written');
});

test('evaluate prints bootstrap intervals and writes the charts; --json parses', async () => {
  const dir = await trainChurn();
  const charts = join(work, 'charts');
  const r = await tessera(['evaluate', dir, '--bootstrap', '200', '--charts', charts]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /on .*customers\.csv \(the 0\.2 test split\) \(60 samples\)\nloss [\d.]+ {2}accuracy/);
  assert.match(r.stdout, /metric +value +95% CI \(200 bootstrap resamples\)/);
  for (const m of ['accuracy', 'balanced_accuracy', 'f1_macro', 'roc_auc', 'pr_auc', 'log_loss'])
    assert.match(r.stdout, new RegExp(`\\n${m} +[\\d.]+ +\\[[\\d.]+, [\\d.]+\\]`), m);
  assert.match(r.stdout, /Confusion matrix \(rows: true class, columns: predicted\):\n +no +yes\nno /);
  assert.match(r.stdout, /Classification report:\n +precision +recall +f1-score +support/);
  for (const name of ['confusion_matrix', 'roc', 'pr']) {
    const svg = await readFile(join(charts, `${name}.svg`), 'utf8');
    assert.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'), name);
  }
  const json = await tessera(['evaluate', dir, '--data', CUSTOMERS, '--bootstrap', '50', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.equal(out.samples, 300);
  assert.deepEqual(out.classes, ['no', 'yes']);
  assert.equal(
    out.confusionMatrix.flat().reduce((a: number, b: number) => a + b, 0),
    300,
  );
  for (const [name, v] of Object.entries(out.metrics)) {
    const ci = out.intervals[name];
    assert.ok(ci.low <= (v as number) + 1e-9 && (v as number) <= ci.high + 1e-9, `${name} ${v} in [${ci.low}, ${ci.high}]`);
  }
  assert.equal((await tessera(['evaluate', dir, '--confidence', '0.9'])).code, 2, '--confidence needs --bootstrap');
});

test('evaluate --cv 3 cross-validates a config: 3 folds, mean ± std, out-of-fold metrics', async () => {
  const file = await config('cv.yaml', CHURN);
  const r = await tessera(['evaluate', file, '--cv', '3', '--stratified', '--epochs', '2', '--charts', join(work, 'cv')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /3-fold stratified, seed 0 \(train\/test rows per fold: 160\/80, 160\/80, 160\/80\)/);
  assert.match(r.stdout, /metric +fold 1 +fold 2 +fold 3 +mean ± std\naccuracy +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+ ± [\d.]+\n/);
  assert.match(r.stdout, /Out-of-fold predictions \(240 rows/);
  assert.match(r.stderr, /fold 3\/3: accuracy/);
  assert.ok((await stat(join(work, 'cv', 'training_curves.svg'))).isFile());
  const model = await trainChurn();
  assert.equal((await tessera(['evaluate', model, '--cv', '3'])).code, 2, '--cv needs a config, not a model');
});

test('a SQL source joins two CSV files; regression trains, predicts and evaluates; Parquet rows predict the same', async () => {
  const sql = `SELECT c.*, u.minutes, u.data_gb FROM read_csv('${CUSTOMERS}') c JOIN read_csv('${join(DATA, 'usage.csv')}') u USING (id)`;
  const file = await config(
    'spend.yaml',
    `
data:
  source: sql
  query: "${sql}"
  target: monthly_spend
  drop: [id, churned]
  task: regression
  testSplit: 0.2
model: { preset: mlp, hidden: [16] }
optimizer: { type: adam, lr: 0.01 }
epochs: 3
`,
  );
  const dir = join(work, 'spend');
  const r = await tessera(['train', file, '--output', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /shape \[14\], target monthly_spend \(regression\)/, 'auto: 6 numbers, 3 plans and 5 cities one-hot');
  assert.match(r.stdout, /test: loss [\d.]+ {2}mae [\d.]+ \(60 samples\)/);
  const meta = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).metadata;
  assert.ok('minutes' in meta.inputColumns && meta.task === 'regression');
  const parquet = join(work, 'joined.parquet');
  await query(`COPY (${sql} LIMIT 5) TO '${parquet}' (FORMAT parquet)`);
  const fromParquet = JSON.parse((await tessera(['predict', dir, parquet, '--json'])).stdout);
  const fromSql = JSON.parse((await tessera(['predict', dir, `sql:${sql} LIMIT 5`, '--json'])).stdout);
  assert.equal(fromParquet.predictions.length, 5);
  fromParquet.predictions.forEach((p: { value: number; label: number }, i: number) => {
    assert.ok(Math.abs(p.value - fromSql.predictions[i].value) < 1e-5);
    assert.equal(typeof p.label, 'number', 'the target column, when present, is shown beside');
  });
  const ev = JSON.parse((await tessera(['evaluate', dir, '--json'])).stdout);
  assert.deepEqual(Object.keys(ev.metrics), ['mae', 'mse', 'rmse', 'r2', 'mape']);
  assert.equal(ev.samples, 60);
});

test('the tabular example configs are valid and their data loads (--dry-run)', async () => {
  for (const name of ['tabular-classification', 'tabular-regression']) {
    const r = await tessera(['train', `examples/${name}.yaml`, '--dry-run'], ROOT);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.match(r.stdout, /is valid; --dry-run: nothing trained/);
  }
});
