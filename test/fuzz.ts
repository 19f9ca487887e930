// The shared harness of the property-based and fuzz suites (fast-check): one fixed seed and a run
// budget for CI, a larger budget from scripts/fuzz.sh, and the oracle for "a clear error".
//
//   CI:      node --test dist/...           seed 20261207, each property's base number of runs
//   script:  scripts/fuzz.sh [SCALE] [SEED]  TESSERA_FUZZ_SCALE x the runs, any seed
//
// Every property names its oracle in its title. A case passes when it ends in a correct result or
// in a clear error: one of tessera's own errors (not a TypeError or RangeError thrown from deep
// inside: "Cannot read properties of undefined", "Invalid typed array length"), whose message
// names the argument, field or file position given as `mentions`, thrown within the per-case time
// limit. A counterexample that fast-check finds becomes a committed regression test beside it.

import assert from 'node:assert/strict';
import fc from 'fast-check';

/** The seed of every property in CI; scripts/fuzz.sh passes another through TESSERA_FUZZ_SEED. */
export const FUZZ_SEED = Number(process.env.TESSERA_FUZZ_SEED ?? 20261207);
/** Multiplies each property's number of runs (scripts/fuzz.sh sets it; 1 in CI). */
export const FUZZ_SCALE = Number(process.env.TESSERA_FUZZ_SCALE ?? 1);

/**
 * fast-check parameters for one property: the fixed seed, `runs` x the scale, and no shrinking
 * past `timeoutMs` per case. Pass to `fc.assert(property, fuzzParams(50))`.
 */
export function fuzzParams(runs: number, extra: fc.Parameters<unknown> = {}): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(runs * FUZZ_SCALE)), endOnFailure: false, ...extra };
}

/** Messages that only come from deep inside: an error with one of these is never "clear". */
const NATIVE_MESSAGES = [
  /Cannot read propert/i,
  /Cannot set propert/i,
  /is not a function/,
  /is not iterable/,
  /Invalid typed array length/,
  /Invalid array length/,
  /Maximum call stack/,
  /out of bounds/i,
  /undefined is not/,
  /null is not/,
  /Unexpected token/,
  /^\w+ is not defined/,
];

/**
 * Asserts that `e` is a clear error: an Error whose message is not a native one and mentions each
 * of `mentions` (strings matched case-sensitively, or patterns). Returns the message.
 *
 * @example expectClearError(err, ['gather', 'index']);
 */
export function expectClearError(e: unknown, mentions: readonly (string | RegExp)[] = []): string {
  assert.ok(e instanceof Error, `expected an Error, got ${String(e)}`);
  const message = e.message;
  for (const p of NATIVE_MESSAGES) assert.ok(!p.test(message), `not a clear error (thrown from deep inside): ${message}\n${e.stack}`);
  for (const m of mentions) {
    const ok = typeof m === 'string' ? message.includes(m) : m.test(message);
    assert.ok(ok, `error does not mention ${String(m)}: ${message}`);
  }
  return message;
}

/**
 * Runs `fn` and classifies the outcome: `{ ok: value }` or `{ error }`, failing the test if it takes
 * longer than `timeoutMs` (a hang counts as a failure, not as a clear error).
 */
export async function outcome<T>(fn: () => T | Promise<T>, timeoutMs = 5000): Promise<{ ok: T } | { error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`fuzz: case took longer than ${timeoutMs} ms (a hang)`)), timeoutMs);
  });
  try {
    return { ok: await Promise.race([Promise.resolve().then(fn), limit]) };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('fuzz: case took longer')) throw error;
    return { error };
  } finally {
    clearTimeout(timer);
  }
}

export { fc };
