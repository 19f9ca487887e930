// What a framework under benchmark provides (a Runner), what one measurement yields (a Result),
// and the shared path that times a case prepared in JavaScript.

import type { CaseSpec } from './cases.js';
import { type CaseInputs, checksum } from './data.js';
import { measure, type Stats, type TimingPolicy } from './harness.js';

/** One cell of the table: a measurement, or why there is none. */
export type Result =
  | { status: 'ok'; stats: Stats; checksum: number; note?: string }
  | { status: 'unsupported' | 'skipped' | 'error'; reason: string };

/** A framework (or one backend of it) that can run every case kind. */
export interface Runner {
  /** Column name: 'tessera', 'tfjs-cpu', 'tfjs-wasm', 'torch'. */
  readonly name: string;
  /** Starts the framework. Returns facts for the environment block; throws when unavailable. */
  setup(): Promise<Record<string, string | number>>;
  run(spec: CaseSpec, inputs: CaseInputs, policy: TimingPolicy): Promise<Result>;
  close(): Promise<void>;
}

/** A case made ready in a JavaScript framework. */
export interface Prepared {
  /**
   * The call that is timed, releasing what it allocates the way the framework expects. On an
   * asynchronous device (a GPU) it returns a Promise that settles when the queued work is done.
   */
  call(): unknown;
  /** Runs the computation once more and reads its results back (for the checksum). */
  outputs(): ArrayLike<number>[] | Promise<ArrayLike<number>[]>;
  /** Releases the inputs. */
  dispose(): void;
}

/** Classifies a failure: ops a framework lacks are 'unsupported', anything else an 'error'. */
export function failure(e: unknown): Result {
  const msg = e instanceof Error ? e.message : String(e);
  const unsupported = /not registered|not supported|not implemented|unsupported/i.test(msg);
  return { status: unsupported ? 'unsupported' : 'error', reason: msg.split('\n')[0].slice(0, 200) };
}

/**
 * Prepares a case, runs it once for the checksum (which also surfaces missing kernels before
 * timing), times it, and releases it. `leakCheck`, when given, returns a live-object count
 * (e.g. tfjs's tensor count) that timing must leave unchanged.
 */
export async function timePrepared(prepare: () => Prepared, policy: TimingPolicy, leakCheck?: () => number): Promise<Result> {
  let prep: Prepared | null = null;
  try {
    prep = prepare();
    const sum = checksum(await prep.outputs());
    const before = leakCheck?.() ?? 0;
    const stats = await measure(prep.call, policy);
    const grown = (leakCheck?.() ?? 0) - before;
    const note = grown > 0 ? `${grown} live objects more after timing: the timed call leaks` : undefined;
    return { status: 'ok', stats, checksum: sum, note };
  } catch (e) {
    return failure(e);
  } finally {
    try {
      prep?.dispose();
    } catch {
      // A failed case may leave half-made inputs; nothing more to release.
    }
  }
}
