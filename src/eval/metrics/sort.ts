// A stable ascending argsort of numbers by LSD radix sort on their bit patterns: O(N), no
// comparator calls, so curves over millions of scores cost a few passes over memory. Each value's
// bits are mapped to an unsigned key with the same order (negative values have every bit flipped,
// others their sign bit): 32 bits when every value is a float32, else 64. Keys are sorted 11 bits
// at a time from the lowest digit; a digit that is the same for every value costs no pass. The
// plain comparison sort it must agree with is `argsortReference`, kept for the tests.

const BITS = 11; // 2048 buckets: few enough write streams for the scatter to stay in cache
const RADIX = 1 << BITS;
/** The digits of a 32-bit word, lowest first: [shift, mask]. */
const DIGITS: readonly [number, number][] = [
  [0, RADIX - 1],
  [11, RADIX - 1],
  [22, (1 << 10) - 1],
];

/** Whether typed arrays are little-endian here (the low word of a float64 comes first). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Order-preserving unsigned keys: negative values get every bit flipped, others their sign bit. */
function flip(word: Uint32Array<ArrayBuffer>, rest: Uint32Array<ArrayBuffer> | null, i: number, hiWord: number, loWord: number): void {
  if (hiWord & 0x80000000) {
    word[i] = ~hiWord >>> 0;
    if (rest !== null) rest[i] = ~loWord >>> 0;
  } else {
    word[i] = (hiWord | 0x80000000) >>> 0;
    if (rest !== null) rest[i] = loWord;
  }
}

/**
 * The keys of `x`, least significant word first: one 32-bit word per value when every value is
 * a float32 (tensors' scores), else two (the low and high halves of the float64).
 */
function keysOf(x: ArrayLike<number>): Uint32Array<ArrayBuffer>[] {
  const n = x.length;
  let single = true;
  for (let i = 0; i < n && single; i++) single = Math.fround(x[i]) === x[i];
  if (single) {
    const f = new Float32Array(n);
    for (let i = 0; i < n; i++) f[i] = x[i] + 0; // -0 + 0 is +0: the two zeros tie
    const bits = new Uint32Array(f.buffer);
    const key = new Uint32Array(n);
    for (let i = 0; i < n; i++) flip(key, null, i, bits[i], 0);
    return [key];
  }
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = x[i] + 0;
  const words = new Uint32Array(f.buffer); // (N, 2)
  const [loAt, hiAt] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) flip(hi, lo, i, words[2 * i + hiAt], words[2 * i + loAt]);
  return [lo, hi];
}

/** One LSD pass: moves index, key (and the high word when given) to their digit's bucket. */
function scatter(
  key: Uint32Array,
  key2: Uint32Array,
  idx: Uint32Array,
  idx2: Uint32Array,
  high: Uint32Array | null,
  high2: Uint32Array,
  offset: Uint32Array,
  shift: number,
  mask: number,
): void {
  const n = key.length;
  if (high === null) {
    for (let i = 0; i < n; i++) {
      const k = key[i];
      const to = offset[(k >>> shift) & mask]++;
      idx2[to] = idx[i];
      key2[to] = k;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const k = key[i];
    const to = offset[(k >>> shift) & mask]++;
    idx2[to] = idx[i];
    key2[to] = k;
    high2[to] = high[i];
  }
}

/**
 * Indices that sort `x` ascending; ties keep their input order (as numpy's mergesort). -0 and 0
 * are equal. Values must not be NaN (the callers check that scores are finite).
 * @example argsortStable([0.3, 0.1, 0.3, 0.2]) // Uint32Array [1, 3, 0, 2]
 */
export function argsortStable(x: ArrayLike<number>): Uint32Array {
  const n = x.length;
  const words = keysOf(x);
  const spare = words.map(() => new Uint32Array(n));
  // every digit's histogram in one pass over the keys
  const counts = words.map(() => DIGITS.map(() => new Uint32Array(RADIX)));
  for (let w = 0; w < words.length; w++) {
    const key = words[w];
    const [c0, c1, c2] = counts[w];
    for (let i = 0; i < n; i++) {
      const k = key[i];
      c0[k & 2047]++;
      c1[(k >>> 11) & 2047]++;
      c2[k >>> 22]++;
    }
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let idx2 = new Uint32Array(n);
  const offset = new Uint32Array(RADIX);
  for (let w = 0; w < words.length; w++) {
    for (let d = 0; d < DIGITS.length; d++) {
      const [shift, mask] = DIGITS[d];
      const count = counts[w][d];
      if (n === 0 || count[(words[w][0] >>> shift) & mask] === n) continue; // one digit for all: order unchanged
      offset[0] = 0;
      for (let b = 1; b < RADIX; b++) offset[b] = offset[b - 1] + count[b - 1];
      const high = w + 1 < words.length ? words[words.length - 1] : null; // still has its passes to come
      scatter(words[w], spare[w], idx, idx2, high, spare[words.length - 1], offset, shift, mask);
      [idx, idx2] = [idx2, idx];
      [words[w], spare[w]] = [spare[w], words[w]];
      if (high !== null) [words[words.length - 1], spare[words.length - 1]] = [spare[words.length - 1], high];
    }
  }
  return idx;
}

/**
 * The same order by a comparison sort: the reference `argsortStable` is tested against.
 * @example argsortReference([0.3, 0.1]) // Uint32Array [1, 0]
 */
export function argsortReference(x: ArrayLike<number>): Uint32Array {
  const idx = Array.from({ length: x.length }, (_, i) => i);
  idx.sort((a, b) => x[a] - x[b] || a - b);
  return Uint32Array.from(idx);
}
