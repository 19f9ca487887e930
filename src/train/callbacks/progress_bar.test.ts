// The progress display with a fake stream and a fake clock: plain lines (no carriage returns) when
// the stream is not a terminal, in-place redraws on a terminal, one line per epoch in 'epoch' mode,
// and the number and duration formats.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../../index.js';
import type { TrainingParams } from './callback.js';
import { formatDuration, formatValue, ProgressBar } from './progress_bar.js';

function fakeStream(isTTY: boolean, columns?: number) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns, write: (s: string) => chunks.push(s) } };
}

const params: TrainingParams = {
  epochs: 2,
  initialEpoch: 0,
  steps: 4,
  samples: 100,
  batchSize: 32,
  verbose: 1,
  metrics: ['loss', 'accuracy'],
};

/** One epoch of 4 batches, 5 s each; returns what was written. */
function epoch(bar: ProgressBar, clock: { t: number }) {
  bar.setTrainer(null, params);
  bar.onEpochBegin(0);
  for (let b = 0; b < 4; b++) {
    clock.t += 5000;
    bar.onBatchEnd(b, { loss: 1 / (b + 1), accuracy: 0.25 * b });
  }
  clock.t += 1000; // validation
  bar.onEpochEnd(0, { loss: 0.5, accuracy: 0.75, val_loss: 0.0001, learning_rate: 0.001 });
}

test('not a terminal: plain lines every interval and a final line, no carriage returns', () => {
  const { chunks, stream } = fakeStream(false);
  const clock = { t: 0 };
  epoch(new ProgressBar({ stream, clock: () => clock.t }), clock);
  const text = chunks.join('');
  assert.ok(!text.includes('\r'));
  assert.deepEqual(text.split('\n'), [
    'Epoch 1/2',
    '2/4 [==============>...............] - ETA: 10s - 5 samples/s - loss: 0.5000 - accuracy: 0.2500',
    '4/4 [==============================] - 21s 5250ms/step - 5 samples/s - loss: 0.5000 - accuracy: 0.7500 - val_loss: 1.0000e-4',
    '',
  ]);
});

test('a terminal: the bar is redrawn in place and cut to the width', () => {
  const { chunks, stream } = fakeStream(true, 60);
  const clock = { t: 0 };
  epoch(new ProgressBar({ stream, clock: () => clock.t }), clock);
  const draws = chunks.slice(1);
  assert.equal(draws.length, 4, 'batches 1-3 redraw (the 4th is the final line)');
  for (const d of draws) {
    assert.ok(d.startsWith('\r') && d.includes('\x1b[K'));
    assert.ok(d.replace('\r', '').replace('\x1b[K', '').replace('\n', '').length <= 59);
  }
  assert.ok(draws[3].endsWith('\n'));
  assert.ok(!draws[2].endsWith('\n'));
});

test("'epoch' mode: one line per epoch", () => {
  const { chunks, stream } = fakeStream(false);
  const clock = { t: 0 };
  epoch(new ProgressBar({ stream, mode: 'epoch', clock: () => clock.t }), clock);
  assert.deepEqual(chunks, ['Epoch 1/2 - 21s - 5 samples/s - loss: 0.5000 - accuracy: 0.7500 - val_loss: 1.0000e-4\n']);
  assert.throws(() => new ProgressBar({ mode: 'dots' as never }), /'bar' or 'epoch'/);
});

test('number and duration formats', () => {
  assert.equal(formatValue(0.123456), '0.1235');
  assert.equal(formatValue(12), '12.0000');
  assert.equal(formatValue(0.00012345), '1.2345e-4');
  assert.equal(formatValue(0), '0.0000');
  assert.equal(formatValue(Number.NaN), 'NaN');
  assert.equal(formatDuration(7.4), '7s');
  assert.equal(formatDuration(125), '2m 05s');
  assert.equal(formatDuration(3720), '1h 02m');
});
