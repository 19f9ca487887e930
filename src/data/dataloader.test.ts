// DataLoader: batching, dropLast, seeded shuffling, the indexSelect fast path against the
// sample-by-sample path, collate and transform, sync and async iteration, prefetch, and exact
// resumption from stateDict().

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, Generator, manualSeed, type Tensor, tensor } from '../index.js';
import { DataLoader, type Dataset, mapDataset, randomSplit, TensorDataset } from './index.js';

const data = (n: number) => new TensorDataset(arange(n * 2).reshape([n, 2]), tensor(Int32Array.from({ length: n }, (_, i) => i)));
const labelsOf = (loader: Iterable<Tensor[]>) => [...loader].map(([, y]) => Array.from(y.toTypedArray()));
const flat = (batches: number[][]) => batches.flat();

test('batches in order, with a smaller last batch unless dropLast', () => {
  const loader = new DataLoader(data(10), { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = [...loader];
  assert.deepEqual(
    batches.map(([x]) => x.shape),
    [
      [4, 2],
      [4, 2],
      [2, 2],
    ],
  );
  assert.deepEqual(batches[1][0].toArray(), [
    [8, 9],
    [10, 11],
    [12, 13],
    [14, 15],
  ]);
  assert.equal(batches[0][1].dtype, 'int32');
  const dropped = new DataLoader(data(10), { batchSize: 4, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.deepEqual(labelsOf(dropped), [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
  ]);
  assert.deepEqual([...new DataLoader(data(0))], []);
});

test('shuffle: a permutation per epoch, reproducible from a seed, a Generator or manualSeed', () => {
  const a = new DataLoader(data(50), { batchSize: 8, shuffle: true, seed: 3 });
  const e1 = labelsOf(a);
  const e2 = labelsOf(a);
  assert.deepEqual(
    flat(e1).sort((p, q) => p - q),
    [...Array(50).keys()],
  );
  assert.notDeepEqual(e1, e2);
  const b = new DataLoader(data(50), { batchSize: 8, shuffle: true, seed: 3 });
  assert.deepEqual([labelsOf(b), labelsOf(b)], [e1, e2]);
  assert.notDeepEqual(labelsOf(new DataLoader(data(50), { batchSize: 8, shuffle: true, seed: 4 })), e1);
  const c = new DataLoader(data(50), { batchSize: 8, shuffle: true, generator: new Generator(3) });
  assert.deepEqual(labelsOf(c), e1);
  manualSeed(11);
  const d1 = labelsOf(new DataLoader(data(50), { shuffle: true }));
  manualSeed(11);
  assert.deepEqual(labelsOf(new DataLoader(data(50), { shuffle: true })), d1);
});

test('TensorDataset batches come from indexSelect, without calling get per sample, equal to the generic path', () => {
  const ds = data(37);
  const original = TensorDataset.prototype.get;
  let calls = 0;
  TensorDataset.prototype.get = function (this: TensorDataset, i: number) {
    calls++;
    return original.call(this, i);
  };
  try {
    const fast = [...new DataLoader(ds, { batchSize: 5, shuffle: true, seed: 9 })];
    assert.equal(calls, 0);
    const slow = [
      ...new DataLoader(
        mapDataset(ds, (s) => s),
        { batchSize: 5, shuffle: true, seed: 9 },
      ),
    ];
    assert.equal(calls, 37);
    assert.deepEqual(
      fast.map((b) => b.map((t) => t.toArray())),
      slow.map((b) => b.map((t) => t.toArray())),
    );
  } finally {
    TensorDataset.prototype.get = original;
  }
  // a Subset of a TensorDataset (randomSplit) keeps the fast path and maps the rows
  const [train] = randomSplit(ds, [30, 7], new Generator(0));
  const rows = flat(labelsOf(new DataLoader(train, { batchSize: 8 })));
  assert.deepEqual(rows, [...train.indices]);
});

test('collate and transform', () => {
  const words: Dataset<{ id: number; text: string }> = { length: 5, get: (i) => ({ id: i, text: `w${i}` }) };
  const loader = new DataLoader(words, { batchSize: 2, collate: (s) => s.map((w) => w.text).join(' ') });
  assert.deepEqual([...loader], ['w0 w1', 'w2 w3', 'w4']);
  const byKey = [...new DataLoader(words, { batchSize: 5 })][0];
  assert.deepEqual(byKey.id.toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(byKey.text, ['w0', 'w1', 'w2', 'w3', 'w4']);
  const scaled = new DataLoader(data(4), { batchSize: 4, transform: ([x, y]) => [x.mul(10), y] });
  assert.deepEqual([...scaled][0][0].toArray(), [
    [0, 10],
    [20, 30],
    [40, 50],
    [60, 70],
  ]);
});

test('for await gives the same batches; async datasets load with prefetch', async () => {
  const loader = new DataLoader(data(23), { batchSize: 4, shuffle: true, seed: 1 });
  const sync = labelsOf(new DataLoader(data(23), { batchSize: 4, shuffle: true, seed: 1 }));
  const viaAsync: number[][] = [];
  for await (const [, y] of loader) viaAsync.push(Array.from(y.toTypedArray()));
  assert.deepEqual(viaAsync, sync);

  const events: string[] = [];
  const slow: Dataset<Promise<number>> = {
    length: 6,
    get: async (i) => {
      events.push(`get ${i}`);
      await new Promise((r) => setTimeout(r, 2));
      return i;
    },
  };
  const out: number[][] = [];
  for await (const batch of new DataLoader(slow, { batchSize: 2, prefetch: 1 })) {
    events.push(`use ${out.length}`);
    out.push(Array.from(batch.toTypedArray()));
  }
  assert.deepEqual(out, [
    [0, 1],
    [2, 3],
    [4, 5],
  ]);
  // batch 1 was requested before batch 0 was used
  assert.ok(events.indexOf('get 2') < events.indexOf('use 0'), events.join(', '));
  assert.throws(() => [...new DataLoader(slow, { batchSize: 2 })], /dataset\.get returned a Promise; iterate with `for await/);
  const failing: Dataset<Promise<number>> = { length: 4, get: async (i) => (i === 3 ? Promise.reject(new Error('disk error')) : i) };
  await assert.rejects(async () => {
    for await (const _ of new DataLoader(failing, { batchSize: 1, prefetch: 2 })) {
      // consume
    }
  }, /disk error/);
});

test('stateDict resumes mid-epoch and between epochs exactly', async () => {
  const make = () => new DataLoader(data(30), { batchSize: 4, shuffle: true, seed: 21 });
  const reference = make();
  const epochs = [labelsOf(reference), labelsOf(reference), labelsOf(reference)];

  // stop after 3 batches of epoch 2, resume in a new loader
  const a = make();
  labelsOf(a);
  const seen: number[][] = [];
  for (const [, y] of a) {
    seen.push(Array.from(y.toTypedArray()));
    if (seen.length === 3) break;
  }
  const state = JSON.parse(JSON.stringify(a.stateDict()));
  assert.equal(state.batchesDone, 3);
  const b = make();
  b.loadStateDict(state);
  assert.deepEqual(b.stateDict(), state);
  assert.deepEqual([...seen, ...labelsOf(b)], epochs[1]);
  assert.deepEqual(labelsOf(b), epochs[2]);

  // between epochs, and through for await
  const c = make();
  labelsOf(c);
  const d = make();
  d.loadStateDict(c.stateDict());
  const next: number[][] = [];
  for await (const [, y] of d) next.push(Array.from(y.toTypedArray()));
  assert.deepEqual(next, epochs[1]);
  assert.throws(() => d.loadStateDict({ rng: [1, 2], batchesDone: 0 }), /5 numbers/);
  assert.throws(() => d.loadStateDict({ rng: c.stateDict().rng, batchesDone: 99 }), /batchesDone 99 exceeds the 8 batches/);
});

test('options are validated', () => {
  assert.throws(() => new DataLoader(data(3), { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  assert.throws(() => new DataLoader({} as Dataset<number>), /dataset must have an integer length and a get\(index\) method/);
  assert.throws(() => new DataLoader(data(3), { prefetch: -1 }), /prefetch must be a non-negative integer/);
  assert.throws(() => new DataLoader(data(3), { seed: 1, generator: new Generator(1) }), /pass seed or generator, not both/);
});
