// Saved models: a directory holding two files,
//
//   model.json                       {format: "tessera-model", version: 1 or 2, architecture,
//                                     preprocessing?, weights: {file, sha256, bytes, tensors,
//                                     nonFinite?}, metadata}
//   model-<sha256 prefix>.safetensors   the state dict (loadable by PyTorch's safetensors as is;
//                                     model.json's weights.file names it)
//
// The architecture is whatever JSON the caller gives (a layer config from nn's getConfig()); this
// module stores and validates it as data and never evaluates anything. Version 2 adds the optional
// `preprocessing` field (a fitted Pipeline's JSON, {type, config, state}); a model saved without it
// is still written as version 1, and a version 2 file is refused by older readers instead of being
// served without its preprocessing. Loading checks the manifest's shape, then the weights' size and
// SHA-256 against it, so a corrupted file, or a pair of files from two different saves, is refused;
// then that no parameter holds NaN or an infinity (finite.ts), unless allowed.
//
// Crash consistency: model.json is the only file loading starts from, and it is replaced by one
// atomic rename, so it is the commit point of a save. The weights go first into a file named after
// their content (as checkpoints do), which never replaces the file the current model.json names:
//   1. create the folder durably (the parent of each new folder flushed)
//   2. write model-<sha>.safetensors atomically (temporary file, fsync, rename, fsync the folder)
//   3. write model.json atomically (the same steps): from here on the new model loads
//   4. remove the weights files the new model.json does not name (and temporary files of crashed
//      saves), then flush the folder
// A kill or a power loss before step 3's rename leaves the old model.json naming the old weights,
// still there; after it, the new model.json names weights already on disk. So a folder saved before
// loads as the old or the new version at every instant, never missing, never refused. A fixed-name
// `model.safetensors` beside it could not be replaced at the same instant as model.json, so after a
// crash it could silently hold the other version's weights: tessera writes none (models saved by
// earlier versions, whose model.json names `model.safetensors`, still load, and their file is
// removed by the next save). One writer per folder at a time.

import type { Tensor } from '../core/tensor.js';
import { writeFileAtomic } from './atomic.js';
import { mkdirDurable } from './durable.js';
import { FileFormatError, parseJsonObject } from './errors.js';
import { assertFinite, nonFiniteOptions, SAVE_HINT } from './finite.js';
import { sha256Hex } from './hash.js';
import { checkWeightsRecord, manifestPath, readNamedFile, removeStaleFiles, verifiedTensors } from './manifest.js';
import { nodeModules } from './node.js';
import { type TensorMap, tensorEntries } from './records.js';
import { encodeSafetensors, readTensorValues } from './safetensors.js';
import { sealJson, verifySeal } from './seal.js';
import { assertJson, type Json } from './tree.js';

export const MODEL_FORMAT = 'tessera-model';
/** The newest model format version this code reads; it writes it only for models with preprocessing. */
export const MODEL_VERSION = 2;
export const MODEL_JSON = 'model.json';
/** The weights file name of models saved before tessera named it by its content (still loaded). */
export const MODEL_WEIGHTS = 'model.safetensors';
/**
 * The weights file name for a SHA-256 (hex): `model-<first 16 hex digits>.safetensors`.
 * @example modelWeightsFile(await sha256Hex(bytes)) // 'model-3f2a9c41d0b7e815.safetensors'
 */
export function modelWeightsFile(sha256: string): string {
  return `model-${sha256.slice(0, 16)}.safetensors`;
}
/** Weights files `saveModel` removes once a new model.json no longer names them. */
const WEIGHTS_FILE = /^model(-[0-9a-f]{16})?\.safetensors$/;

/** The contents of model.json. */
export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  version: number;
  /** The architecture as given to saveModel (e.g. a layer config). */
  architecture: Json;
  /** The preprocessing as given to saveModel (a transform's JSON {type, config, state}); version 2 only. */
  preprocessing?: Json;
  /** `nonFinite`: the tensors declared to hold NaN/Infinity by design (masks), exempt from the check. */
  weights: { file: string; sha256: string; bytes: number; tensors: number; nonFinite?: string[] };
  /** Free-form JSON: training settings, metrics, class names, ... */
  metadata: { [key: string]: Json };
  /** SHA-256 of this file's own text (seal.ts); absent in files written before tessera recorded it. */
  checksum?: string;
}

/** What `saveModel` stores. */
export interface ModelInput {
  /** The weights by name, e.g. `model.stateDict()`. */
  stateDict: TensorMap;
  /** A JSON description from which the model can be rebuilt, e.g. `model.getConfig()`. */
  architecture: unknown;
  /** The preprocessing that turns raw rows into the model's input, as JSON ({type, config, state}). Optional. */
  preprocessing?: unknown;
  /** Extra JSON to keep beside it (class names, metrics, ...). Default {}. */
  metadata?: Record<string, unknown>;
  /** Save even if a tensor holds NaN or ±Infinity (a diverged model kept for debugging). Default false: refused, naming it. */
  allowNonFinite?: boolean;
  /** The tensors that hold NaN or ±Infinity by design (masks): recorded in model.json, exempt at save and load. */
  nonFinite?: readonly string[];
}

/** Options of `loadModelFiles` and `decodeModel`. */
export interface LoadModelFilesOptions {
  /** Load even if a tensor not declared at save holds NaN or ±Infinity. Default false. */
  allowNonFinite?: boolean;
}

/** A loaded model artifact: the architecture to rebuild from and the weights to load into it. */
export interface ModelFiles<A = Json> {
  architecture: A;
  /** The stored preprocessing JSON, or null when the model was saved without one. */
  preprocessing: Json | null;
  stateDict: Record<string, Tensor>;
  metadata: { [key: string]: Json };
  manifest: ModelManifest;
}

/**
 * Serialises a model to its two files' contents (browser-safe; `saveModel` writes them).
 * @example const { json, weights } = await encodeModel({ stateDict: model.stateDict(), architecture: model.getConfig() });
 */
export async function encodeModel(input: ModelInput): Promise<{ manifest: ModelManifest; json: string; weights: Uint8Array }> {
  if (input === null || typeof input !== 'object') throw new TypeError('saveModel: expected {stateDict, architecture, metadata?}');
  if (input.architecture === undefined) throw new TypeError('saveModel: architecture is required (e.g. model.getConfig())');
  assertJson('saveModel', 'architecture', input.architecture);
  const pre = input.preprocessing;
  if (pre !== undefined) {
    assertJson('saveModel', 'preprocessing', pre);
    if (!isTransformJson(pre))
      throw new TypeError("saveModel: preprocessing must be a transform's JSON {type, config, state} (pipeline.toJSON())");
  }
  const metadata = input.metadata ?? {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
    throw new TypeError('saveModel: metadata must be an object');
  assertJson('saveModel', 'metadata', metadata);
  const entries = tensorEntries('saveModel', 'stateDict', input.stateDict);
  const { allowAll, exempt } = nonFiniteOptions('saveModel', input.allowNonFinite, input.nonFinite);
  const values = await readTensorValues(entries);
  assertFinite(entries, allowAll, exempt, 'parameter', (m) => new RangeError(`saveModel: ${m}`), SAVE_HINT, values);
  const weights = encodeSafetensors(input.stateDict, { format: 'tessera' }, values);
  const sha256 = await sha256Hex(weights);
  const declared = exempt.filter((n) => entries.some(([k]) => k === n));
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: pre === undefined ? 1 : 2,
    architecture: input.architecture,
    ...(pre === undefined ? {} : { preprocessing: pre }),
    weights: {
      file: modelWeightsFile(sha256),
      sha256,
      bytes: weights.byteLength,
      tensors: entries.length,
      ...(declared.length === 0 ? {} : { nonFinite: declared }),
    },
    metadata: metadata as { [key: string]: Json },
  };
  const json = await sealJson(manifest, 2);
  return { manifest: JSON.parse(json), json, weights };
}

/**
 * Checks and parses model.json text. `file` names it in errors.
 * @example const manifest = parseModelManifest(text, 'model/model.json');
 */
export function parseModelManifest(text: string, file = MODEL_JSON): ModelManifest {
  const fail = (problem: string) => new FileFormatError(file, problem);
  const m = parseJsonObject(text, file, 'the file is corrupted or not a tessera model');
  if (m.format !== MODEL_FORMAT)
    throw fail(`field "format" must be "${MODEL_FORMAT}", got ${JSON.stringify(m.format)}: not a tessera model file`);
  if (!Number.isInteger(m.version) || (m.version as number) < 1)
    throw fail(`field "version" must be a positive integer, got ${JSON.stringify(m.version)}`);
  if ((m.version as number) > MODEL_VERSION) {
    throw fail(
      `written by a newer tessera (model format version ${m.version}); this version reads up to ${MODEL_VERSION}: upgrade tessera`,
    );
  }
  if (!('architecture' in m)) throw fail('field "architecture" is missing');
  const w = m.weights as Record<string, unknown> | undefined;
  if (w === null || typeof w !== 'object' || Array.isArray(w))
    throw fail('field "weights" must be an object {file, sha256, bytes, tensors}');
  checkWeightsRecord(w, 'weights', fail);
  if ('nonFinite' in w && !(Array.isArray(w.nonFinite) && w.nonFinite.every((n) => typeof n === 'string')))
    throw fail(`field "weights.nonFinite" must be an array of tensor names, got ${JSON.stringify(w.nonFinite)?.slice(0, 60)}`);
  const metadata = m.metadata ?? {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw fail('field "metadata" must be an object');
  if ('preprocessing' in m) {
    if ((m.version as number) < 2) throw fail('field "preprocessing" needs model format version 2, but "version" is 1');
    if (!isTransformJson(m.preprocessing))
      throw fail(
        `field "preprocessing" must be a transform {type, config, state} (written by saveModel), got ${JSON.stringify(m.preprocessing)?.slice(0, 60)}`,
      );
  }
  return m as unknown as ModelManifest;
}

/** Whether `v` has the shape of a transform's JSON: {type: string, config: object, state: object | null}. */
function isTransformJson(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const t = v as Record<string, unknown>;
  const isObject = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
  return typeof t.type === 'string' && isObject(t.config) && (t.state === null || isObject(t.state));
}

/**
 * Rebuilds a model artifact from its two files' contents (browser-safe; `loadModelFiles` reads them).
 * @example const { architecture, stateDict } = await decodeModel(jsonText, weightBytes);
 */
export async function decodeModel<A = Json>(
  jsonText: string,
  weights: Uint8Array,
  names: { json: string; weights: string } = { json: MODEL_JSON, weights: '<weights>' },
  options: LoadModelFilesOptions = {},
): Promise<ModelFiles<A>> {
  const manifest = parseModelManifest(jsonText, names.json);
  const tensors = await verifiedTensors(
    jsonText,
    manifest,
    manifest.weights,
    weights,
    { json: names.json, tensors: names.weights },
    options.allowNonFinite === true,
    'parameter',
  );
  return {
    architecture: manifest.architecture as A,
    preprocessing: manifest.preprocessing ?? null,
    stateDict: tensors,
    metadata: manifest.metadata ?? {},
    manifest,
  };
}

/**
 * Saves a model as a directory `dir` holding model.json and its weights file (created if needed).
 * After a kill or a power loss at any instant, a folder saved before loads as the old model or the
 * new one (see the header for the steps). Returns the paths written.
 *
 * @example
 * await saveModel('out/mlp', { stateDict: model.stateDict(), architecture: model.getConfig(), metadata: { classes } });
 */
export async function saveModel(dir: string, input: ModelInput): Promise<{ json: string; weights: string }> {
  const { path } = await nodeModules('saveModel');
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`saveModel: dir must be a non-empty path, got ${String(dir)}`);
  const { json, weights, manifest } = await encodeModel(input);
  await mkdirDurable(dir, 'saveModel');
  const paths = { json: path.join(dir, MODEL_JSON), weights: path.join(dir, manifest.weights.file) };
  await writeFileAtomic(paths.weights, weights);
  await writeFileAtomic(paths.json, json); // the commit point
  await removeStaleFiles(dir, manifest.weights.file, WEIGHTS_FILE, MODEL_JSON);
  return paths;
}

/**
 * Loads a model saved by `saveModel`: `target` is its directory or its model.json. Returns the
 * architecture (to rebuild the model from) and the state dict, after checking both files and that
 * no parameter holds NaN or ±Infinity (except those declared at save; `allowNonFinite` skips it).
 *
 * @example
 * const { architecture, stateDict } = await loadModelFiles('out/mlp');
 */
export async function loadModelFiles<A = Json>(target: string, options: LoadModelFilesOptions = {}): Promise<ModelFiles<A>> {
  const { fs, path } = await nodeModules('loadModelFiles');
  const jsonPath = await manifestPath(target, MODEL_JSON, 'loadModelFiles', 'saveModel');
  const text = await fs.readFile(jsonPath, 'utf8');
  const manifest = parseModelManifest(text, jsonPath);
  await verifySeal(text, manifest as unknown as Record<string, unknown>, (problem) => new FileFormatError(jsonPath, problem));
  const weightsPath = path.join(path.dirname(jsonPath), manifest.weights.file);
  const weights = await readNamedFile(jsonPath, manifest.weights.file);
  return decodeModel<A>(text, weights, { json: jsonPath, weights: weightsPath }, options);
}
