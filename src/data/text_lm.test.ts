// Language-model data: the shipped Shakespeare corpus and nanoGPT's split, and LanguageModelBatches
// (shapes, y = x shifted by one, windows drawn from the given split only, reproducible by seed).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Generator } from '../core/random.js';
import { LanguageModelBatches, shakespeare } from './index.js';

test('shakespeare() gives the 1,115,394-character corpus and nanoGPT 90/10 split', async () => {
  const { text, train, val, source } = await shakespeare();
  assert.equal(text.length, 1115394);
  assert.equal(train.length, 1003854);
  assert.equal(val.length, 111540);
  assert.equal(train + val, text);
  assert.equal(new Set(text).size, 65);
  assert.ok(text.startsWith('First Citizen:\nBefore we proceed any further, hear me speak.'));
  assert.match(source, /tinyshakespeare[/\\]input\.txt$/);
});

/** Character-level ids over a shared vocabulary (nanoGPT's shakespeare_char). */
function encoder(text: string): { encode: (s: string) => Int32Array; decode: (ids: ArrayLike<number>) => string } {
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  return {
    encode: (s) => Int32Array.from(s, (c) => index.get(c) as number),
    decode: (ids) => Array.from(ids, (i) => chars[i]).join(''),
  };
}

test('LanguageModelBatches: (B, T) int32 windows of the split, y = x shifted by one', async () => {
  const { text, val } = await shakespeare();
  const { encode, decode } = encoder(text);
  const ids = encode(val);
  const batches = new LanguageModelBatches(ids, { blockSize: 64, batchSize: 12, seed: 1337 });
  for (let n = 0; n < 5; n++) {
    const { x, y, starts } = batches.next();
    assert.deepEqual(x.shape, [12, 64]);
    assert.deepEqual(y.shape, [12, 64]);
    assert.equal(x.dtype, 'int32');
    const xs = x.toArray() as number[][];
    const ys = y.toArray() as number[][];
    for (let b = 0; b < 12; b++) {
      assert.ok(starts[b] >= 0 && starts[b] < ids.length - 64, `start ${starts[b]}`);
      assert.deepEqual(xs[b], Array.from(ids.subarray(starts[b], starts[b] + 64)));
      assert.deepEqual(ys[b].slice(0, 63), xs[b].slice(1), 'y is x shifted by one');
      assert.equal(ys[b][63], ids[starts[b] + 64]);
      assert.ok(val.includes(decode([...xs[b], ys[b][63]])), 'the window is text of the validation split');
    }
  }
});

test('LanguageModelBatches are reproducible by seed or generator state, and differ across seeds', () => {
  const ids = Int32Array.from({ length: 1000 }, (_, i) => i);
  const draw = (b: LanguageModelBatches) => [b.next().starts, b.next().starts];
  const a = draw(new LanguageModelBatches(ids, { blockSize: 8, batchSize: 4, seed: 7 }));
  assert.deepEqual(draw(new LanguageModelBatches(ids, { blockSize: 8, batchSize: 4, seed: 7 })), a);
  assert.notDeepEqual(draw(new LanguageModelBatches(ids, { blockSize: 8, batchSize: 4, seed: 8 })), a);
  const g = new Generator(5);
  const saved = g.getState();
  const first = new LanguageModelBatches(ids, { blockSize: 8, batchSize: 4, generator: g }).next().x.toArray();
  g.setState(saved);
  assert.deepEqual(new LanguageModelBatches(ids, { blockSize: 8, batchSize: 4, generator: g }).next().x.toArray(), first);
  // every start is reachable: the last is len - blockSize - 1 (y's last token is the array's last)
  const tiny = new LanguageModelBatches(Int32Array.from([0, 1, 2, 3]), { blockSize: 2, batchSize: 64, seed: 1 });
  assert.deepEqual([...new Set(tiny.next().starts)].sort(), [0, 1]);
  let count = 0;
  for (const batch of tiny) {
    assert.deepEqual(batch.x.shape, [64, 2]);
    if (++count === 3) break;
  }
});

test('LanguageModelBatches errors name the argument', () => {
  const ids = new Int32Array(10);
  assert.throws(
    () => new LanguageModelBatches([1, 2, 3] as unknown as Int32Array, { blockSize: 1, batchSize: 1 }),
    /tokens must be an Int32Array/,
  );
  assert.throws(() => new LanguageModelBatches(ids, { blockSize: 0, batchSize: 1 }), /blockSize must be an integer >= 1, got 0/);
  assert.throws(() => new LanguageModelBatches(ids, { blockSize: 2, batchSize: 1.5 }), /batchSize must be an integer >= 1, got 1.5/);
  assert.throws(() => new LanguageModelBatches(ids, { blockSize: 10, batchSize: 1 }), /at least blockSize \+ 1 = 11 tokens, got 10/);
});
