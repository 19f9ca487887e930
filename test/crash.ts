// Failure injection for the file writers: replaces the `fs` that tessera's io code uses
// (src/io/node.ts's cached `nodeModules()` object) by a wrapper that records every mutating
// operation (open for writing, write, sync, rename, link, unlink/rm, mkdir, ...), FileHandles
// included, and "crashes" at the k-th one: it calls `onCrash` (which copies the folder as it is on
// disk at that instant), then throws a CrashError, and refuses every later mutating operation, as a
// dead process would make none. A write that crashes first writes half of its bytes (a torn write).
// The recorded operations feed the power-loss model (powerloss.ts).
//
//   const { ops, crashed } = await withFaults(() => saveModel(dir, input), { crashAt: 5, onCrash: snapshot });

import { resolve } from 'node:path';
import { nodeModules } from '../src/io/node.js';

type Fs = typeof import('node:fs/promises');
type FileHandle = import('node:fs/promises').FileHandle;

/** The error thrown at the injected crash (and by every mutating call after it). */
export class CrashError extends Error {
  override name = 'CrashError';
}

/** One mutating file-system operation, as recorded (paths resolved). */
export interface FsOp {
  kind: 'open' | 'write' | 'sync' | 'truncate' | 'rename' | 'link' | 'unlink' | 'rm' | 'mkdir' | 'writeFile' | 'other';
  /** The function called, e.g. 'rename', 'handle.sync'. */
  call: string;
  path: string;
  /** rename/link: the destination. */
  to?: string;
  /** open: the flags. */
  flags?: string;
  /** handle operations: the file descriptor. */
  fd?: number;
  /** sync: whether the handle is a directory, and a file's bytes at that instant (its durable contents). */
  isDir?: boolean;
  data?: Uint8Array;
  /** mkdir: the first directory created (undefined: none). rm: recursive. */
  created?: string;
  recursive?: boolean;
}

export interface FaultOptions {
  /** Crash before the crashAt-th mutating operation (1-based). Default: never. */
  crashAt?: number;
  /** Called at the crash, before the error is thrown: copy the folder here. */
  onCrash?: (op: FsOp) => void | Promise<void>;
}

/** What a run under `withFaults` did. */
export interface FaultRun<T> {
  ops: FsOp[];
  crashed: boolean;
  result?: T;
  error?: unknown;
}

const FS_MUTATING: Record<string, FsOp['kind']> = {
  mkdir: 'mkdir',
  rename: 'rename',
  link: 'link',
  symlink: 'other',
  unlink: 'unlink',
  rm: 'rm',
  rmdir: 'rm',
  writeFile: 'writeFile',
  appendFile: 'writeFile',
  truncate: 'truncate',
  copyFile: 'other',
  cp: 'other',
  chmod: 'other',
  utimes: 'other',
};
const HANDLE_MUTATING: Record<string, FsOp['kind']> = {
  write: 'write',
  writeFile: 'write',
  appendFile: 'write',
  writev: 'write',
  truncate: 'truncate',
  sync: 'sync',
  datasync: 'sync',
};

const isWriteFlag = (flags: unknown) => typeof flags === 'string' && /[wax+]/.test(flags);

/**
 * Runs `fn` with tessera's `fs` wrapped: records the mutating operations and crashes at
 * `options.crashAt`. Restores the real `fs` afterwards. Only one run at a time.
 */
export async function withFaults<T>(fn: () => Promise<T>, options: FaultOptions = {}): Promise<FaultRun<T>> {
  const modules = await nodeModules('withFaults');
  const real = modules.fs;
  const ops: FsOp[] = [];
  let dead = false;
  const step = async (op: FsOp, torn?: () => Promise<unknown>): Promise<void> => {
    if (dead) throw new CrashError(`crashed earlier; ${op.call} ${op.path} not done`);
    ops.push(op);
    if (ops.length !== options.crashAt) return;
    dead = true;
    await torn?.();
    await options.onCrash?.(op);
    throw new CrashError(`injected crash before operation ${ops.length}: ${op.call} ${op.path}`);
  };

  const wrapHandle = (handle: FileHandle, path: string): FileHandle =>
    new Proxy(handle, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        const kind = typeof prop === 'string' ? HANDLE_MUTATING[prop] : undefined;
        if (kind === undefined) return value.bind(target);
        return async (...args: unknown[]) => {
          const op: FsOp = { kind, call: `handle.${String(prop)}`, path, fd: target.fd };
          if (kind === 'sync') {
            op.isDir = (await target.stat()).isDirectory();
            if (!op.isDir) op.data = await real.readFile(path).catch(() => undefined);
          }
          await step(op, kind === 'write' ? () => tornWrite(target, String(prop), args) : undefined);
          return value.apply(target, args);
        };
      },
    });

  const wrapped: Record<string, unknown> = {};
  for (const key of Object.keys(real) as (keyof Fs)[]) {
    const value = real[key] as unknown;
    if (typeof value !== 'function') {
      wrapped[key] = value;
      continue;
    }
    const fnValue = value as (...args: unknown[]) => Promise<unknown>;
    if (key === 'open') {
      wrapped.open = async (path: string, flags = 'r', ...rest: unknown[]) => {
        const abs = resolve(String(path));
        if (isWriteFlag(flags)) await step({ kind: 'open', call: 'open', path: abs, flags: String(flags) });
        const handle = (await fnValue.call(real, path, flags, ...rest)) as FileHandle;
        return wrapHandle(handle, abs);
      };
    } else if (FS_MUTATING[key] !== undefined) {
      wrapped[key] = async (...args: unknown[]) => {
        const op: FsOp = { kind: FS_MUTATING[key], call: key, path: resolve(String(args[0])) };
        if (key === 'rename' || key === 'link' || key === 'copyFile' || key === 'symlink') op.to = resolve(String(args[1]));
        if (key === 'rm' || key === 'rmdir') op.recursive = (args[1] as { recursive?: boolean } | undefined)?.recursive === true;
        await step(op);
        const result = await fnValue.apply(real, args);
        if (key === 'mkdir') {
          const recursive = (args[1] as { recursive?: boolean } | undefined)?.recursive === true;
          op.created = recursive ? (result as string | undefined) : op.path;
        }
        return result;
      };
    } else {
      wrapped[key] = fnValue.bind(real);
    }
  }

  modules.fs = wrapped as unknown as Fs;
  try {
    const result = await fn();
    return { ops, crashed: false, result };
  } catch (error) {
    if (!(error instanceof CrashError) && !dead) throw error;
    return { ops, crashed: true, error };
  } finally {
    modules.fs = real;
  }
}

/** A crash in the middle of a write: the first half of its bytes reach the file. */
async function tornWrite(handle: FileHandle, method: string, args: unknown[]): Promise<void> {
  const data = args[0];
  if (method === 'write' && data instanceof Uint8Array) {
    const offset = typeof args[1] === 'number' ? args[1] : 0;
    const length = typeof args[2] === 'number' ? args[2] : data.byteLength - offset;
    await handle.write(data, offset, Math.floor(length / 2));
  } else if (typeof data === 'string' || data instanceof Uint8Array) {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    await handle.write(bytes, 0, Math.floor(bytes.byteLength / 2));
  }
}
