// Durability of directory entries (Node.js only). A rename, a link or a new directory reaches the
// disk only when the directory holding the entry is flushed (fsync on the directory), so a writer
// that must survive a power loss flushes, in order: the file's data (before it is renamed into
// place), the directory after the rename, and, for a directory it creates, the parent of every
// directory created. These helpers do the directory parts; `writeFileAtomic` (atomic.ts) and the
// model and checkpoint writers use them. Where directories cannot be opened (Windows), flushing a
// directory is a no-op: the rename itself is still atomic there.

import { nodeModules } from './node.js';

/** Error codes of platforms where a directory cannot be opened or flushed (Windows, some network file systems). */
const UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF']);

/**
 * Flushes the entries of directory `dir` (renames, links, removals, new files in it) to disk.
 *
 * @example
 * await fs.rename(tmp, file);
 * await syncDirectory(path.dirname(file)); // the rename survives a power loss
 */
export async function syncDirectory(dir: string): Promise<void> {
  const { fs } = await nodeModules('syncDirectory');
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await fs.open(dir, 'r');
  } catch (e) {
    if (UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) return;
    throw e;
  }
  try {
    await handle.sync();
  } catch (e) {
    if (!UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    await handle.close();
  }
}

/**
 * Creates directory `dir` and its missing parents, durably: the parent of every directory created
 * is flushed, so the new folder is still there after a power loss. Does nothing to an existing one.
 * Errors name `op` and the user's path.
 *
 * @example
 * await mkdirDurable('runs/mlp/best', 'saveModel'); // runs/, runs/mlp/ and best/ survive a power loss
 */
export async function mkdirDurable(dir: string, op: string): Promise<void> {
  const { fs, path } = await nodeModules(op);
  const target = path.resolve(dir);
  let first: string | undefined;
  try {
    first = await fs.mkdir(target, { recursive: true });
  } catch (e) {
    throw fileError(op, 'create the folder', dir, e, { EEXIST: 'a file of that name is in the way' });
  }
  if (first === undefined) return; // it existed
  // flush each new entry: parent(first) holds first, first holds the next, ..., parent(dir) holds dir
  const created: string[] = [];
  for (let d = target; ; d = path.dirname(d)) {
    created.push(d);
    if (d === first || path.dirname(d) === d) break;
  }
  for (const d of created.reverse()) await syncDirectory(path.dirname(d));
}

/** Plain-words reasons for the errno codes a writer meets; the rest keep Node's message. */
const REASONS: Record<string, string> = {
  ENOENT: 'a folder on the path does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
};

/**
 * A file or folder that could not be written: names the op and the user's path (never a temporary
 * file's name) and says why in plain words; keeps the errno `code` and the original error as `cause`.
 *
 * @example
 * try { await writeFileAtomic('out/preds.csv', text) } catch (e) { if (e instanceof FileWriteError) console.error(e.file, e.reason) }
 */
export class FileWriteError extends Error {
  override name = 'FileWriteError';

  constructor(
    readonly op: string,
    /** What was being done: 'write', 'create the folder'. */
    readonly action: string,
    /** The user's path. */
    readonly file: string,
    /** Why, in plain words. */
    readonly reason: string,
    /** The errno code, e.g. 'ENOENT'. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(`${op}: cannot ${action} ${file}: ${reason} (${code})`, options);
  }
}

/**
 * Wraps an errno error from writing `file` into a FileWriteError; other errors pass through.
 * `reasons` overrides the wording for some codes.
 *
 * @example throw fileError('writeFileAtomic', 'write', 'out/preds.csv', e); // "writeFileAtomic: cannot write out/preds.csv: ..."
 */
export function fileError(op: string, action: string, file: string, cause: unknown, reasons: Record<string, string> = {}): Error {
  const code = (cause as NodeJS.ErrnoException)?.code;
  if (typeof code !== 'string' || cause instanceof FileWriteError) return cause instanceof Error ? cause : new Error(String(cause));
  const reason = reasons[code] ?? REASONS[code] ?? (cause as Error).message.replace(/, \w+ '.*$/, '');
  return new FileWriteError(op, action, file, reason, code, { cause });
}
