// Atomic file writes (Node.js only): the data goes to a temporary file in the same directory, is
// flushed to disk (fsync), and is renamed over the destination, and the directory entry is flushed
// too (durable.ts). A kill or a power loss at any moment leaves either the old file or the new one
// under the final name, never a partial file; once the call returns, the new file survives a power
// loss (with `mkdir`, so do the folders it created). A crash can leave a stray
// `.<name>.<pid>-<random>.tmp` beside it; `writeFileAtomic` removes its temporary file on any error
// it survives. Errors name the caller's path, never the temporary file's.

import { fileError, mkdirDurable, syncDirectory } from './durable.js';
import { nodeModules } from './node.js';

/** What `writeFileAtomic` can write: text (UTF-8), bytes, or chunks of bytes (streamed). */
export type AtomicData = string | Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export interface WriteAtomicOptions {
  /** File mode of a newly created file. Default 0o644 (before the umask). */
  mode?: number;
  /** Create missing parent directories (durably). Default false. */
  mkdir?: boolean;
}

/** The pattern of the temporary files `writeFileAtomic` creates beside `name`. */
export function isAtomicTempFile(fileName: string, name: string): boolean {
  return fileName.startsWith(`.${name}.`) && fileName.endsWith('.tmp');
}

/**
 * Writes `data` to `file` atomically: readers see the old contents or the new, never a mix, even if
 * the process is killed or the machine loses power mid-write.
 *
 * @example
 * await writeFileAtomic('runs/model.json', JSON.stringify(config));
 * await writeFileAtomic('runs/big.bin', chunksOfBytes()); // an (async) iterable of Uint8Array
 */
export async function writeFileAtomic(file: string, data: AtomicData, options: WriteAtomicOptions = {}): Promise<void> {
  const { fs, path, crypto } = await nodeModules('writeFileAtomic');
  if (typeof file !== 'string' || file === '') throw new TypeError('writeFileAtomic: file must be a non-empty path');
  const dir = path.dirname(path.resolve(file));
  if (options.mkdir) await mkdirDurable(path.dirname(file), 'writeFileAtomic');
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}-${crypto.randomBytes(6).toString('hex')}.tmp`);
  const missingFolder = { ENOENT: `the folder ${path.dirname(file)} does not exist` };
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await fs.open(tmp, 'wx', options.mode ?? 0o644);
  } catch (e) {
    throw fileError('writeFileAtomic', 'write', file, e, missingFolder);
  }
  let ok = false;
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else for await (const chunk of data) await writeAll(handle, chunk);
    await handle.sync();
    ok = true;
  } catch (e) {
    throw fileError('writeFileAtomic', 'write', file, e);
  } finally {
    await handle.close();
    if (!ok) await fs.rm(tmp, { force: true });
  }
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw fileError('writeFileAtomic', 'write', file, e, missingFolder);
  }
  await syncDirectory(dir);
}

async function writeAll(handle: import('node:fs/promises').FileHandle, chunk: Uint8Array): Promise<void> {
  if (!(chunk instanceof Uint8Array)) throw new TypeError(`writeFileAtomic: chunks must be Uint8Array, got ${typeof chunk}`);
  let done = 0;
  while (done < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.byteLength - done);
    done += bytesWritten;
  }
}
