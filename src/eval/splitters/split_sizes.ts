// How many rows go to each side of a random split, by scikit-learn 1.2's rules: sizes given as
// fractions or counts (`_validate_shuffle_split`), and, for stratified splits, how a size is shared
// among the classes (`_approximate_mode`: each class's proportional share rounded down, the rows
// left over going to the classes with the largest remainders, ties broken at random).

import type { Generator } from '../../core/random.js';

/**
 * A split size: a fraction of the rows in (0, 1), or a whole number of rows >= 1.
 * A whole number is always a count, so `1` means one row (scikit-learn's `1.0` has no equivalent).
 */
export type SplitSize = number;

/**
 * The train and test counts for `n` rows, as scikit-learn resolves test_size and train_size:
 * a test fraction rounds up, a train fraction rounds down, a missing side takes the rest, and
 * neither given means `defaultTest` of the rows for testing.
 *
 * @example resolveSplitSizes('trainTestSplit', 10, 0.25) // { nTrain: 7, nTest: 3 }
 */
export function resolveSplitSizes(
  op: string,
  n: number,
  testSize: SplitSize | undefined,
  trainSize: SplitSize | undefined,
  defaultTest: number,
): { nTrain: number; nTest: number } {
  if (testSize === undefined && trainSize === undefined) testSize = defaultTest;
  const test = testSize === undefined ? undefined : sizeOf(op, 'testSize', testSize, n);
  const train = trainSize === undefined ? undefined : sizeOf(op, 'trainSize', trainSize, n);
  if (test?.fraction && train?.fraction && (testSize as number) + (trainSize as number) > 1) {
    throw new RangeError(
      `${op}: testSize + trainSize = ${(testSize as number) + (trainSize as number)} must be at most 1; reduce one of them`,
    );
  }
  let nTest = test === undefined ? 0 : test.fraction ? Math.ceil(test.value * n) : test.value;
  let nTrain = train === undefined ? 0 : train.fraction ? Math.floor(train.value * n) : train.value;
  if (train === undefined) nTrain = n - nTest;
  else if (test === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new RangeError(`${op}: trainSize + testSize = ${nTrain + nTest} rows is more than the ${n} rows there are; reduce one of them`);
  }
  if (nTrain === 0) {
    throw new RangeError(
      `${op}: with n=${n}, testSize=${testSize} and trainSize=${trainSize} the training set would be empty; adjust the sizes`,
    );
  }
  return { nTrain, nTest };
}

function sizeOf(op: string, name: string, v: number, n: number): { fraction: boolean; value: number } {
  if (typeof v === 'number' && v > 0 && v < 1) return { fraction: true, value: v };
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v < n) return { fraction: false, value: v };
  throw new RangeError(`${op}: ${name}=${v} must be a fraction in (0, 1) or a whole number of rows from 1 to ${n - 1} (n=${n})`);
}

/**
 * `nDraws` shared among classes in proportion to `counts`: floor(count / total * nDraws) each, then
 * one more for the classes with the largest remainders until the total is reached; among classes
 * with equal remainders, which get one more is drawn from `g` (scikit-learn's `_approximate_mode`).
 *
 * @example approximateMode(Int32Array.of(6, 3, 1), 5, new Generator(0)) // [3, 2, 0] or [3, 1, 1]: the remainders .5 tie
 */
export function approximateMode(counts: Int32Array, nDraws: number, g: Generator): Int32Array {
  let total = 0;
  for (const c of counts) total += c;
  const continuous = Array.from(counts, (c) => (c / total) * nDraws);
  const floored = Int32Array.from(continuous, Math.floor);
  let needToAdd = nDraws - floored.reduce((a, b) => a + b, 0);
  if (needToAdd > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]);
    const values = [...new Set(remainder)].sort((a, b) => b - a);
    for (const value of values) {
      const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const addNow = Math.min(inds.length, needToAdd);
      // a random addNow of inds (partial Fisher-Yates)
      for (let i = 0; i < addNow; i++) {
        const j = g.int(i, inds.length);
        [inds[i], inds[j]] = [inds[j], inds[i]];
        floored[inds[i]]++;
      }
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}
