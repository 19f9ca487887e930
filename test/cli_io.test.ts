// The CLI's outputs and saved models it refuses, run as a child process: `predict --out` into a
// missing folder names the user's path (not a temporary file's), and `predict`, `evaluate` and
// `info` on a model with a NaN weight fail naming the parameter instead of printing NaN%.

import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Linear, manualSeed, Sequential, saveModel, tensor } from '../src/index.js';
import { runCli, scratchDir, writeText } from './cli_harness.js';

const work = await scratchDir('tessera-cli-io-');
const metadata = { inputShape: [4], classes: ['a', 'b', 'c'] };

async function tinyModel(name: string, nan = false): Promise<string> {
  manualSeed(0);
  const model = new Sequential(new Linear(4, 3));
  if (nan) {
    const w = model.stateDict().get('0.weight')?.toArray() as number[][];
    w[1][2] = Number.NaN;
    model.loadStateDict(new Map([...model.stateDict(), ['0.weight', tensor(w)]]));
  }
  const dir = join(work, name);
  await saveModel(model, dir, { metadata, allowNonFinite: nan });
  return dir;
}

test('predict --out into a missing folder names the path given, not a temporary file (exit 2)', async () => {
  const dir = await tinyModel('ok');
  const input = await writeText(work, 'rows.json', JSON.stringify([[1, 2, 3, 4]]));
  const out = join(work, 'no-such-folder', 'preds.csv');
  const r = await runCli(['predict', dir, input, '--out', out], work);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--out: cannot write .*no-such-folder\/preds\.csv: the folder .*no-such-folder does not exist/);
  assert.doesNotMatch(r.stderr, /\.tmp/);
  const ok = await runCli(['predict', dir, input, '--out', join(work, 'preds.csv')], work);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok((await readdir(work)).includes('preds.csv'));
});

test('predict, evaluate and info refuse a model holding a NaN weight, naming it (exit 1, no NaN%)', async () => {
  const dir = await tinyModel('nan', true);
  const input = await writeText(work, 'rows2.json', JSON.stringify([[1, 2, 3, 4]]));
  for (const args of [
    ['predict', dir, input],
    ['evaluate', dir, '--data', 'builtin:fashion-mnist-small:test'],
    ['info', dir],
  ]) {
    const r = await runCli(args, work);
    assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /model-[0-9a-f]{16}\.safetensors: parameter "0\.weight" holds NaN at index 6 .*diverged/, args[0]);
    assert.doesNotMatch(r.stdout, /NaN/);
  }
});
