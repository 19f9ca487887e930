// nn.functional as a namespace: every functional op reachable as `nn.functional.x` and
// `functional.x`, and the top-level exports the same functions (aliases, not copies).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tessera from '../../index.js';
import * as nnIndex from '../index.js';

const FAMILIES: Record<string, string[]> = {
  activation: ['relu', 'leakyRelu', 'elu', 'gelu', 'silu', 'softplus', 'sigmoid', 'tanh', 'hardswish', 'mish', 'softmax', 'logSoftmax'],
  dropout: ['dropout'],
  loss: [
    'crossEntropy',
    'mseLoss',
    'l1Loss',
    'smoothL1Loss',
    'huberLoss',
    'binaryCrossEntropy',
    'binaryCrossEntropyWithLogits',
    'nllLoss',
    'klDiv',
  ],
  conv: ['conv1d', 'conv2d', 'maxPool1d', 'maxPool2d', 'avgPool1d', 'avgPool2d', 'adaptiveAvgPool2d'],
  normalization: ['batchNorm', 'layerNorm'],
  other: ['linear', 'embedding'],
};

test('nn.functional holds every functional op, and tessera.functional is the same namespace', () => {
  const F = tessera.nn.functional as unknown as Record<string, unknown>;
  assert.equal(tessera.functional, tessera.nn.functional);
  assert.equal(nnIndex.functional, tessera.nn.functional);
  for (const [family, names] of Object.entries(FAMILIES)) {
    for (const name of names) assert.equal(typeof F[name], 'function', `nn.functional.${name} (${family})`);
  }
});

test('the top-level functional exports are aliases of nn.functional', () => {
  const F = tessera.functional as unknown as Record<string, unknown>;
  const top = tessera as unknown as Record<string, unknown>;
  for (const name of Object.values(FAMILIES).flat()) {
    if (name in top) assert.equal(top[name], F[name], `tessera.${name} is nn.functional.${name}`);
  }
  for (const name of ['conv2d', 'crossEntropy', 'softmax', 'relu', 'gelu', 'mseLoss', 'layerNorm', 'linear', 'dropout']) {
    assert.equal(top[name], F[name], `tessera.${name}`);
  }
});
