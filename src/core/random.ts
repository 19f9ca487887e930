// The seedable random generator behind rand, randn, randint, dropout and shuffling.
// xoshiro128** (fast, 128-bit state, good statistical quality), seeded through splitmix32.

/** A random number generator whose whole state is four 32-bit words. */
export class Generator {
  private s = new Uint32Array(4);
  /** A spare normal deviate from the last Box-Muller pair. */
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Resets the state from an integer seed. */
  seed(seed: number): void {
    if (!Number.isFinite(seed)) throw new TypeError(`manualSeed: seed must be a finite number, got ${seed}`);
    let x = Math.trunc(seed) >>> 0;
    let hi = Math.trunc(seed / 2 ** 32) >>> 0;
    for (let i = 0; i < 4; i++) {
      // splitmix32
      x = (x + 0x9e3779b9 + hi) | 0;
      hi = 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
    this.spare = null;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform float in [0, 1) with 24 random bits (exactly representable in float32). */
  uniform(): number {
    return (this.nextU32() >>> 8) / 16777216;
  }

  /** A standard normal deviate (Box-Muller). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A uniform integer in [low, high). */
  int(low: number, high: number): number {
    const span = high - low;
    if (span <= 0x100000000) {
      // rejection sampling for an unbiased result
      const limit = Math.floor(0x100000000 / span) * span;
      let r = this.nextU32();
      while (r >= limit) r = this.nextU32();
      return low + (r % span);
    }
    return low + Math.floor(this.uniform() * span);
  }

  /** The state, to save in a checkpoint. */
  getState(): number[] {
    return [...this.s, this.spare === null ? Number.NaN : this.spare];
  }

  /** Restores a state from `getState()`. */
  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== 5) throw new TypeError('setRngState: expected the 5 numbers returned by getRngState()');
    for (let i = 0; i < 4; i++) this.s[i] = state[i] >>> 0;
    this.spare = Number.isNaN(state[4]) ? null : state[4];
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The default generator used by every random op. */
export const defaultGenerator = new Generator(0x5eed);

/**
 * Seeds the default generator, making rand/randn/randint/dropout/shuffles reproducible.
 * @example manualSeed(42); const a = randn([2, 3]);
 */
export function manualSeed(seed: number): void {
  defaultGenerator.seed(seed);
}

/** The default generator's state (for checkpoints). */
export function getRngState(): number[] {
  return defaultGenerator.getState();
}

/** Restores the default generator's state saved by `getRngState()`. */
export function setRngState(state: readonly number[]): void {
  defaultGenerator.setState(state);
}
