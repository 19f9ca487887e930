// Model and checkpoint files: safetensors, atomic writes, saved models, checkpoints.
// The byte-level functions work anywhere; the file functions need Node.js (loaded on first use).

export { type AtomicData, isAtomicTempFile, type WriteAtomicOptions, writeFileAtomic } from './atomic.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_JSON,
  CHECKPOINT_VERSION,
  type CheckpointManifest,
  type CheckpointState,
  decodeCheckpoint,
  encodeCheckpoint,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  loadCheckpoint,
  parseCheckpointManifest,
  type SaveCheckpointOptions,
  saveCheckpoint,
} from './checkpoint_files.js';
export { FileWriteError, mkdirDurable, syncDirectory } from './durable.js';
export { FileFormatError } from './errors.js';
export { sha256Hex } from './hash.js';
export {
  decodeModel,
  encodeModel,
  type LoadModelFilesOptions,
  loadModelFiles,
  MODEL_FORMAT,
  MODEL_JSON,
  MODEL_VERSION,
  MODEL_WEIGHTS,
  type ModelFiles,
  type ModelInput,
  type ModelManifest,
  modelWeightsFile,
  parseModelManifest,
  saveModel,
} from './model_files.js';
export type { TensorMap } from './records.js';
export {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensorsHeader,
  type SafetensorsContents,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './safetensors.js';
export type { SafetensorsDType } from './safetensors-dtypes.js';
export { flattenTree, type Json, unflattenTree } from './tree.js';
