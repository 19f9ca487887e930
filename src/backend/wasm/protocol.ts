// The thread pool's dispatch protocol, shared by the main thread (pool.ts) and the workers
// (worker.ts). One SharedArrayBuffer holds a header of i32 words and the parts' arguments:
//
//   [READY] workers started          [FAILED] workers that could not start
//   [SEQ] job counter, bumped by the main thread to post a job
//   [CLAIM] (job id << 16) | next unclaimed part      [DONE] parts finished in this job
//   [BUILD] kernel build id  [FN] function id (EXIT: quit)  [NPARTS]  [ERROR] 1 if a part threw
//   [SLEEPING] workers blocked in Atomics.wait          [NARGS + p] argument count of part p
//   f64 from ARGS_BYTE: MAX_ARGS arguments per part
//
// Every thread, the main one included, claims parts with a compare-and-swap on CLAIM until none
// are left. So a worker that is slow to wake costs nothing: the main thread takes its part too.
// A part's result never depends on which thread ran it. Workers spin a bounded number of times
// on SEQ before blocking in Atomics.wait; the main thread notifies only when one sleeps.

export const READY = 0;
export const FAILED = 1;
export const SEQ = 2;
export const CLAIM = 3;
export const DONE = 4;
export const BUILD = 5;
export const FN = 6;
export const NPARTS = 7;
export const ERROR = 8;
export const SLEEPING = 9;
const NARGS = 16;
/** Most parts one job can have. */
export const MAX_PARTS = 64;
/** Most arguments one part can carry. */
export const MAX_ARGS = 28;
const ARGS_BYTE = (NARGS + MAX_PARTS) * 4;
/** FN value that tells workers to exit. */
export const EXIT = -1;
/** Polls of SEQ (about 100-200 us) before a worker blocks. */
export const SPIN = 20000;

/** Bytes of the control buffer. */
export const CONTROL_BYTES = ARGS_BYTE + MAX_PARTS * MAX_ARGS * 8;

/** The CLAIM word that opens job `seq` with no part claimed. */
export function claimWord(seq: number): number {
  return (seq & 0x7fff) << 16;
}

/** Stores part `p`'s arguments. */
export function writeArgs(ctrl: Int32Array, args: Float64Array, p: number, values: readonly number[]): void {
  const base = ARGS_BYTE / 8 + p * MAX_ARGS;
  for (let i = 0; i < values.length; i++) args[base + i] = values[i];
  ctrl[NARGS + p] = values.length;
}

/**
 * Claims and runs parts of job `seq` until none are left; `run(p)` runs part p. Returns after
 * marking each finished part in DONE (notifying when the last one finishes).
 */
export function claimParts(ctrl: Int32Array, seq: number, nparts: number, run: (p: number) => void): void {
  const job = seq & 0x7fff;
  for (;;) {
    const w = Atomics.load(ctrl, CLAIM);
    if (w >>> 16 !== job || (w & 0xffff) >= nparts) return;
    if (Atomics.compareExchange(ctrl, CLAIM, w, w + 1) !== w) continue;
    try {
      run(w & 0xffff);
    } catch {
      Atomics.store(ctrl, ERROR, 1);
    }
    if (Atomics.add(ctrl, DONE, 1) + 1 === nparts) Atomics.notify(ctrl, DONE);
  }
}

/** What a worker is started with. */
export interface WorkerInit {
  ctrl: SharedArrayBuffer;
  memory: WebAssembly.Memory;
  /** Compiled kernel modules by build id (null where the engine lacks that build). */
  modules: (WebAssembly.Module | null)[];
}

type Fn = (...args: number[]) => unknown;

/** A worker's life: instantiate the kernels on the shared memory, then run jobs until EXIT. */
export function serve(init: WorkerInit): void {
  const ctrl = new Int32Array(init.ctrl);
  const args = new Float64Array(init.ctrl);
  let fns: (Fn[] | null)[];
  try {
    fns = init.modules.map((mod) => {
      if (mod === null) return null;
      const ex = new WebAssembly.Instance(mod, { env: { memory: init.memory } }).exports as Record<string, Fn>;
      return WebAssembly.Module.exports(mod)
        .filter((e) => e.kind === 'function')
        .map((e) => ex[e.name]);
    });
  } catch {
    Atomics.add(ctrl, FAILED, 1);
    Atomics.notify(ctrl, FAILED);
    return;
  }
  // Read the job counter before announcing readiness: a job may be posted the moment we do.
  let seen = Atomics.load(ctrl, SEQ);
  Atomics.add(ctrl, READY, 1);
  Atomics.notify(ctrl, READY);
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, SEQ) === seen) {
      if (++spins < SPIN) continue;
      Atomics.add(ctrl, SLEEPING, 1);
      Atomics.wait(ctrl, SEQ, seen);
      Atomics.sub(ctrl, SLEEPING, 1);
    }
    seen = Atomics.load(ctrl, SEQ);
    const fnId = ctrl[FN];
    if (fnId === EXIT) return;
    const fn = (fns[ctrl[BUILD]] as Fn[])[fnId];
    claimParts(ctrl, seen, ctrl[NPARTS], (p) => {
      const base = ARGS_BYTE / 8 + p * MAX_ARGS;
      const n = ctrl[NARGS + p];
      const a = new Array<number>(n);
      for (let i = 0; i < n; i++) a[i] = args[base + i];
      fn(...a);
    });
  }
}
