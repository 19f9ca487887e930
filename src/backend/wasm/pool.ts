// The kernel thread pool: N-1 worker threads plus the calling thread, all running the same kernel
// module on the heap's shared WebAssembly.Memory. An op is cut into parts (one per thread) that
// every thread, the caller included, claims until none are left (protocol.ts), so a worker slow
// to wake never stalls an op. Workers start on the first parallel call (never at import), are
// unref()ed so an idle process exits, and never allocate: the main thread hands them every
// address, per-part scratch included. Without shared memory everything runs inline.
//
// Node starts worker_threads and waits for them; a browser starts module Workers (worker.js beside
// the bundle) only on a cross-origin isolated page (COOP/COEP headers, else it warns once and runs
// on one thread), and never blocks its main thread: ops run inline until the workers are ready,
// and the main thread spins, not sleeps, while it waits for a job's parts.

import type { Worker as NodeWorker } from 'node:worker_threads';
import { heap } from './heap.js';
import { BUILDS, type Kernels, kernelModule, nodeBuiltin } from './loader.js';
import * as P from './protocol.js';

/** A started pool thread: a Node worker_threads Worker or a browser Worker. */
interface PoolWorker {
  terminate(): unknown;
}

/** The part of a browser Worker the pool uses (tessera compiles without the DOM types). */
interface BrowserWorker extends PoolWorker {
  postMessage(message: unknown): void;
  addEventListener(type: 'error' | 'messageerror', listener: () => void): void;
}
type BrowserWorkerClass = new (url: URL, options: { type: 'module'; name: string }) => BrowserWorker;

/** What a page that is not cross-origin isolated is told, once. */
export const NOT_ISOLATED_WARNING =
  'tessera: this page is not cross-origin isolated (COOP/COEP headers), so the CPU device runs on one thread';

let requested = 0;
/** The running workers. */
let threads: PoolWorker[] = [];
let ctrl: Int32Array | null = null;
let args: Float64Array | null = null;
let broken = false;
/** Workers started but not all ready yet (a browser's main thread does not wait for them). */
let pending: { ctrl: Int32Array; workers: PoolWorker[]; deadline: number } | null = null;
let warned = false;
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
/** Whether the thread that dispatches jobs may sleep in Atomics.wait. */
let blocking = true;

/**
 * Sets how many threads kernels use (the calling thread included). Takes effect on the next op;
 * a running pool of another size is stopped and restarted lazily.
 * @example setNumThreads(1) // deterministic single-threaded timing
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: n must be a positive integer, got ${n}`);
  if (n === requested) return;
  requested = n;
  if ((threads.length > 0 && threads.length !== n - 1) || pending !== null) stopPool();
}

/** Threads kernels use: the value from setNumThreads, else the machine's cores. */
export function getNumThreads(): number {
  return requested > 0 ? requested : cores();
}

/**
 * Threads the CPU device's pool runs now, the calling thread included: 1 before the first parallel
 * op, without shared memory, or (in a browser) while its workers are still starting.
 * @example await trainer.fit(x, y); runningThreads() // 2 on a two-core, cross-origin isolated page
 */
export function runningThreads(): number {
  return threads.length + 1;
}

/** Threads a parallel op can use now: 1 when the heap's memory is not shared or workers failed. */
export function poolThreads(): number {
  canThread ??= threadable();
  if (!canThread && !warned && host() === 'browser' && !isolated() && getNumThreads() > 1) {
    warned = true;
    console.warn(NOT_ISOLATED_WARNING);
  }
  return broken || !canThread ? 1 : getNumThreads();
}

/** Where pool threads come from here: Node's worker_threads, a browser's Worker, or nowhere. */
function host(): 'node' | 'browser' | null {
  if (nodeBuiltin('node:worker_threads') !== undefined) return 'node';
  return typeof (globalThis as { Worker?: unknown }).Worker === 'function' ? 'browser' : null;
}

/** A browser page may share memory with its workers only when cross-origin isolated. */
function isolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** Whether pool threads can start here at all: a host with workers and memory they can share. */
function threadable(): boolean {
  const h = host();
  if (h === null || (h === 'browser' && !isolated())) return false;
  return heap().shared && typeof Atomics.wait === 'function' && typeof SharedArrayBuffer === 'function';
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not); `c` is shared. */
function canBlock(c: Int32Array): boolean {
  try {
    Atomics.wait(c, P.READY, -1, 0); // returns 'not-equal' at once where waiting is allowed
    return true;
  } catch {
    return false;
  }
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
    if (++spins > 100000 && blocking) Atomics.wait(c, P.DONE, done, 10);
  }
  if (mine !== null) throw mine;
  if (c[P.ERROR] !== 0) throw new Error(`wasm backend: kernel ${fn} failed in a worker thread`);
}

/** Starts `workers` workers unless exactly that many run; false until they all run here. */
function ensurePool(workers: number): boolean {
  if (threads.length === workers) return true;
  if (broken) return false;
  if (pending !== null && pending.workers.length === workers) return settle();
  stopPool();
  const h = host();
  const url = new URL('./worker.js', import.meta.url);
  const fs = nodeBuiltin<typeof import('node:fs')>('node:fs');
  // e.g. sources run through a TypeScript loader: no compiled worker to start, stay single-threaded
  if (h === null || (url.protocol === 'file:' && fs !== undefined && !fs.existsSync(url))) {
    broken = true;
    return false;
  }
  const sab = new SharedArrayBuffer(P.CONTROL_BYTES);
  const c = new Int32Array(sab);
  const init: P.WorkerInit = { ctrl: sab, memory: heap().memory, modules: BUILDS.map((b) => kernelModule(b)) };
  const failed = () => {
    Atomics.add(c, P.FAILED, 1);
    Atomics.notify(c, P.FAILED);
  };
  const started: PoolWorker[] = [];
  for (let w = 0; w < workers; w++) started.push(h === 'node' ? startNodeWorker(url, init, failed) : startBrowserWorker(url, init, failed));
  blocking = canBlock(c);
  pending = { ctrl: c, workers: started, deadline: Date.now() + 10000 };
  return settle();
}

/**
 * Promotes the pending workers to the pool once every one has instantiated the kernels (tens of
 * ms, once). Where this thread may block it waits for them; a browser's main thread checks again
 * on the next parallel op. A worker that cannot start makes the pool single-threaded for good.
 */
function settle(): boolean {
  const { ctrl: c, workers, deadline } = pending as NonNullable<typeof pending>;
  const n = workers.length;
  while (blocking && Atomics.load(c, P.READY) < n && Atomics.load(c, P.FAILED) === 0 && Date.now() < deadline) {
    Atomics.wait(c, P.READY, Atomics.load(c, P.READY), 50);
  }
  if (Atomics.load(c, P.READY) === n) {
    ctrl = c;
    args = new Float64Array(c.buffer);
    threads = workers;
    pending = null;
    return true;
  }
  if (Atomics.load(c, P.FAILED) > 0 || Date.now() >= deadline) {
    for (const w of workers) void w.terminate();
    pending = null;
    broken = true;
    if (host() === 'browser') console.warn("tessera: the CPU device's worker threads did not start, so it runs on one thread");
  }
  return false;
}

function startNodeWorker(url: URL, init: P.WorkerInit, failed: () => void): PoolWorker {
  const wt = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads') as typeof import('node:worker_threads');
  // execArgv: [] so that flags meant for the main script (--input-type, --eval...) cannot stop a worker
  const worker: NodeWorker = new wt.Worker(url, { workerData: init, execArgv: [] });
  worker.unref();
  worker.on('error', failed);
  return worker;
}

/** A module Worker running worker.js (the file beside the bundle), sent its WorkerInit. */
function startBrowserWorker(url: URL, init: P.WorkerInit, failed: () => void): PoolWorker {
  const Worker = (globalThis as unknown as { Worker: BrowserWorkerClass }).Worker;
  const worker = new Worker(url, { type: 'module', name: 'tessera-pool' });
  worker.addEventListener('error', failed);
  worker.addEventListener('messageerror', failed);
  worker.postMessage(init);
  return worker;
}

/** Asks every worker to exit; a later parallel call starts a new pool. */
function stopPool(): void {
  const c = ctrl;
  if (c !== null && threads.length > 0) {
    c[P.FN] = P.EXIT;
    Atomics.add(c, P.SEQ, 1);
    Atomics.notify(c, P.SEQ);
  }
  // a Node worker ends when it returns from serve(); a browser Worker stays until terminated
  if (host() === 'browser') for (const w of threads) void w.terminate();
  for (const w of pending?.workers ?? []) void w.terminate();
  threads = [];
  pending = null;
  ctrl = null;
  args = null;
}
