// Saving and loading whole models: the architecture as a layer config (layerToConfig) beside the
// weights (safetensors), written atomically by src/io. Loading rebuilds the layers from the config
// through the layer registry, so it needs none of the user's code, and evaluates nothing in the file.

import { FileFormatError } from '../io/errors.js';
import { loadModelFiles, saveModel as saveModelFiles } from '../io/model.js';
import type { Module } from '../nn/module.js';
import { type LayerConfig, layerFromConfig, layerToConfig } from '../nn/registry.js';

export interface SaveModelOptions {
  /** JSON kept beside the model (class names, metrics, training settings). Default {}. */
  metadata?: Record<string, unknown>;
}

/**
 * Saves `model` into directory `dir` (model.json + model.safetensors, created if needed, written
 * atomically). Every layer must be built-in or registered with `registerLayer`.
 *
 * @example
 * await saveModel(model, 'out/mlp', { metadata: { classes: FASHION_MNIST_CLASSES } });
 * const same = await loadModel('out/mlp'); // same.forward(x) equals model.forward(x)
 */
export async function saveModel(model: Module, dir: string, options: SaveModelOptions = {}): Promise<void> {
  const architecture = layerToConfig(model);
  await saveModelFiles(dir, { stateDict: model.stateDict(), architecture, metadata: options.metadata });
}

/**
 * Loads a model saved by `saveModel` (its directory or its model.json) in one call: the layers are
 * rebuilt from the stored config and the weights loaded strictly. The model is returned in eval mode
 * (call `.train()` to fine-tune; `fit` does it for you).
 *
 * @example
 * const model = await loadModel('out/mlp');
 * const probs = model.forward(images).softmax(1); // images (N, 784) -> (N, 10)
 */
export async function loadModel(dir: string): Promise<Module> {
  const files = await loadModelFiles<LayerConfig>(dir);
  const arch = files.architecture as unknown;
  const file = typeof dir === 'string' && dir.endsWith('.json') ? dir : `${dir}/model.json`;
  if (arch === null || typeof arch !== 'object' || typeof (arch as LayerConfig).type !== 'string') {
    throw new FileFormatError(file, 'field "architecture" must be a layer config {type, config} (written by saveModel from tessera/train)');
  }
  let model: Module;
  try {
    model = layerFromConfig(arch as LayerConfig);
  } catch (e) {
    throw new FileFormatError(file, `cannot rebuild the architecture: ${(e as Error).message}`);
  }
  try {
    model.loadStateDict(files.stateDict);
  } catch (e) {
    throw new FileFormatError(file, `the weights do not fit the architecture: ${(e as Error).message}`);
  }
  return model.eval();
}
