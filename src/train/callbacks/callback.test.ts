// CallbackList runs hooks in order and returns a Promise only when a hook did; History records
// epoch logs, padding entries that appear late with NaN; the monitor's auto mode.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../../index.js';
import { type Callback, CallbackList } from './callback.js';
import { History } from './history.js';
import { Monitor, resolveMode } from './monitor.js';

test('CallbackList: synchronous hooks return undefined, async ones are awaited in order', async () => {
  const seen: string[] = [];
  const a: Callback = { onEpochEnd: (e) => void seen.push(`a${e}`) };
  const b: Callback = {
    onEpochEnd: async (e) => {
      await new Promise((r) => setTimeout(r, 2));
      seen.push(`b${e}`);
    },
  };
  const c: Callback = { onEpochEnd: (e) => void seen.push(`c${e}`) };
  assert.equal(new CallbackList([a, c]).call('onEpochEnd', 0, {}), undefined);
  const r = new CallbackList([a, b, c]).call('onEpochEnd', 1, {});
  assert.ok(r instanceof Promise);
  assert.deepEqual(seen, ['a0', 'c0', 'a1']);
  await r;
  assert.deepEqual(seen, ['a0', 'c0', 'a1', 'b1', 'c1']);
  assert.equal(new CallbackList([{}]).call('onTrainBegin', {}), undefined, 'missing hooks are skipped');
});

test('History: values per key, NaN where an epoch lacks one, last()', () => {
  const h = new History();
  assert.deepEqual(h.last(), {});
  h.onEpochEnd(0, { loss: 1 });
  h.onEpochEnd(1, { loss: 0.5, val_loss: 0.7 });
  h.onEpochEnd(2, { val_loss: 0.6 });
  assert.deepEqual(h.epoch, [0, 1, 2]);
  assert.deepEqual(h.history, { loss: [1, 0.5, Number.NaN], val_loss: [Number.NaN, 0.7, 0.6] });
  assert.deepEqual(h.last(), { loss: Number.NaN, val_loss: 0.6 });
});

test('monitor modes: auto from the name, explicit, or an error saying what to pass', () => {
  assert.equal(resolveMode('X', 'val_accuracy'), 'max');
  assert.equal(resolveMode('X', 'val_top5'), 'max');
  assert.equal(resolveMode('X', 'f1'), 'max');
  assert.equal(resolveMode('X', 'val_loss'), 'min');
  assert.equal(resolveMode('X', 'mae'), 'min');
  assert.equal(resolveMode('X', 'score', 'max'), 'max');
  assert.throws(() => resolveMode('EarlyStopping', 'score'), /EarlyStopping: cannot tell whether 'score'.*mode: 'min'/);
  const m = new Monitor('X', 'val_loss', 'auto', 0.1);
  assert.ok(m.improves(5));
  m.best = 1;
  assert.ok(!m.improves(0.95), 'within minDelta');
  assert.ok(m.improves(0.85));
  assert.ok(!m.improves(Number.NaN));
});
