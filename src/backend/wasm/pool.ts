// The kernel thread pool: N-1 worker threads plus the calling thread, all running the same kernel
// module on the heap's shared WebAssembly.Memory. An op is cut into parts (one per thread) that
// every thread, the caller included, claims until none are left (protocol.ts), so a worker slow
// to wake never stalls an op. Workers start on the first parallel call (never at import), are
// unref()ed so an idle process exits, and never allocate: the main thread hands them every
// address, per-part scratch included. Without shared memory everything runs inline.

import type { Worker as NodeWorker } from 'node:worker_threads';
import { heap } from './heap.js';
import { BUILDS, type Kernels, kernelModule, nodeBuiltin } from './loader.js';
import * as P from './protocol.js';

let requested = 0;
/** The running workers (Node Worker objects; a browser Worker would slot in here). */
let threads: unknown[] = [];
let ctrl: Int32Array | null = null;
let args: Float64Array | null = null;
let broken = false;
const scratch: { ptr: number; bytes: number }[] = [];

let coreCount = 0;

/** Cores of this machine (1 where unknown), looked up once. */
function cores(): number {
  if (coreCount > 0) return coreCount;
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>('node:os');
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  coreCount = Math.max(1, os !== undefined ? (os.availableParallelism?.() ?? os.cpus().length) : (nav?.hardwareConcurrency ?? 1));
  return coreCount;
}

let canThread: boolean | null = null;

/**
 * Sets how many threads kernels use (the calling thread included). Takes effect on the next op;
 * a running pool of another size is stopped and restarted lazily.
 * @example setNumThreads(1) // deterministic single-threaded timing
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: n must be a positive integer, got ${n}`);
  if (n === requested) return;
  requested = n;
  if (threads.length > 0 && threads.length !== n - 1) stopPool();
}

/** Threads kernels use: the value from setNumThreads, else the machine's cores. */
export function getNumThreads(): number {
  return requested > 0 ? requested : cores();
}

/** Threads a parallel op can use now: 1 when the heap's memory is not shared or workers failed. */
export function poolThreads(): number {
  if (canThread === null) {
    canThread = heap().shared && typeof Atomics.wait === 'function' && nodeBuiltin('node:worker_threads') !== undefined;
  }
  return broken || !canThread ? 1 : getNumThreads();
}

/**
 * A scratch region of at least `bytes` for part `t` of a parallel op (a part runs on one thread
 * at a time), reused across calls. Allocated on the main thread only.
 */
export function threadScratch(t: number, bytes: number): number {
  const s = scratch[t];
  if (s !== undefined && s.bytes >= bytes) return s.ptr;
  if (s !== undefined) heap().freeScratch(s.ptr, s.bytes);
  const ptr = heap().allocateScratch(bytes);
  scratch[t] = { ptr, bytes };
  return ptr;
}

/**
 * Runs kernel `fn` once per entry of `parts` (its argument list), the parts shared out among this
 * thread and the workers, returning when all are done. One part runs inline with no dispatch.
 */
export function runParallel(k: Kernels, fn: string, parts: readonly (readonly number[])[]): void {
  const f = k.exports[fn];
  const workers = poolThreads() - 1;
  if (parts.length <= 1 || workers < 1 || !ensurePool(workers)) {
    for (const p of parts) f(...p);
    return;
  }
  for (let s = 0; s < parts.length; s += P.MAX_PARTS) dispatch(k, fn, parts.slice(s, s + P.MAX_PARTS));
}

/** Posts one job of at most MAX_PARTS parts, claims parts here too, and waits for the rest. */
function dispatch(k: Kernels, fn: string, parts: readonly (readonly number[])[]): void {
  const c = ctrl as Int32Array;
  const a = args as Float64Array;
  const n = parts.length;
  for (let p = 0; p < n; p++) {
    if (parts[p].length > P.MAX_ARGS) throw new RangeError(`runParallel: ${fn} has ${parts[p].length} arguments, at most ${P.MAX_ARGS}`);
    P.writeArgs(c, a, p, parts[p]);
  }
  c[P.BUILD] = k.id;
  c[P.FN] = k.fnId.get(fn) as number;
  c[P.NPARTS] = n;
  c[P.ERROR] = 0;
  Atomics.store(c, P.DONE, 0);
  const seq = c[P.SEQ] + 1;
  Atomics.store(c, P.CLAIM, P.claimWord(seq));
  Atomics.store(c, P.SEQ, seq);
  if (Atomics.load(c, P.SLEEPING) > 0) Atomics.notify(c, P.SEQ);
  const f = k.exports[fn];
  let mine: unknown = null;
  P.claimParts(c, seq, n, (p) => {
    try {
      f(...parts[p]);
    } catch (e) {
      mine ??= e;
    }
  });
  let spins = 0;
  for (;;) {
    const done = Atomics.load(c, P.DONE);
    if (done === n) break;
    if (++spins > 100000) Atomics.wait(c, P.DONE, done, 10);
  }
  if (mine !== null) throw mine;
  if (c[P.ERROR] !== 0) throw new Error(`wasm backend: kernel ${fn} failed in a worker thread`);
}

/** Starts `workers` workers unless exactly that many run; false if they cannot start here. */
function ensurePool(workers: number): boolean {
  if (threads.length === workers) return true;
  if (broken) return false;
  stopPool();
  const wt = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
  const fs = nodeBuiltin<typeof import('node:fs')>('node:fs');
  const url = new URL('./worker.js', import.meta.url);
  // e.g. sources run through a TypeScript loader: no compiled worker to start, stay single-threaded
  if (wt === undefined || (url.protocol === 'file:' && fs !== undefined && !fs.existsSync(url))) {
    broken = true;
    return false;
  }
  const sab = new SharedArrayBuffer(P.CONTROL_BYTES);
  const c = new Int32Array(sab);
  const modules = BUILDS.map((b) => kernelModule(b));
  const started: NodeWorker[] = [];
  for (let w = 0; w < workers; w++) {
    const init: P.WorkerInit = { ctrl: sab, memory: heap().memory, modules };
    // execArgv: [] so that flags meant for the main script (--input-type, --eval...) cannot stop a worker
    const worker = new wt.Worker(url, { workerData: init, execArgv: [] });
    worker.unref();
    worker.on('error', () => {
      Atomics.add(c, P.FAILED, 1);
      Atomics.notify(c, P.FAILED);
    });
    started.push(worker);
  }
  // Block until every worker has instantiated the kernels (tens of ms, once); a worker that
  // cannot start makes the pool single-threaded for good.
  const deadline = Date.now() + 10000;
  while (Atomics.load(c, P.READY) < workers && Atomics.load(c, P.FAILED) === 0 && Date.now() < deadline) {
    Atomics.wait(c, P.READY, Atomics.load(c, P.READY), 50);
  }
  if (Atomics.load(c, P.READY) < workers) {
    for (const w of started) void w.terminate();
    broken = true;
    return false;
  }
  ctrl = c;
  args = new Float64Array(sab);
  threads = started;
  return true;
}

/** Asks every worker to exit; a later parallel call starts a new pool. */
function stopPool(): void {
  const c = ctrl;
  if (c !== null && threads.length > 0) {
    c[P.FN] = P.EXIT;
    Atomics.add(c, P.SEQ, 1);
    Atomics.notify(c, P.SEQ);
  }
  threads = [];
  ctrl = null;
  args = null;
}
