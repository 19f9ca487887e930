// saveModel / loadModel: a saved model comes back in one call with identical outputs, in eval mode,
// without the user's code; unregistered layers, foreign architectures and mismatched weights are
// refused with clear errors.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ColumnTransformer } from '../data/preprocess/column_transformer.js';
import { OneHotEncoder } from '../data/preprocess/one_hot_encoder.js';
import { Pipeline } from '../data/preprocess/pipeline.js';
import { StandardScaler } from '../data/preprocess/scalers.js';
import { SimpleImputer } from '../data/preprocess/simple_imputer.js';
import type { Transformer } from '../data/preprocess/transformer.js';
import { Table } from '../data/table.js';
import {
  BatchNorm1d,
  Dropout,
  FileFormatError,
  Linear,
  Module,
  manualSeed,
  mseLoss,
  ReLU,
  randn,
  registerLayer,
  Sequential,
  type Tensor,
  tensor,
} from '../index.js';
import { saveModel as saveModelFiles } from '../io/index.js';
import { Adam } from '../optim/adam.js';
import { loadArtifact, loadModel, predictTable, saveModel } from './model_saving.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tessera-model-'));

test('save then load gives the same architecture and bit-identical outputs', async () => {
  const dir = tmp();
  try {
    manualSeed(0);
    const model = new Sequential(new Linear(5, 8), new BatchNorm1d(8), new ReLU(), new Dropout(0.3), new Linear(8, 3));
    model.forward(randn([16, 5])); // moves BatchNorm's running statistics
    model.eval();
    await saveModel(model, dir, { metadata: { classes: ['a', 'b', 'c'] } });
    const loaded = await loadModel(dir);
    assert.equal(loaded.training, false);
    assert.equal(loaded.repr(), model.repr());
    const x = randn([10, 5]);
    assert.deepEqual(loaded.forward(x).toTypedArray(), model.forward(x).toTypedArray());
    const again = await loadModel(join(dir, 'model.json'));
    assert.deepEqual(again.forward(x).toTypedArray(), model.forward(x).toTypedArray());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a layer that is not registered cannot be saved, with the fix in the message', async () => {
  class Twice extends Module {
    forward(x: Tensor): Tensor {
      return x.mul(2);
    }
  }
  await assert.rejects(saveModel(new Sequential(new Twice()), tmp()), /Twice is not a registered layer; call registerLayer/);
});

test('foreign or inconsistent files are refused', async () => {
  const dir = tmp();
  try {
    await saveModelFiles(dir, { stateDict: new Map(), architecture: { layers: [] } });
    await assert.rejects(loadModel(dir), (e: Error) => e instanceof FileFormatError && /must be a layer config/.test(e.message));
    await saveModelFiles(dir, { stateDict: new Map(), architecture: { type: 'Conv9d', config: {} } });
    await assert.rejects(loadModel(dir), /cannot rebuild the architecture: .*unknown layer type 'Conv9d'/);
    await saveModelFiles(dir, {
      stateDict: new Linear(2, 3).stateDict(),
      architecture: { type: 'Linear', config: { inFeatures: 3, outFeatures: 2 } },
    });
    await assert.rejects(loadModel(dir), /the weights do not fit the architecture: .*shape mismatch/);
    await assert.rejects(loadModel(join(dir, 'nothing')), /does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A tiny regression on a Table through a pipeline: the pipeline, the trained model, raw serving rows. */
function trainTabular(): { pipeline: Pipeline; model: Sequential; serve: Table } {
  manualSeed(0);
  const n = 64;
  const cities = ['Oslo', 'Rome', 'Lima', null];
  const age = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? null : 20 + ((i * 37) % 50)));
  const income = Array.from({ length: n }, (_, i) => 1000 + ((i * 53) % 400) * 10);
  const city = Array.from({ length: n }, (_, i) => cities[(i * 5) % 4]);
  const y = age.map((a, i) => (a ?? 45) / 10 + income[i] / 1000 + (city[i] === 'Rome' ? 1 : 0));
  const train = Table.fromColumns({ age, income, city, y });
  const pipeline = new Pipeline([
    new ColumnTransformer([
      {
        name: 'num',
        transformer: new Pipeline([new SimpleImputer({ strategy: 'median' }), new StandardScaler()]),
        columns: ['age', 'income'],
      },
      { name: 'cat', transformer: new OneHotEncoder({ handleUnknown: 'ignore' }), columns: ['city'] },
    ]),
  ]);
  const x = pipeline.fit(train).toTensor(train); // (64, 6); 'y' falls to the dropped remainder
  const target = tensor(y).reshape([n, 1]);
  const model = new Sequential(new Linear(pipeline.numFeatures, 8), new ReLU(), new Linear(8, 1));
  const opt = new Adam(model.parameters(), { lr: 0.05 });
  for (let step = 0; step < 30; step++) {
    opt.zeroGrad();
    mseLoss(model.forward(x), target).backward();
    opt.step();
  }
  // raw rows as a service receives them: another column order, an extra field, an unseen city, gaps
  const serve = Table.fromColumns({
    city: ['Rome', 'Paris', null, 'Oslo'],
    id: ['r1', 'r2', 'r3', 'r4'],
    income: [1500, 4000, 2000, null],
    age: [33, null, 61, 20],
  });
  return { pipeline, model, serve };
}

/** A user transform nobody registered with registerTransform. */
class Unregistered implements Transformer {
  readonly type = 'Mine';
  readonly isFitted = true;
  fit(): this {
    return this;
  }
  transform(t: Table): Table {
    return t;
  }
  fitTransform(t: Table): Table {
    return t;
  }
  inverseTransform(t: Table): Table {
    return t;
  }
  getFeatureNamesOut(): string[] {
    return [];
  }
  toJSON() {
    return { type: 'Mine', config: {}, state: {} };
  }
}

const hex = (t: Tensor) => Buffer.from((t.toTypedArray() as Float32Array).buffer).toString('hex');

test('a model saved with its preprocessing predicts raw rows bit-identically in a new process', async () => {
  const dir = tmp();
  try {
    const { pipeline, model, serve } = trainTabular();
    await saveModel(model, dir, { preprocessing: pipeline, metadata: { target: 'y' } });
    const expected = predictTable({ model, preprocessing: pipeline }, serve); // (4, 1)
    assert.deepEqual(expected.shape, [4, 1]);
    assert.equal(model.training, true); // predictTable restores the mode
    const artifact = await loadArtifact(dir);
    assert.deepEqual(artifact.metadata, { target: 'y' });
    assert.deepEqual(artifact.preprocessing?.getFeatureNamesOut(), ['age', 'income', 'city=Lima', 'city=Oslo', 'city=Rome', 'city=null']);
    assert.equal(hex(predictTable(artifact, serve)), hex(expected));

    const script = join(dir, 'serve.mjs');
    writeFileSync(
      script,
      [
        `import { loadArtifact, predictTable } from ${JSON.stringify(new URL('./model_saving.js', import.meta.url).href)};`,
        `import { Table } from ${JSON.stringify(new URL('../data/table.js', import.meta.url).href)};`,
        'const artifact = await loadArtifact(process.argv[2]);',
        'const rows = Table.fromColumns(JSON.parse(process.argv[3]));',
        'const out = predictTable(artifact, rows);',
        'process.stdout.write(Buffer.from(out.toTypedArray().buffer).toString("hex"));',
      ].join('\n'),
    );
    const rawRows = Object.fromEntries(serve.columnNames.map((c) => [c, Array.from({ length: serve.numRows }, (_, i) => serve.row(i)[c])]));
    const { stdout } = await promisify(execFile)(process.execPath, [script, dir, JSON.stringify(rawRows)]);
    assert.equal(stdout, hex(expected));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('artifacts: loadModel ignores preprocessing, missing or invalid preprocessing is reported', async () => {
  const dir = tmp();
  try {
    const { pipeline, model, serve } = trainTabular();
    await assert.rejects(
      saveModel(model, dir, { preprocessing: new Pipeline([new StandardScaler()]) }),
      /saveModel: preprocessing is not fitted; call pipeline.fit/,
    );
    await assert.rejects(saveModel(model, dir, { preprocessing: new StandardScaler() as never }), /preprocessing must be a Pipeline/);
    const withCustom = new Pipeline([new Unregistered()]).fit(serve);
    await assert.rejects(saveModel(model, dir, { preprocessing: withCustom }), /could not be loaded back: .*unknown transform type 'Mine'/);

    await saveModel(model, dir, { preprocessing: pipeline });
    const x = pipeline.toTensor(serve);
    assert.deepEqual((await loadModel(dir)).forward(x).toTypedArray(), model.eval().forward(x).toTypedArray());
    const file = join(dir, 'model.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    manifest.preprocessing.state.featureNamesOut = 'age';
    delete manifest.checksum; // an edit made on purpose
    writeFileSync(file, JSON.stringify(manifest));
    await assert.rejects(loadArtifact(dir), (e: Error) => {
      assert.ok(e instanceof FileFormatError);
      assert.match(
        e.message,
        /field "preprocessing" is not a valid pipeline: transformFromJSON: Pipeline.state.featureNamesOut must be an array/,
      );
      return true;
    });

    await saveModel(model, dir);
    const bare = await loadArtifact(dir);
    assert.equal(bare.preprocessing, null);
    assert.throws(
      () => predictTable(bare, serve),
      /predictTable: the artifact has no preprocessing; save it with saveModel\(model, dir, \{ preprocessing: pipeline \}\)/,
    );
    const loaded = await loadArtifact(dir);
    assert.throws(
      () => predictTable({ ...loaded, preprocessing: pipeline }, serve.drop(['age'])),
      /entry 'num' needs column 'age', which the table lacks/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a NaN parameter is refused at save and load, naming it; buffers registered with nonFinite: true are exempt', async () => {
  class MaskedForSave extends Module {
    readonly mask = this.registerBuffer('mask', tensor([0, Number.NEGATIVE_INFINITY]), { nonFinite: true });
    readonly scale = this.registerParameter('scale', tensor([1, 2]));
    forward(x: Tensor): Tensor {
      return x.mul(this.scale).add(this.mask);
    }
  }
  registerLayer('MaskedForSave', MaskedForSave, () => new MaskedForSave());
  const dir = tmp();
  try {
    const model = new Sequential(new MaskedForSave());
    assert.deepEqual(model.nonFiniteBuffers(), ['0.mask']);
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    assert.deepEqual(loaded.stateDict().get('0.mask')?.toArray(), [0, Number.NEGATIVE_INFINITY]);
    model.loadStateDict(new Map([...model.stateDict(), ['0.scale', tensor([1, Number.NaN])]]));
    await assert.rejects(saveModel(model, dir), /saveModel: parameter "0\.scale" holds NaN at index 1 .*allowNonFinite: true/);
    assert.deepEqual(loaded.stateDict().get('0.scale')?.toArray(), [1, 2], 'the saved model is untouched');
    await saveModel(model, dir, { allowNonFinite: true });
    await assert.rejects(loadModel(dir), /parameter "0\.scale" holds NaN at index 1/);
    assert.ok(Number.isNaN((await loadModel(dir, { allowNonFinite: true })).stateDict().get('0.scale')?.toTypedArray()[1]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
