// A stable ascending argsort of float64 values by LSD radix sort on their bit patterns: O(N), no
// comparator calls, so curves over millions of scores cost a few passes over memory. Each value's
// 64 bits are mapped to an unsigned key with the same order (negative values have every bit
// flipped, others their sign bit), then sorted 16 bits at a time from the lowest digit; a digit
// that is the same for every value (the low mantissa bits of float32 scores) costs no pass. The
// plain comparison sort it must agree with is `argsortReference`, kept for the tests.

const RADIX = 1 << 16;
const MASK = RADIX - 1;

/** Whether typed arrays are little-endian here (the low word of a float64 comes first). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Indices that sort `x` ascending; ties keep their input order (as numpy's mergesort). -0 and 0
 * are equal. Values must not be NaN (the callers check that scores are finite).
 * @example argsortStable([0.3, 0.1, 0.3, 0.2]) // Uint32Array [1, 3, 0, 2]
 */
export function argsortStable(x: ArrayLike<number>): Uint32Array {
  const n = x.length;
  const bits = new Float64Array(n);
  for (let i = 0; i < n; i++) bits[i] = x[i] + 0; // -0 + 0 is +0
  const words = new Uint32Array(bits.buffer); // (N, 2)
  const [loAt, hiAt] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + hiAt];
    const l = words[2 * i + loAt];
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
  // the four digit histograms in one pass: [lo low, lo high, hi low, hi high]
  const counts = [new Uint32Array(RADIX), new Uint32Array(RADIX), new Uint32Array(RADIX), new Uint32Array(RADIX)];
  const [c0, c1, c2, c3] = counts;
  for (let i = 0; i < n; i++) {
    c0[lo[i] & MASK]++;
    c1[lo[i] >>> 16]++;
    c2[hi[i] & MASK]++;
    c3[hi[i] >>> 16]++;
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let idx2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  for (let pass = 0; pass < 4; pass++) {
    const count = counts[pass];
    if (n === 0 || count[digitOf(pass, lo[0], hi[0])] === n) continue; // one digit for all: order unchanged
    const offset = new Uint32Array(RADIX);
    for (let d = 1; d < RADIX; d++) offset[d] = offset[d - 1] + count[d - 1];
    const shift = pass % 2 === 0 ? 0 : 16;
    const key = pass < 2 ? lo : hi;
    const moveLo = pass === 0; // only pass 1 still reads lo
    for (let i = 0; i < n; i++) {
      const d = (key[i] >>> shift) & MASK;
      const to = offset[d]++;
      idx2[to] = idx[i];
      hi2[to] = hi[i];
      if (moveLo) lo2[to] = lo[i];
    }
    [idx, idx2] = [idx2, idx];
    [hi, hi2] = [hi2, hi];
    if (moveLo) [lo, lo2] = [lo2, lo];
  }
  return idx;
}

function digitOf(pass: number, lo: number, hi: number): number {
  const key = pass < 2 ? lo : hi;
  return (key >>> (pass % 2 === 0 ? 0 : 16)) & MASK;
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
