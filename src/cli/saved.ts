// Saved models as the CLI uses them: open a model directory (written by `tessera train` or
// saveModel) with its preprocessing pipeline if it has one, read what its metadata says about
// inputs, classes and the task, fit inputs to the model's input shape, and run it in batches
// without gradients.

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { noGrad } from '../core/autograd.js';
import type { Tensor } from '../core/tensor.js';
import type { Pipeline } from '../data/preprocess/pipeline.js';
import type { OnBadValue, ValueType } from '../data/sources/typing.js';
import type { ColumnKind } from '../data/table.js';
import { MODEL_JSON, type ModelManifest, parseModelManifest } from '../io/model_files.js';
import type { Module } from '../nn/module.js';
import { forwardOn } from './device.js';
import { UsageError } from './errors.js';
import type { Task } from './tabular.js';

/** A loaded model with what its metadata tells about its inputs and outputs. */
export interface SavedModel {
  dir: string;
  model: Module;
  manifest: ModelManifest;
  /** One sample's shape, e.g. [784] or [1, 28, 28]; null when neither metadata nor the first layer tells. */
  inputShape: number[] | null;
  /** Class names by index, when the metadata has them. */
  classes: string[] | null;
  /** The fitted preprocessing saved with the model: it takes raw table rows. */
  preprocessing: Pipeline | null;
  /** Models trained on tables: the raw input columns and their kinds, the target column and the task. */
  tabular: {
    inputColumns: Record<string, ColumnKind>;
    /** The input columns' types as read at training (booleans apart from numbers): predict reads its rows with them; null for models saved before they were recorded. */
    inputTypes: Record<string, ValueType> | null;
    /** How the training data was read: onBadValue and nullValues of its config (README, "Column types"). */
    read: { onBadValue?: OnBadValue; nullValues?: string[] };
    target: string | null;
    /** null when the metadata does not say (a model saved by hand): outputs (N, 1) are then read as values. */
    task: Task | null;
  } | null;
}

/**
 * Loads the model in `dir` (weights verified against model.json). A path that does not exist or
 * holds no model.json is a UsageError (exit 2); a corrupted model an ordinary error (exit 1).
 */
export async function openSavedModel(dir: string, command: string): Promise<SavedModel> {
  const info = await stat(dir).catch(() => null);
  if (info === null)
    throw new UsageError(`${dir} does not exist; expected a model directory written by 'tessera train' or saveModel`, command);
  if (!info.isDirectory()) throw new UsageError(`${dir} is not a directory; expected a model directory holding ${MODEL_JSON}`, command);
  if ((await stat(join(dir, MODEL_JSON)).catch(() => null)) === null) {
    throw new UsageError(`${dir} has no ${MODEL_JSON}: not a model directory written by 'tessera train' or saveModel`, command);
  }
  const manifest = parseModelManifest(await readFile(join(dir, MODEL_JSON), 'utf8'), join(dir, MODEL_JSON));
  const { loadArtifact } = await import('../train/index.js');
  const { model, preprocessing } = await loadArtifact(dir);
  const meta = manifest.metadata ?? {};
  const shape = meta.inputShape;
  const inputShape =
    Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && (d as number) > 0) ? (shape as number[]) : firstLayerInput(model);
  const names = meta.classes;
  const classes = Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : null;
  return { dir, model, manifest, inputShape, classes, preprocessing, tabular: tabularMeta(meta, preprocessing) };
}

/** What a tabular model's metadata says about its inputs; the pipeline's columns when it says nothing (saveModel by hand). */
function tabularMeta(meta: Record<string, unknown>, preprocessing: Pipeline | null): SavedModel['tabular'] {
  if (preprocessing === null) return null;
  const cols = meta.inputColumns;
  const kinds = ['number', 'string', 'timestamp'];
  const inputColumns =
    cols !== null && typeof cols === 'object' && !Array.isArray(cols) && Object.values(cols).every((k) => kinds.includes(k as string))
      ? (cols as Record<string, ColumnKind>)
      : {};
  const target = typeof meta.target === 'string' ? meta.target : null;
  const task = meta.task === 'regression' || meta.task === 'classification' ? meta.task : null;
  const types = meta.inputTypes;
  const valueTypes = ['number', 'boolean', 'timestamp', 'string'];
  const inputTypes =
    types !== null &&
    typeof types === 'object' &&
    !Array.isArray(types) &&
    Object.values(types).every((k) => valueTypes.includes(k as string))
      ? (types as Record<string, ValueType>)
      : null; // a model saved before inputTypes: its rows are converted to the kinds (conformRows)
  const tab = (meta.config as { data?: { tabular?: { onBadValue?: unknown; nullValues?: unknown } } } | undefined)?.data?.tabular;
  const read: { onBadValue?: OnBadValue; nullValues?: string[] } = {};
  if (tab?.onBadValue === 'error' || tab?.onBadValue === 'missing') read.onBadValue = tab.onBadValue;
  if (Array.isArray(tab?.nullValues) && tab.nullValues.every((v) => typeof v === 'string')) read.nullValues = tab.nullValues as string[];
  return { inputColumns, inputTypes, read, target, task };
}

/** [inFeatures] when the first layer is a Linear, else null. */
function firstLayerInput(model: Module): number[] | null {
  const first = model.modules().find((m) => m.children().length === 0);
  const config = first?.getConfig();
  return first?.constructor.name === 'Linear' && typeof config?.inFeatures === 'number' ? [config.inFeatures] : null;
}

/**
 * Reshapes inputs (N, ...) to (N, ...inputShape) when they hold the same number of values per
 * sample (28x28 images for a 784-input model, or the reverse); otherwise explains the mismatch.
 */
export function fitInputs(x: Tensor, inputShape: readonly number[] | null, what: string): Tensor {
  if (inputShape === null) return x;
  const sample = x.shape.slice(1);
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  if (sample.length === inputShape.length && sample.every((d, i) => d === inputShape[i])) return x;
  if (size(sample) === size(inputShape)) return x.reshape([x.shape[0], ...inputShape]);
  throw new Error(
    `${what} gives samples of shape [${sample.join(', ')}] (${size(sample)} values), but the model takes [${inputShape.join(', ')}] (${size(inputShape)} values)`,
  );
}

/**
 * The model's outputs for `x`, batch by batch, in eval mode and without gradients, each batch's
 * read back asynchronously. Returns the flat row-major values and the shape of one output row.
 */
export async function runModel(model: Module, x: Tensor, batchSize: number): Promise<{ values: Float32Array; rowShape: number[] }> {
  const n = x.shape[0];
  let values = new Float32Array(0);
  let rowShape: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const out = noGrad(() => forwardOn(model, x.narrow(0, start, Math.min(batchSize, n - start))).to('float32')); // (B, ...) on the model's device
    if (start === 0) {
      rowShape = out.shape.slice(1);
      values = new Float32Array(n * rowShape.reduce((a, b) => a * b, 1));
    }
    values.set((await out.data()) as Float32Array, start * (values.length / n));
  }
  return { values, rowShape };
}
