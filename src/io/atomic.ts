// Atomic file writes (Node.js only): the data goes to a temporary file in the same directory, is
// flushed to disk (fsync), and is renamed over the destination, and the directory entry is flushed
// too. A crash at any moment leaves either the old file or the new one under the final name, never
// a partial file. A crash can leave a stray `.<name>.<pid>-<random>.tmp` beside it; `writeFileAtomic`
// removes its temporary file on any error it survives.

import { nodeModules } from './node.js';

/** What `writeFileAtomic` can write: text (UTF-8), bytes, or chunks of bytes (streamed). */
export type AtomicData = string | Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export interface WriteAtomicOptions {
  /** File mode of a newly created file. Default 0o644 (before the umask). */
  mode?: number;
  /** Create missing parent directories. Default false. */
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
  if (options.mkdir) await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}-${crypto.randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', options.mode ?? 0o644);
  let ok = false;
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else for await (const chunk of data) await writeAll(handle, chunk);
    await handle.sync();
    ok = true;
  } finally {
    await handle.close();
    if (!ok) await fs.rm(tmp, { force: true });
  }
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
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

/** Flushes a directory entry (the rename) to disk; a no-op where directories cannot be opened (Windows). */
async function syncDirectory(dir: string): Promise<void> {
  const { fs } = await nodeModules('writeFileAtomic');
  let handle: import('node:fs/promises').FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // not supported on this platform: the rename itself is still atomic
  } finally {
    await handle?.close();
  }
}
