// Saved models: a directory holding two files,
//
//   model.json         {format: "tessera-model", version: 1 or 2, architecture, preprocessing?,
//                       weights: {file, sha256, bytes, tensors}, metadata}
//   model.safetensors  the state dict (loadable by PyTorch's safetensors as is)
//
// The architecture is whatever JSON the caller gives (a layer config from nn's getConfig()); this
// module stores and validates it as data and never evaluates anything. Version 2 adds the optional
// `preprocessing` field (a fitted Pipeline's JSON, {type, config, state}); a model saved without it
// is still written as version 1, byte for byte as before, and a version 2 file is refused by older
// readers instead of being served without its preprocessing. Loading checks the manifest's
// shape, then the weights' size and SHA-256 against it, so a corrupted file, or a pair of files from
// two different saves, is refused. Both files are written atomically, weights first.

import type { Tensor } from '../core/tensor.js';
import { writeFileAtomic } from './atomic.js';
import { FileFormatError } from './errors.js';
import { sha256Hex } from './hash.js';
import { nodeModules } from './node.js';
import { type TensorMap, tensorEntries } from './records.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { assertJson, type Json } from './tree.js';

export const MODEL_FORMAT = 'tessera-model';
/** The newest model format version this code reads; it writes it only for models with preprocessing. */
export const MODEL_VERSION = 2;
export const MODEL_JSON = 'model.json';
export const MODEL_WEIGHTS = 'model.safetensors';

/** The contents of model.json. */
export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  version: number;
  /** The architecture as given to saveModel (e.g. a layer config). */
  architecture: Json;
  /** The preprocessing as given to saveModel (a transform's JSON {type, config, state}); version 2 only. */
  preprocessing?: Json;
  weights: { file: string; sha256: string; bytes: number; tensors: number };
  /** Free-form JSON: training settings, metrics, class names, ... */
  metadata: { [key: string]: Json };
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
  const tensors = tensorEntries('saveModel', 'stateDict', input.stateDict).length;
  const weights = encodeSafetensors(input.stateDict, { format: 'tessera' });
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: pre === undefined ? 1 : 2,
    architecture: input.architecture,
    ...(pre === undefined ? {} : { preprocessing: pre }),
    weights: { file: MODEL_WEIGHTS, sha256: await sha256Hex(weights), bytes: weights.byteLength, tensors },
    metadata: metadata as { [key: string]: Json },
  };
  return { manifest, json: `${JSON.stringify(manifest, null, 2)}\n`, weights };
}

/**
 * Checks and parses model.json text. `file` names it in errors.
 * @example const manifest = parseModelManifest(text, 'model/model.json');
 */
export function parseModelManifest(text: string, file = MODEL_JSON): ModelManifest {
  const fail = (problem: string) => new FileFormatError(file, problem);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw fail(`not valid JSON (${(e as Error).message}); the file is corrupted or not a tessera model`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw fail('expected a JSON object');
  const m = raw as Record<string, unknown>;
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

/** Validates a {file, sha256, bytes} record pointing to a tensor file beside the manifest. */
export function checkWeightsRecord(w: Record<string, unknown>, field: string, fail: (problem: string) => Error): void {
  if (typeof w.file !== 'string' || !/^[\w][\w.-]*\.safetensors$/.test(w.file)) {
    throw fail(`field "${field}.file" must be a plain file name ending in .safetensors, got ${JSON.stringify(w.file)}`);
  }
  if (typeof w.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(w.sha256))
    throw fail(`field "${field}.sha256" must be 64 hex digits, got ${JSON.stringify(w.sha256)}`);
  if (!Number.isSafeInteger(w.bytes) || (w.bytes as number) < 8)
    throw fail(`field "${field}.bytes" must be an integer >= 8, got ${JSON.stringify(w.bytes)}`);
}

/** Checks a tensor file's size and SHA-256 against its manifest record. */
export async function verifyWeights(
  bytes: Uint8Array,
  expected: { sha256: string; bytes: number },
  file: string,
  manifestFile: string,
): Promise<void> {
  if (bytes.byteLength !== expected.bytes) {
    throw new FileFormatError(
      file,
      `is ${bytes.byteLength} bytes but ${manifestFile} records ${expected.bytes}: the file is truncated or corrupted, or comes from a different save`,
    );
  }
  const sha = await sha256Hex(bytes);
  if (sha !== expected.sha256) {
    throw new FileFormatError(
      file,
      `SHA-256 ${sha} does not match ${expected.sha256} recorded in ${manifestFile}: the file is corrupted, or comes from a different save`,
    );
  }
}

/**
 * Rebuilds a model artifact from its two files' contents (browser-safe; `loadModelFiles` reads them).
 * @example const { architecture, stateDict } = await decodeModel(jsonText, weightBytes);
 */
export async function decodeModel<A = Json>(
  jsonText: string,
  weights: Uint8Array,
  names = { json: MODEL_JSON, weights: MODEL_WEIGHTS },
): Promise<ModelFiles<A>> {
  const manifest = parseModelManifest(jsonText, names.json);
  await verifyWeights(weights, manifest.weights, names.weights, names.json);
  const { tensors } = decodeSafetensors(weights, names.weights);
  return {
    architecture: manifest.architecture as A,
    preprocessing: manifest.preprocessing ?? null,
    stateDict: tensors,
    metadata: manifest.metadata ?? {},
    manifest,
  };
}

/**
 * Saves a model as a directory `dir` holding model.json and model.safetensors (created if needed;
 * both written atomically). Returns the paths written.
 *
 * @example
 * await saveModel('out/mlp', { stateDict: model.stateDict(), architecture: model.getConfig(), metadata: { classes } });
 */
export async function saveModel(dir: string, input: ModelInput): Promise<{ json: string; weights: string }> {
  const { fs, path } = await nodeModules('saveModel');
  const { json, weights } = await encodeModel(input);
  await fs.mkdir(dir, { recursive: true });
  const paths = { json: path.join(dir, MODEL_JSON), weights: path.join(dir, MODEL_WEIGHTS) };
  await writeFileAtomic(paths.weights, weights);
  await writeFileAtomic(paths.json, json);
  return paths;
}

/**
 * Loads a model saved by `saveModel`: `target` is its directory or its model.json. Returns the
 * architecture (to rebuild the model from) and the state dict, after checking both files.
 *
 * @example
 * const { architecture, stateDict } = await loadModelFiles('out/mlp');
 */
export async function loadModelFiles<A = Json>(target: string): Promise<ModelFiles<A>> {
  const { fs, path } = await nodeModules('loadModelFiles');
  const jsonPath = await manifestPath(target, MODEL_JSON, 'loadModelFiles', 'saveModel');
  const text = await fs.readFile(jsonPath, 'utf8');
  const manifest = parseModelManifest(text, jsonPath);
  const weightsPath = path.join(path.dirname(jsonPath), manifest.weights.file);
  const weights = await readExisting(weightsPath, `loadModelFiles: ${jsonPath} refers to ${manifest.weights.file}, which is missing`);
  return decodeModel<A>(text, weights, { json: jsonPath, weights: weightsPath });
}

/** The manifest inside directory `target`, or `target` itself when it is a .json file. */
export async function manifestPath(target: string, name: string, op: string, writer: string): Promise<string> {
  const { fs, path } = await nodeModules(op);
  if (typeof target !== 'string' || target === '') throw new TypeError(`${op}: expected a path, got ${String(target)}`);
  const stat = await fs.stat(target).catch(() => null);
  if (stat === null) throw new Error(`${op}: ${target} does not exist (expected a directory written by ${writer}, holding ${name})`);
  if (stat.isFile()) return target;
  const inside = path.join(target, name);
  if (!(await fs.stat(inside).catch(() => null))?.isFile())
    throw new Error(`${op}: ${target} has no ${name}: not a directory written by ${writer}`);
  return inside;
}

/** Reads a file, turning "not found" into `missing`. */
export async function readExisting(file: string, missing: string): Promise<Uint8Array> {
  const { fs } = await nodeModules('readFile');
  try {
    return await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(missing);
    throw e;
  }
}
