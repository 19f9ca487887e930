// A real `tessera train` process killed (SIGKILL) at random instants, again and again in the same
// folder, every other time at the first file event of a save after the random delay (so that the
// kill lands inside a save, as the run that found the bug was killed right after a rename), every
// third run resuming with --resume. After every kill, each model and checkpoint folder that holds
// a manifest loads with its files verified (ModelCheckpoint's best/ and last/, the run's
// checkpoint, the output model), a folder that loaded once still loads, and the CSV and JSON logs
// parse whole. The end-to-end companion of crash_writers.test.ts, which crashes at every step.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, type FSWatcher, watch as fsWatch, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../src/io/checkpoint_files.js';
import { loadModelFiles } from '../src/io/model_files.js';
import { scratchDir, writeText } from './cli_harness.js';

const BIN = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));
const KILLS = 10;

const CONFIG = `
seed: 0
data: { source: builtin:fashion-mnist-small, validationSplit: 0.1, batchSize: 64 }
model:
  layers:
    - { type: Linear, inFeatures: 784, outFeatures: 8 }
    - { type: ReLU }
    - { type: Linear, inFeatures: 8, outFeatures: 10 }
optimizer: { type: adam, lr: 0.001 }
loss: crossEntropy
metrics: [accuracy]
epochs: 40
callbacks: { checkpoint: { dir: ck, saveBestOnly: false }, csvLogger: log.csv, jsonLogger: log.json }
output: out
`;

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Starts `tessera train` in `cwd` and kills it `ms` after the start, or, with `onSave`, at the
 * first file event in `watch` (a save writing there) after `ms`, so that the kill lands inside a
 * save; resolves once it has exited (it may finish first).
 */
function trainAndKill(args: string[], cwd: string, ms: number, watch?: string): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'train', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let watcher: FSWatcher | undefined;
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(() => {
      if (watch === undefined || !existsSync(watch)) return kill();
      watcher = fsWatch(watch, kill);
      setTimeout(kill, 500); // no save within 0.5 s: kill anyway
    }, ms);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      watcher?.close();
      if (signal === null && code !== 0) reject(new Error(`tessera train exited with ${code}: ${stderr}`));
      else resolve({ killed: signal === 'SIGKILL', stderr });
    });
  });
}

test('tessera train killed at random instants: every saved model and checkpoint folder loads', async () => {
  const work = await scratchDir('tessera-kill-loop-');
  const config = await writeText(work, 'train.yaml', CONFIG);
  const next = random(20261207);
  const loadedOnce = new Set<string>();
  let killed = 0;
  for (let i = 0; i < KILLS; i++) {
    const ms = Math.round(200 + next() * 1800);
    // every other kill waits for the next save into ck/last after the delay, to land inside it;
    // every third run resumes from the run's checkpoint when there is one
    const resume = i % 3 === 2 && existsSync(join(work, 'out', 'checkpoint', 'checkpoint.json'));
    const args = resume ? [config, '--resume'] : [config];
    const run = await trainAndKill(args, work, ms, i % 2 === 1 ? join(work, 'ck', 'last') : undefined);
    if (run.killed) killed++;
    const what = `after ${run.killed ? `a kill at ${ms} ms` : 'a run that finished'} (round ${i}${resume ? ', --resume' : ''})`;
    for (const [dir, kind] of [
      ['out', 'model'],
      ['ck/best', 'model'],
      ['ck/last', 'model'],
      ['ck/last', 'checkpoint'],
      ['out/checkpoint', 'checkpoint'],
    ] as const) {
      const key = `${dir} ${kind}`;
      const manifest = join(work, dir, kind === 'model' ? 'model.json' : 'checkpoint.json');
      if (!existsSync(manifest)) {
        assert.ok(!loadedOnce.has(key), `${key}: loaded before, missing ${what}`);
        continue;
      }
      await (kind === 'model' ? loadModelFiles(manifest) : loadCheckpoint(manifest)).catch((e) => {
        throw new Error(`${key} does not load ${what}: ${e.message}`);
      });
      loadedOnce.add(key);
    }
    const csv = join(work, 'log.csv');
    if (existsSync(csv)) {
      const lines = readFileSync(csv, 'utf8').split('\n');
      assert.equal(lines.pop(), '', `log.csv ends mid-line ${what}`);
      for (const line of lines) assert.equal(line.split(',').length, lines[0].split(',').length, `log.csv ${what}: ${line}`);
    }
    const json = join(work, 'log.json');
    if (existsSync(json)) assert.ok(Array.isArray(JSON.parse(readFileSync(json, 'utf8'))), `log.json ${what}`);
  }
  assert.ok(killed >= KILLS / 2, `only ${killed} of ${KILLS} runs were killed before they finished`);
  assert.ok(loadedOnce.has('ck/last checkpoint'), 'no checkpoint was ever written: the kills came too early');
});
