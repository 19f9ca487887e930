// CSVLogger and JSONLogger: file contents per epoch, NA for missing values, and `append`, which
// keeps earlier epochs and drops those from the resumed epoch on.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import '../../index.js';
import type { Callback, Logs, TrainingParams } from './callback.js';
import { CSVLogger, JSONLogger } from './loggers.js';

const params = (initialEpoch: number): TrainingParams => ({
  epochs: 5,
  initialEpoch,
  steps: 1,
  samples: 1,
  batchSize: 1,
  verbose: 0,
  metrics: [],
});

async function drive(cb: Callback, initialEpoch: number, epochs: Logs[]) {
  cb.setTrainer?.(null as never, params(initialEpoch));
  await cb.onTrainBegin?.({});
  for (const [i, logs] of epochs.entries()) await cb.onEpochEnd?.(initialEpoch + i, logs);
}

test('CSVLogger writes a header and a row per epoch; NA for missing values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-log-'));
  const file = join(dir, 'sub', 'log.csv');
  try {
    await drive(new CSVLogger(file), 0, [{ loss: 0.5, accuracy: 0.25 }, { loss: 0.25 }]);
    assert.equal(readFileSync(file, 'utf8'), 'epoch,loss,accuracy\n0,0.5,0.25\n1,0.25,NA\n');
    await drive(new CSVLogger(file), 0, [{ loss: 1 }]);
    assert.equal(readFileSync(file, 'utf8'), 'epoch,loss\n0,1\n', 'without append the file starts over');
    await drive(new CSVLogger(file, { separator: ';' }), 0, [{ 'a;b': 1 }]);
    assert.equal(readFileSync(file, 'utf8'), 'epoch;"a;b"\n0;1\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CSVLogger append keeps epochs before the resumed one and the header columns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-log-'));
  const file = join(dir, 'log.csv');
  try {
    writeFileSync(file, 'epoch,loss,accuracy\n0,0.9,0.1\n1,0.8,0.2\n2,0.7,0.3\n');
    await drive(new CSVLogger(file, { append: true }), 2, [{ accuracy: 0.35, loss: 0.65 }]);
    assert.equal(readFileSync(file, 'utf8'), 'epoch,loss,accuracy\n0,0.9,0.1\n1,0.8,0.2\n2,0.65,0.35\n');
    writeFileSync(file, 'step,loss\n');
    await assert.rejects(drive(new CSVLogger(file, { append: true }), 0, []), /not a CSVLogger file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('JSONLogger keeps a valid JSON array; append drops resumed epochs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-log-'));
  const file = join(dir, 'log.json');
  try {
    await drive(new JSONLogger(file), 0, [{ loss: 0.5 }, { loss: Number.NaN, val_loss: 0.4 }, { loss: 0.2 }]);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), [
      { epoch: 0, loss: 0.5 },
      { epoch: 1, loss: null, val_loss: 0.4 },
      { epoch: 2, loss: 0.2 },
    ]);
    await drive(new JSONLogger(file, { append: true }), 1, [{ loss: 0.3 }]);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), [
      { epoch: 0, loss: 0.5 },
      { epoch: 1, loss: 0.3 },
    ]);
    writeFileSync(file, '{oops');
    await assert.rejects(drive(new JSONLogger(file, { append: true }), 0, []), /not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
