// Training checkpoints: everything needed to resume a run exactly (model and optimizer state,
// scheduler state, epoch, step, RNG states, user extras), in a directory holding
//
//   checkpoint.json                  {format: "tessera-checkpoint", version: 1,
//                                     tensors: {file, sha256, bytes}, state: <JSON tree>}
//   tensors-<sha256 prefix>.safetensors   every tensor in the state, named by its path
//
// The state tree is JSON in which each tensor is {"$tensor": "optimizer.state.0.expAvg"} (see
// tree.ts). Loading verifies the tensor file's size and SHA-256 against the manifest and refuses a
// corrupted file with a clear error.
//
// Crash consistency, as for saved models (model_files.ts): the folder is created durably, the tensor file
// (named after its content, so it never replaces the one the current manifest names) is written
// atomically, then checkpoint.json, the commit point, atomically; tensor files the new manifest does
// not name are removed only after it is on disk. A kill or a power loss at any instant leaves the
// previous checkpoint or the new one loadable, never a mix, never neither.
//
// Non-finite values: every tensor (weights, optimizer moments, ...) is checked for NaN and
// infinities at save and at load, as for models (finite.ts), and refused by default, naming its path
// (`model.0.weight`, `optimizer.state.0.expAvg`). Resuming from a diverged state can only give NaN,
// and refusing it keeps the last good checkpoint on disk instead of overwriting it (ModelCheckpoint's
// `last/`) and stops the run with the reason. A diverged run can still be kept for debugging with
// `allowNonFinite: true`; tensors that hold infinities by design are declared (`nonFinite`) and recorded.

import { Tensor } from '../core/tensor.js';
import { writeFileAtomic } from './atomic.js';
import { mkdirDurable } from './durable.js';
import { FileFormatError, parseJsonObject } from './errors.js';
import { assertFinite, nonFiniteOptions, SAVE_HINT } from './finite.js';
import { sha256Hex } from './hash.js';
import { checkWeightsRecord, manifestPath, readNamedFile, removeStaleFiles, verifiedTensors } from './manifest.js';
import { nodeModules } from './node.js';
import { setOwn, type TensorMap, tensorEntries } from './records.js';
import { encodeSafetensors, readTensorValues } from './safetensors.js';
import { sealJson, verifySeal } from './seal.js';
import { flattenTree, type Json, unflattenTree } from './tree.js';

export const CHECKPOINT_FORMAT = 'tessera-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_JSON = 'checkpoint.json';

/** What a checkpoint holds. Only `model` is required. */
export interface CheckpointState {
  /** The model's weights, e.g. `model.stateDict()`. */
  model: TensorMap;
  /** The optimizer's state, e.g. `optimizer.stateDict()`: nested JSON with tensors. */
  optimizer?: unknown;
  /** The learning-rate scheduler's state (JSON). */
  scheduler?: unknown;
  /** Epochs completed. */
  epoch?: number;
  /** Optimizer steps taken. */
  step?: number;
  /** Random states, e.g. `{ global: getRngState(), loader: loader.stateDict() }`. */
  rng?: unknown;
  /** Anything else to keep (history, best metric, config), JSON with tensors allowed. */
  extra?: unknown;
}

/** A checkpoint as loaded: the same fields, with the model's weights as a plain object. */
export interface LoadedCheckpoint extends Omit<CheckpointState, 'model'> {
  model: Record<string, Tensor>;
}

const FIELDS = ['model', 'optimizer', 'scheduler', 'epoch', 'step', 'rng', 'extra'] as const;

/** The contents of checkpoint.json. */
export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** `nonFinite`: the tensors declared to hold NaN/Infinity by design, exempt from the check. */
  tensors: { file: string; sha256: string; bytes: number; nonFinite?: string[] };
  state: Json;
  /** SHA-256 of this file's own text (seal.ts); absent in files written before tessera recorded it. */
  checksum?: string;
}

/** Options of `saveCheckpoint` and `encodeCheckpoint`. */
export interface SaveCheckpointOptions {
  /** Save even if a tensor holds NaN or ±Infinity (a diverged run kept for debugging). Default false: refused, naming it. */
  allowNonFinite?: boolean;
  /** The tensors, by path (`model.mask`), that hold NaN or ±Infinity by design: recorded, exempt at save and load. */
  nonFinite?: readonly string[];
}

/** Options of `loadCheckpoint` and `decodeCheckpoint`. */
export interface LoadCheckpointOptions {
  /** Load even if a tensor not declared at save holds NaN or ±Infinity. Default false. */
  allowNonFinite?: boolean;
}

/**
 * Serialises a checkpoint into its manifest and tensor file contents (browser-safe).
 * @example const { json, tensors, tensorFile } = await encodeCheckpoint({ model: model.stateDict(), epoch: 3 });
 */
export async function encodeCheckpoint(
  state: CheckpointState,
  options: SaveCheckpointOptions = {},
): Promise<{ manifest: CheckpointManifest; json: string; tensors: Uint8Array; tensorFile: string }> {
  if (state === null || typeof state !== 'object') throw new TypeError('saveCheckpoint: state must be an object {model, optimizer?, ...}');
  for (const key of Object.keys(state)) {
    if (!(FIELDS as readonly string[]).includes(key))
      throw new TypeError(`saveCheckpoint: unknown field "${key}" (expected ${FIELDS.join(', ')}; put other data in "extra")`);
  }
  const model: Record<string, Tensor> = {};
  for (const [name, t] of tensorEntries('saveCheckpoint', 'model', state.model)) setOwn(model, name, t);
  for (const key of ['epoch', 'step'] as const) {
    const v = state[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0))
      throw new TypeError(`saveCheckpoint: ${key} must be a non-negative integer, got ${v}`);
  }
  const { json: tree, tensors } = flattenTree({ ...state, model }, '', 'saveCheckpoint');
  const { allowAll, exempt } = nonFiniteOptions('saveCheckpoint', options.allowNonFinite, options.nonFinite);
  const values = await readTensorValues(tensors);
  assertFinite(tensors, allowAll, exempt, 'tensor', (m) => new RangeError(`saveCheckpoint: ${m}`), SAVE_HINT, values);
  const declared = exempt.filter((n) => tensors.has(n));
  const bytes = encodeSafetensors(tensors, { format: 'tessera' }, values);
  const sha256 = await sha256Hex(bytes);
  const tensorFile = `tensors-${sha256.slice(0, 16)}.safetensors`;
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    tensors: { file: tensorFile, sha256, bytes: bytes.byteLength, ...(declared.length === 0 ? {} : { nonFinite: declared }) },
    state: tree,
  };
  const json = await sealJson(manifest);
  return { manifest: JSON.parse(json), json, tensors: bytes, tensorFile };
}

/** Checks and parses checkpoint.json text; `file` names it in errors. */
export function parseCheckpointManifest(text: string, file = CHECKPOINT_JSON): CheckpointManifest {
  const fail = (problem: string) => new FileFormatError(file, problem);
  const m = parseJsonObject(text, file, 'the checkpoint is corrupted (an interrupted copy?)');
  if (m.format !== CHECKPOINT_FORMAT)
    throw fail(`field "format" must be "${CHECKPOINT_FORMAT}", got ${JSON.stringify(m.format)}: not a tessera checkpoint`);
  if (!Number.isInteger(m.version) || (m.version as number) < 1)
    throw fail(`field "version" must be a positive integer, got ${JSON.stringify(m.version)}`);
  if ((m.version as number) > CHECKPOINT_VERSION) {
    throw fail(
      `written by a newer tessera (checkpoint format version ${m.version}); this version reads up to ${CHECKPOINT_VERSION}: upgrade tessera`,
    );
  }
  const t = m.tensors as Record<string, unknown> | undefined;
  if (t === null || typeof t !== 'object' || Array.isArray(t)) throw fail('field "tensors" must be an object {file, sha256, bytes}');
  checkWeightsRecord(t, 'tensors', fail);
  if ('nonFinite' in t && !(Array.isArray(t.nonFinite) && t.nonFinite.every((n) => typeof n === 'string')))
    throw fail(`field "tensors.nonFinite" must be an array of tensor names, got ${JSON.stringify(t.nonFinite)?.slice(0, 60)}`);
  const s = m.state as Record<string, unknown> | undefined;
  if (s === null || typeof s !== 'object' || Array.isArray(s)) throw fail('field "state" must be an object');
  if (s.model === null || typeof s.model !== 'object') throw fail('field "state.model" must be an object of tensors');
  return m as unknown as CheckpointManifest;
}

/**
 * Rebuilds a checkpoint from its manifest text and tensor file bytes, verifying the bytes (browser-safe).
 * @example const ckpt = await decodeCheckpoint(jsonText, tensorBytes);
 */
export async function decodeCheckpoint(
  jsonText: string,
  tensorBytes: Uint8Array,
  names = { json: CHECKPOINT_JSON, tensors: 'tensors.safetensors' },
  options: LoadCheckpointOptions = {},
): Promise<LoadedCheckpoint> {
  const manifest = parseCheckpointManifest(jsonText, names.json);
  const tensors = await verifiedTensors(
    jsonText,
    manifest,
    manifest.tensors,
    tensorBytes,
    names,
    options.allowNonFinite === true,
    'tensor',
  );
  const state = unflattenTree(manifest.state, new Map(Object.entries(tensors)), names.json) as Record<string, unknown>;
  const model = state.model as Record<string, unknown>;
  for (const [name, t] of Object.entries(model)) {
    if (!(t instanceof Tensor)) throw new FileFormatError(names.json, `state.model["${name}"] is not a tensor`);
  }
  return state as unknown as LoadedCheckpoint;
}

/**
 * Writes a checkpoint into directory `dir` (created if needed), atomically: after a kill or a power
 * loss at any instant, `dir` holds the previous checkpoint or this one. Returns the manifest's path.
 *
 * @example
 * await saveCheckpoint('runs/last', {
 *   model: model.stateDict(), optimizer: opt.stateDict(), scheduler: sched.stateDict(),
 *   epoch, step, rng: { global: getRngState(), loader: loader.stateDict() },
 * });
 */
export async function saveCheckpoint(dir: string, state: CheckpointState, options: SaveCheckpointOptions = {}): Promise<string> {
  const { path } = await nodeModules('saveCheckpoint');
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`saveCheckpoint: dir must be a non-empty path, got ${String(dir)}`);
  const { json, tensors, tensorFile } = await encodeCheckpoint(state, options);
  await mkdirDurable(dir, 'saveCheckpoint');
  await writeFileAtomic(path.join(dir, tensorFile), tensors);
  const jsonPath = path.join(dir, CHECKPOINT_JSON);
  await writeFileAtomic(jsonPath, json); // the commit point
  // the new manifest is on disk: tensor files of earlier saves are no longer referenced
  await removeStaleFiles(dir, tensorFile, /^tensors-[0-9a-f]{16}\.safetensors$/, CHECKPOINT_JSON);
  return jsonPath;
}

/**
 * Loads a checkpoint saved by `saveCheckpoint` (its directory or its checkpoint.json), verifying the
 * tensor file's integrity and that no tensor holds NaN or ±Infinity unless declared at save
 * (`allowNonFinite: true` skips that check).
 *
 * @example
 * const ckpt = await loadCheckpoint('runs/last');
 * model.loadStateDict(ckpt.model); opt.loadStateDict(ckpt.optimizer); setRngState(ckpt.rng.global);
 */
export async function loadCheckpoint(target: string, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  const { fs, path } = await nodeModules('loadCheckpoint');
  const jsonPath = await manifestPath(target, CHECKPOINT_JSON, 'loadCheckpoint', 'saveCheckpoint');
  const text = await fs.readFile(jsonPath, 'utf8');
  const manifest = parseCheckpointManifest(text, jsonPath);
  const tensorPath = path.join(path.dirname(jsonPath), manifest.tensors.file);
  await verifySeal(text, manifest as unknown as Record<string, unknown>, (problem) => new FileFormatError(jsonPath, problem));
  const bytes = await readNamedFile(jsonPath, manifest.tensors.file);
  return decodeCheckpoint(text, bytes, { json: jsonPath, tensors: tensorPath }, options);
}
