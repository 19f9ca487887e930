// End to end on the built-in Fashion-MNIST subset (1,000 training, 500 test images): a 784-64-10
// MLP trained with fit reaches >= 75% test accuracy (about 79% measured, 5 s on the reference
// backend), and the model saved and loaded back gives bit-identical predictions.
//
// Run: npm run build && node --test dist/test/train_e2e.test.js

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Adam, getDefaultDevice, Linear, loadBuiltin, manualSeed, ReLU, Sequential } from '../src/index.js';
import { compile, loadModel, saveModel } from '../src/train/index.js';

test('an MLP trained with fit reaches >= 75% on fashion-mnist-small; save/load keeps its predictions', async (t) => {
  manualSeed(0);
  const { train, test: testSplit } = await loadBuiltin('fashion-mnist-small', { flatten: true }); // images (N, 784), labels int32 (N)
  const model = new Sequential(new Linear(784, 64), new ReLU(), new Linear(64, 10));
  const trainer = compile(model, { optimizer: new Adam(model.parameters(), { lr: 1e-3 }), loss: 'crossEntropy', metrics: ['accuracy'] });

  const started = performance.now();
  const history = await trainer.fit(train.images, train.labels, { epochs: 8, batchSize: 32, seed: 0, verbose: 0 });
  const seconds = (performance.now() - started) / 1000;
  const { loss, accuracy } = await trainer.evaluate(testSplit.images, testSplit.labels, { batchSize: 250 });
  t.diagnostic(
    `backend ${getDefaultDevice()}: 8 epochs in ${seconds.toFixed(1)} s; train accuracy ${history.history.accuracy[7].toFixed(3)}, test loss ${loss.toFixed(3)}, test accuracy ${accuracy.toFixed(3)}`,
  );
  assert.ok(accuracy >= 0.75, `test accuracy ${accuracy} < 0.75`);
  assert.ok(history.history.loss[7] < history.history.loss[0]);

  const dir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  try {
    await saveModel(model, dir, { metadata: { accuracy } });
    const loaded = await loadModel(dir);
    const before = trainer.predict(testSplit.images);
    const after = compile(loaded, { optimizer: new Adam(loaded.parameters()), loss: 'crossEntropy' }).predict(testSplit.images);
    assert.deepEqual(after.toTypedArray(), before.toTypedArray());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
