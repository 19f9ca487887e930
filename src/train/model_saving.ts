// Saving and loading whole models: the architecture as a layer config (layerToConfig) beside the
// weights (safetensors), written crash-safely by src/io (a folder saved before loads as the old or
// the new model after a kill or power loss at any instant); NaN or infinite parameters are refused
// at save and at load unless allowed (buffers registered with `nonFinite: true` are exempt). Loading rebuilds the layers from the config
// through the layer registry, so it needs none of the user's code, and evaluates nothing in the file.
// A fitted preprocessing Pipeline can travel in the same artifact (model.json's "preprocessing"), so
// serving applies exactly the training-time preprocessing: loadArtifact + predictTable.

import { noGrad } from '../core/autograd.js';
import type { Tensor } from '../core/tensor.js';
import { Pipeline } from '../data/preprocess/pipeline.js';
import type { Table } from '../data/table.js';
import { FileFormatError } from '../io/errors.js';
import { loadModelFiles, MODEL_JSON, type ModelFiles, saveModel as saveModelFiles } from '../io/model_files.js';
import type { Json } from '../io/tree.js';
import type { Module } from '../nn/module.js';
import { type LayerConfig, layerFromConfig, layerToConfig } from '../nn/registry.js';

export interface SaveModelOptions {
  /** JSON kept beside the model (class names, metrics, training settings). Default {}. */
  metadata?: Record<string, unknown>;
  /** The fitted Pipeline that turns raw Table rows into the model's input. Default none. */
  preprocessing?: Pipeline;
  /**
   * Save even if a parameter holds NaN or ±Infinity (a diverged run kept for debugging). Default
   * false: refused, naming the parameter. Buffers registered with `nonFinite: true` are always exempt.
   */
  allowNonFinite?: boolean;
}

/** Options of `loadModel` and `loadArtifact`. */
export interface LoadModelOptions {
  /** Load even if a parameter holds NaN or ±Infinity. Default false: refused, naming it. */
  allowNonFinite?: boolean;
}

/** A saved model with what it needs to serve raw rows: `loadArtifact`'s result. */
export interface ModelArtifact {
  /** The model, in eval mode. */
  model: Module;
  /** The fitted preprocessing saved with it, or null when it was saved without one. */
  preprocessing: Pipeline | null;
  /** The metadata saved with it. */
  metadata: { [key: string]: Json };
}

/**
 * Saves `model` into directory `dir` (model.json + model-<sha>.safetensors, created if needed; a
 * crash leaves the old model or the new one). Refuses NaN or infinite parameters unless `allowNonFinite`. Every layer must be built-in or registered with `registerLayer`; with
 * `preprocessing`, every transform must be built-in or registered with `registerTransform`.
 *
 * @example
 * await saveModel(model, 'out/mlp', { metadata: { classes: FASHION_MNIST_CLASSES } });
 * await saveModel(model, 'out/tabular', { preprocessing: pipeline }); // pipeline fitted on the training Table
 */
export async function saveModel(model: Module, dir: string, options: SaveModelOptions = {}): Promise<void> {
  const architecture = layerToConfig(model);
  const preprocessing = options.preprocessing === undefined ? undefined : preprocessingJson(options.preprocessing);
  await saveModelFiles(dir, {
    stateDict: model.stateDict(),
    architecture,
    preprocessing,
    metadata: options.metadata,
    allowNonFinite: options.allowNonFinite,
    nonFinite: model.nonFiniteBuffers(),
  });
}

/** The pipeline's JSON, checked to be fitted and to load back (every transform type known). */
function preprocessingJson(p: unknown): Json {
  if (!(p instanceof Pipeline))
    throw new TypeError('saveModel: preprocessing must be a Pipeline (wrap a single transform: new Pipeline([transform]))');
  if (!p.isFitted) throw new Error('saveModel: preprocessing is not fitted; call pipeline.fit(trainTable) before saving');
  const json = p.toJSON() as unknown as Json;
  try {
    Pipeline.fromJSON(JSON.parse(JSON.stringify(json)));
  } catch (e) {
    throw new Error(`saveModel: the preprocessing could not be loaded back: ${(e as Error).message}`);
  }
  return json;
}

/**
 * Loads a model saved by `saveModel` (its directory or its model.json) in one call: the layers are
 * rebuilt from the stored config and the weights loaded strictly. The model is returned in eval mode
 * (call `.train()` to fine-tune; `fit` does it for you). Stored preprocessing is ignored: use
 * `loadArtifact` for it.
 *
 * @example
 * const model = await loadModel('out/mlp');
 * const probs = model.forward(images).softmax(1); // images (N, 784) -> (N, 10)
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<Module> {
  const files = await loadModelFiles<LayerConfig>(dir, options);
  return rebuildModel(files, manifestFile(dir));
}

/**
 * Loads a model saved by `saveModel` together with its preprocessing Pipeline (validated strictly)
 * and metadata, ready for `predictTable`.
 *
 * @example
 * const artifact = await loadArtifact('out/tabular');
 * const scores = predictTable(artifact, Table.fromColumns({ age: [41], city: ['Oslo'] })); // (1, outputs)
 */
export async function loadArtifact(dir: string, options: LoadModelOptions = {}): Promise<ModelArtifact> {
  const files = await loadModelFiles<LayerConfig>(dir, options);
  const file = manifestFile(dir);
  const model = rebuildModel(files, file);
  let preprocessing: Pipeline | null = null;
  if (files.preprocessing !== null) {
    try {
      preprocessing = Pipeline.fromJSON(files.preprocessing);
    } catch (e) {
      throw new FileFormatError(file, `field "preprocessing" is not a valid pipeline: ${(e as Error).message}`);
    }
    if (!preprocessing.isFitted) throw new FileFormatError(file, 'field "preprocessing" holds a pipeline that was never fitted');
  }
  return { model, preprocessing, metadata: files.metadata };
}

/**
 * The model's outputs for raw rows: the artifact's preprocessing turns `table` into the (N, F)
 * float32 input, then the model runs in eval mode without gradients (its mode is restored after).
 * Throws when the artifact has no preprocessing, and names any column the rows lack.
 *
 * @example
 * const artifact = await loadArtifact('out/tabular');
 * predictTable(artifact, rows).argmax(1); // (N) predicted classes
 */
export function predictTable(artifact: { model: Module; preprocessing: Pipeline | null }, table: Table): Tensor {
  const { model, preprocessing } = artifact;
  if (preprocessing === null)
    throw new Error('predictTable: the artifact has no preprocessing; save it with saveModel(model, dir, { preprocessing: pipeline })');
  const x = preprocessing.toTensor(table); // (N, F)
  const was = model.training;
  model.eval();
  try {
    return noGrad(() => model.forward(x));
  } finally {
    model.train(was);
  }
}

function manifestFile(dir: string): string {
  return typeof dir === 'string' && dir.endsWith('.json') ? dir : `${dir}/${MODEL_JSON}`;
}

function rebuildModel(files: ModelFiles<LayerConfig>, file: string): Module {
  const arch = files.architecture as unknown;
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
