// getConfig / layerToConfig / layerFromConfig: a JSON round trip rebuilds an identical
// architecture; bad configs fail naming the type, the field and where it sits.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, randn, type Tensor, tensor } from '../index.js';
import * as nn from './index.js';

/** One instance of every built-in layer and loss, with non-default arguments where they exist. */
function everyLayer(): nn.Module[] {
  return [
    new nn.Linear(4, 3, { bias: false }),
    new nn.Identity(),
    new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, groups: 2 }),
    new nn.Conv2d(2, 4, [3, 1], { padding: 'same', dilation: [1, 2], bias: false }),
    new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
    new nn.AvgPool2d([2, 3], { countIncludePad: false }),
    new nn.AdaptiveAvgPool2d([null, 3]),
    new nn.Flatten(0, 2),
    new nn.Unflatten(1, [2, -1]),
    new nn.Dropout(0.3),
    new nn.BatchNorm1d(3, { momentum: null, eps: 1e-3 }),
    new nn.BatchNorm2d(3, { affine: false, trackRunningStats: false }),
    new nn.LayerNorm([2, 3], { elementwiseAffine: false }),
    new nn.Embedding(10, 4, { paddingIdx: -1 }),
    new nn.RMSNorm([3, 4], { eps: 1e-6, elementwiseAffine: false }),
    new nn.RNN(4, 5, { numLayers: 2, nonlinearity: 'relu', bidirectional: true }),
    new nn.LSTM(4, 6, { projSize: 3, batchFirst: true, dropout: 0.1, numLayers: 2 }),
    new nn.GRU(4, 5, { bias: false }),
    new nn.RNNCell(4, 5, { nonlinearity: 'relu' }),
    new nn.LSTMCell(4, 5),
    new nn.GRUCell(4, 5, { bias: false }),
    new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 5, addBiasKv: true, batchFirst: true, dropout: 0.1 }),
    new nn.SinusoidalPositionalEncoding(8, { maxLen: 32, dropout: 0.1 }),
    new nn.LearnedPositionalEmbedding(16, 8),
    new nn.RotaryEmbedding(8, { base: 500, interleaved: true }),
    new nn.ReLU(),
    new nn.LeakyReLU(0.2),
    new nn.ELU(0.5),
    new nn.GELU('tanh'),
    new nn.SiLU(),
    new nn.Hardswish(),
    new nn.Mish(),
    new nn.Sigmoid(),
    new nn.Tanh(),
    new nn.Softplus(2, 10),
    new nn.Softmax(0),
    new nn.LogSoftmax(1),
    new nn.Sequential({ inner: new nn.Linear(2, 2) }),
    new nn.MSELoss({ reduction: 'sum' }),
    new nn.L1Loss(),
    new nn.SmoothL1Loss({ beta: 0.5 }),
    new nn.HuberLoss({ delta: 2 }),
    new nn.BCELoss({ weight: [1, 2] }),
    new nn.BCEWithLogitsLoss({ posWeight: tensor([3]) }),
    new nn.CrossEntropyLoss({ weight: [1, 2, 3], labelSmoothing: 0.1, ignoreIndex: 0 }),
    new nn.NLLLoss({ ignoreIndex: 1, reduction: 'none' }),
    new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }),
  ];
}

test('every built-in type round-trips through JSON to the same config and printout', () => {
  const layers = everyLayer();
  const types = layers.map((l) => nn.layerToConfig(l).type);
  assert.deepEqual([...types].sort(), [...nn.layerTypes()].sort(), 'everyLayer() covers every registered type');
  const model = new nn.Sequential(...layers);
  const json = JSON.stringify(nn.layerToConfig(model));
  const copy = nn.layerFromConfig(JSON.parse(json));
  assert.equal(JSON.stringify(nn.layerToConfig(copy)), json);
  assert.equal(copy.toString(), model.toString());
  assert.deepEqual(
    [...copy.stateDict()].map(([k, t]) => [k, t.shape]),
    [...model.stateDict()].map(([k, t]) => [k, t.shape]),
  );
});

test('a rebuilt model plus loadStateDict computes what the original did', () => {
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(64, 10),
  ).eval();
  const copy = nn.layerFromConfig(JSON.parse(JSON.stringify(nn.layerToConfig(model)))).eval();
  copy.loadStateDict(model.stateDict());
  const x = randn([2, 1, 8, 8]);
  assert.deepEqual(copy.forward(x).toArray(), model.forward(x).toArray());
});

test('Sequential configs keep child names only where they differ from the index', () => {
  const seq = new nn.Sequential({ fc: new nn.Linear(2, 3), act: new nn.ReLU() });
  assert.deepEqual(seq.getConfig(), {
    layers: [
      { name: 'fc', type: 'Linear', config: { inFeatures: 2, outFeatures: 3, bias: true } },
      { name: 'act', type: 'ReLU', config: {} },
    ],
  });
  const rebuilt = nn.layerFromConfig({ type: 'Sequential', config: seq.getConfig() });
  assert.deepEqual(
    rebuilt.namedParameters().map(([n]) => n),
    ['fc.weight', 'fc.bias'],
  );
  assert.deepEqual(new nn.Sequential(new nn.ReLU()).getConfig(), { layers: [{ type: 'ReLU', config: {} }] });
});

test('bad configs are refused with the type, the field and its place', () => {
  const err = (spec: unknown) => () => nn.layerFromConfig(spec as nn.LayerConfig);
  assert.throws(err({ type: 'Linaer', config: {} }), /^RangeError: layerFromConfig: unknown layer type 'Linaer' \(known: Linear, Identity/);
  assert.throws(err({ type: 'Linear', config: { inFeatures: 3, outFeatures: 2, biass: true } }), {
    message: "layerFromConfig: unknown config field 'biass' for Linear (expected: inFeatures, outFeatures, bias)",
  });
  const nested = {
    type: 'Sequential',
    config: {
      layers: [
        { type: 'ReLU', config: {} },
        { type: 'Linear', config: { inFeatures: 3, outFeatures: -2 } },
      ],
    },
  };
  assert.throws(err(nested), {
    name: 'RangeError',
    message: 'layerFromConfig: at layers[1]: Linear: outFeatures must be an integer >= 1, got -2',
  });
  assert.throws(err({ type: 'Sequential', config: { layers: 'ReLU' } }), /layers must be an array/);
  assert.throws(err({ config: {} }), /expected \{ type, config \}/);
  assert.throws(err({ type: 'Sequential', config: { layers: [{ type: 'ReLU', cfg: {} }] } }), /layers\[0\] has unknown field 'cfg'/);
});

test('custom layers serialise once registered', () => {
  class Scale extends nn.Module {
    constructor(readonly factor: number) {
      super();
    }
    forward(x: Tensor): Tensor {
      return x.mul(this.factor);
    }
    override getConfig(): nn.ConfigValues {
      return { factor: this.factor };
    }
  }
  const model = new nn.Sequential(new nn.Linear(2, 2), new Scale(3));
  assert.throws(() => nn.layerToConfig(model), /Scale is not a registered layer; call registerLayer\('Scale'/);
  nn.registerLayer('Scale', Scale, (c) => new Scale(c.factor as number));
  const copy = nn.layerFromConfig(JSON.parse(JSON.stringify(nn.layerToConfig(model))));
  assert.equal((copy as nn.Sequential).at(1) instanceof Scale, true);
  assert.equal(((copy as nn.Sequential).at(1) as Scale).factor, 3);
  assert.throws(() => nn.registerLayer('Linear', Scale, () => new Scale(1)), /'Linear' is a built-in layer/);
});
