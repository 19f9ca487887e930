// `tessera train` as a child process: one consistent story of a run. When early stopping puts back
// an earlier epoch's weights, the report, the saved metadata and `tessera info` name that epoch and
// give its metrics (validation and test on the saved weights), never the last epoch's. A run killed
// with SIGKILL and resumed with --resume ends bit-identical to a run never killed; a changed config
// is refused naming each changed field.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, scratchDir, writeText } from '../../test/cli_harness.js';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const CUSTOMERS = fileURLToPath(new URL('../../../test/fixtures/cli_tabular/customers.csv', import.meta.url));
const work = await scratchDir('tessera-cli-train-');

/** examples/tabular-classification.yaml (which restores epoch 4 of 12), with a JSON log of every epoch. */
const CHURN = `
seed: 0
data:
  source: csv
  path: ${CUSTOMERS}
  target: churned
  drop: [id, monthly_spend]
  testSplit: 0.2
  validationSplit: 0.2
  batchSize: 32
preprocessing:
  - { type: SimpleImputer, strategy: median, columns: [age, income] }
  - { type: OutlierClipper, columns: [income] }
  - { type: StandardScaler }
  - { type: SimpleImputer, strategy: mostFrequent, columns: [plan] }
  - { type: OneHotEncoder, handleUnknown: ignore }
classWeight: balanced
model: { preset: mlp, hidden: [32], dropout: 0.1 }
optimizer: { type: adam, lr: 0.005 }
metrics: [accuracy]
epochs: 60
callbacks:
  earlyStopping: { monitor: val_loss, patience: 8 }
  jsonLogger: ${join(work, 'history.json')}
`;

/** A metric as the report prints it: 4 decimals for a loss. */
const loss4 = (v: number) => v.toFixed(4);

test('early stopping restores epoch 4 of 12: the report, model.json and info give epoch 4 and its metrics', async () => {
  const out = join(work, 'churn');
  const r = await runCli(['train', await writeText(work, 'churn.yaml', CHURN), '--output', out], work, MAIN);
  assert.equal(r.code, 0, r.stderr);
  const log: Record<string, number>[] = JSON.parse(await readFile(join(work, 'history.json'), 'utf8'));
  const history = { loss: log.map((e) => e.loss), val_loss: log.map((e) => e.val_loss) };
  const epochs = history.val_loss.length;
  const best = history.val_loss.indexOf(Math.min(...history.val_loss)); // counted from 0
  assert.ok(best < epochs - 1, `the run must restore an earlier epoch (best ${best + 1} of ${epochs})`);
  assert.match(
    r.stdout,
    new RegExp(`Trained ${epochs} epochs in [\\d.]+ s\\nKept the weights of epoch ${best + 1} \\(restored by early stopping\\)`),
  );
  const val = /validation: loss ([\d.]+)/.exec(r.stdout)?.[1];
  assert.equal(
    val,
    loss4(history.val_loss[best]),
    `validation is epoch ${best + 1}'s, not the last epoch's ${loss4(history.val_loss.at(-1) ?? 0)}`,
  );
  assert.equal(/train: loss ([\d.]+)/.exec(r.stdout)?.[1], loss4(history.loss[best]));
  assert.match(r.stdout, new RegExp(`Saved the model to .* \\(the weights of epoch ${best + 1}\\)`));

  const meta = JSON.parse(await readFile(join(out, 'model.json'), 'utf8')).metadata;
  assert.deepEqual([meta.results.epoch, meta.results.epochsRun, meta.results.restored], [best + 1, epochs, true]);
  assert.ok(Math.abs(meta.results.final.val_loss - history.val_loss[best]) < 1e-6);
  assert.equal(meta.results.final.loss, history.loss[best]);
  // the test metrics are of the saved weights: evaluate on the same test split gives them again
  const ev = await runCli(['evaluate', out, '--json'], work, MAIN);
  assert.equal(ev.code, 0, ev.stderr);
  assert.ok(Math.abs(JSON.parse(ev.stdout).results.loss - meta.results.test.loss) < 1e-6);
  const info = await runCli(['info', out], work, MAIN);
  assert.match(
    info.stdout,
    new RegExp(
      `results +weights of epoch ${best + 1} of ${epochs} \\(restored by early stopping\\); final: loss ${loss4(history.loss[best])}`,
    ),
  );
});

/** A run long enough to be killed in its middle: dropout, a step schedule, early stopping, a checkpoint every 5 steps. */
const RESUMABLE = `
seed: 3
data: { source: builtin:fashion-mnist-small, validationSplit: 0.1, batchSize: 32 }
model:
  layers:
    - { type: Linear, inFeatures: 784, outFeatures: 128 }
    - { type: ReLU }
    - { type: Dropout, p: 0.2 }
    - { type: Linear, inFeatures: 128, outFeatures: 10 }
optimizer: { type: adam, lr: 0.002 }
schedule: { type: step, stepSize: 3, gamma: 0.5 }
epochs: 8
callbacks:
  earlyStopping: { monitor: val_loss, patience: 20 }
  csvLogger: log.csv
checkpoint: { everySteps: 5 }
output: killed
`;

/** Starts `tessera train` and SIGKILLs it once the progress shows an epoch ended (checkpoints exist by then). */
function trainAndKill(args: string[]): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'train', ...args], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/Epoch 2\/8/.test(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

test('train --resume after kill -9 ends with the weights, metrics and log of a run never killed', async () => {
  const cfg = await writeText(work, 'resumable.yaml', RESUMABLE);
  const straight = await runCli(['train', cfg, '--output', 'straight', '--quiet'], work, MAIN);
  assert.equal(straight.code, 0, straight.stderr);
  const straightLog = await readFile(join(work, 'log.csv'), 'utf8');

  const killed = await trainAndKill([cfg]);
  assert.equal(killed.signal, 'SIGKILL', `the run must be killed, not end (${killed.code}): ${killed.stderr}`);
  await assert.rejects(stat(join(work, 'killed', 'model.json')), 'killed before the model was saved');

  const resumed = await runCli(['train', cfg, '--resume'], work, MAIN);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /Resumed from killed\/checkpoint: \d+ epochs?( and \d+ batch(es)? of epoch \d+)? done \(step \d+\)/);
  const weightsOf = async (dir: string) => {
    const manifest = JSON.parse(await readFile(join(work, dir, 'model.json'), 'utf8'));
    return readFile(join(work, dir, manifest.weights.file)); // model-<sha>.safetensors
  };
  const a = await weightsOf('straight');
  const b = await weightsOf('killed');
  assert.ok(a.equals(b), 'bit-identical weights');
  const meta = async (dir: string) => JSON.parse(await readFile(join(work, dir, 'model.json'), 'utf8')).metadata.results;
  assert.deepEqual(await meta('killed'), await meta('straight'));
  assert.equal(await readFile(join(work, 'log.csv'), 'utf8'), straightLog, 'the log has every epoch once');

  // --resume DIR takes the output folder (or the checkpoint folder); epochs may grow, other fields may not change
  const longer = await runCli(['train', cfg, '--resume', 'killed', '--epochs', '9', '--quiet'], work, MAIN);
  assert.equal(longer.code, 0, longer.stderr);
  assert.match(longer.stdout, /Trained 9 epochs/);
  const changed = await writeText(
    work,
    'changed.yaml',
    RESUMABLE.replace('lr: 0.002', 'lr: 0.003').replace('batchSize: 32', 'batchSize: 16'),
  );
  const refused = await runCli(['train', changed, '--resume', 'killed'], work, MAIN);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /config\.data\.batchSize: 32 in the checkpoint, now 16/);
  assert.match(refused.stderr, /config\.optimizer\.lr: 0\.002 in the checkpoint, now 0\.003/);
  assert.match(refused.stderr, /only epochs, output, test, checkpoint, device may change/);
  const none = await runCli(['train', cfg, '--resume', 'nowhere'], work, MAIN);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /--resume: no training checkpoint at nowhere/);
});
