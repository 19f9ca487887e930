// What model.json and checkpoint.json share: the record of the tensor file beside the manifest
// ({file, sha256, bytes}), its check against the bytes read, every load check of the tensors
// (verifiedTensors), finding the manifest in a folder,
// reading the tensor file it names, and removing what earlier saves left once a new manifest is on
// disk. Every problem is a FileFormatError naming the file at fault.

import type { Tensor } from '../core/tensor.js';
import { syncDirectory } from './durable.js';
import { FileFormatError } from './errors.js';
import { assertFinite, LOAD_HINT } from './finite.js';
import { sha256Hex } from './hash.js';
import { nodeModules } from './node.js';
import { decodeSafetensors, readTensorValues } from './safetensors.js';
import { verifySeal } from './seal.js';

/**
 * Validates a {file, sha256, bytes} record pointing to a tensor file beside the manifest.
 * @example checkWeightsRecord(manifest.weights, 'weights', (problem) => new FileFormatError(file, problem));
 */
export function checkWeightsRecord(w: Record<string, unknown>, field: string, fail: (problem: string) => Error): void {
  if (typeof w.file !== 'string' || !/^[\w][\w.-]*\.safetensors$/.test(w.file)) {
    throw fail(`field "${field}.file" must be a plain file name ending in .safetensors, got ${JSON.stringify(w.file)}`);
  }
  if (typeof w.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(w.sha256))
    throw fail(`field "${field}.sha256" must be 64 hex digits, got ${JSON.stringify(w.sha256)}`);
  if (!Number.isSafeInteger(w.bytes) || (w.bytes as number) < 8)
    throw fail(`field "${field}.bytes" must be an integer >= 8, got ${JSON.stringify(w.bytes)}`);
}

/**
 * Checks a tensor file's size and SHA-256 against its manifest record.
 * @example await verifyWeights(bytes, manifest.weights, 'out/mlp/model-3f2a....safetensors', 'out/mlp/model.json');
 */
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
 * The tensors of a manifest's tensor file after every load check: the manifest's own checksum, the
 * file's size and SHA-256 against `record`, its safetensors structure, and no NaN or infinity
 * outside the tensors the record declares (`nonFinite`) unless `allowNonFinite`. `what` names a
 * tensor in errors ('parameter', 'tensor').
 *
 * @example const tensors = await verifiedTensors(text, manifest, manifest.weights, bytes, { json, tensors: file }, false, 'parameter');
 */
export async function verifiedTensors(
  jsonText: string,
  manifest: object,
  record: { sha256: string; bytes: number; nonFinite?: readonly string[] },
  bytes: Uint8Array,
  names: { json: string; tensors: string },
  allowNonFinite: boolean,
  what: string,
): Promise<Record<string, Tensor>> {
  await verifySeal(jsonText, manifest as Record<string, unknown>, (problem) => new FileFormatError(names.json, problem));
  await verifyWeights(bytes, record, names.tensors, names.json);
  const { tensors } = decodeSafetensors(bytes, names.tensors);
  const values = allowNonFinite ? undefined : await readTensorValues(Object.entries(tensors));
  assertFinite(
    Object.entries(tensors),
    allowNonFinite,
    record.nonFinite ?? [],
    what,
    (m) => new FileFormatError(names.tensors, m),
    LOAD_HINT,
    values,
  );
  return tensors;
}

/**
 * The manifest inside directory `target`, or `target` itself when it is a file.
 * @example await manifestPath('out/mlp', 'model.json', 'loadModelFiles', 'saveModel') // 'out/mlp/model.json'
 */
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

/**
 * Reads the tensor file `name` that manifest `manifestFile` names beside it; a missing one is a
 * FileFormatError naming the manifest (it refers to a file that is not there).
 * @example const bytes = await readNamedFile('out/mlp/model.json', manifest.weights.file);
 */
export async function readNamedFile(manifestFile: string, name: string): Promise<Uint8Array> {
  const { fs, path } = await nodeModules('readFile');
  try {
    return await fs.readFile(path.join(path.dirname(manifestFile), name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new FileFormatError(manifestFile, `refers to ${name}, which is missing beside it: the folder is incomplete (copied in part?)`);
    throw e;
  }
}

/**
 * The last step of a save, once the new manifest is on disk: removes the tensor files matching
 * `stale` other than `keep`, and the temporary files (`.<name>.<pid>-<hex>.tmp`) that crashed saves
 * of these files or of `manifestName` left behind, then flushes the folder if anything went. Saves
 * into one folder must not run concurrently.
 *
 * @example await removeStaleFiles('out/mlp', 'model-3f2a....safetensors', /^model(-[0-9a-f]{16})?\.safetensors$/, 'model.json');
 */
export async function removeStaleFiles(dir: string, keep: string, stale: RegExp, manifestName: string): Promise<void> {
  const { fs, path } = await nodeModules('removeStaleFiles');
  let removed = false;
  for (const name of await fs.readdir(dir)) {
    const temp = /^\.(.+)\.\d+-[0-9a-f]+\.tmp$/.exec(name)?.[1];
    const old = temp === undefined ? name !== keep && stale.test(name) : temp === manifestName || stale.test(temp);
    if (!old) continue;
    await fs.rm(path.join(dir, name), { force: true });
    removed = true;
  }
  if (removed) await syncDirectory(dir);
}
