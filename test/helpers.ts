// Shared test utilities: a seeded RNG for shapes and values, tensors built in a chosen memory
// layout (contiguous, transposed, strided, expanded), allclose with messages that locate the
// first mismatch, a finite-difference gradient checker that runs on the reference device, and
// runners that repeat a test on every device (values read back through the device: data()).

import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { TypedArray } from '../src/core/dtype.js';
import {
  type DType,
  getDefaultDevice,
  listDevices,
  noGrad,
  ReferenceDevice,
  registerDevice,
  setDefaultDevice,
  type Tensor,
  tensor,
} from '../src/index.js';

// ---- seeded randomness --------------------------------------------------------------------

/**
 * How a test draws shapes: 'small' (dims 2..4), 'ones' (many size-1 dims, for broadcasting),
 * 'empty' (one dim of size 0 where the op allows it), 'large' (up to ~20,000 elements, odd sizes:
 * reaches the main loops, tails and blocking of SIMD and multi-threaded kernels).
 */
export type ShapeMode = 'small' | 'ones' | 'empty' | 'large';

/** Dim ranges [lo, hi) by rank in 'large' mode. */
const LARGE_DIMS: readonly (readonly [number, number])[] = [
  [1, 2],
  [300, 20000],
  [17, 142],
  [5, 28],
  [3, 13],
];

/** A small seeded generator (mulberry32), independent of the library's own. */
export class Rng {
  private s: number;
  mode: ShapeMode = 'small';

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** An integer in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length)];
  }

  shuffle<T>(xs: readonly T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /**
   * A random shape of `rank` drawn according to `mode`; dims listed in `nonEmpty` never get size 0
   * (reduced dims of max/min, a softmax's classes...), and `min` bounds every dim from below.
   */
  shape(rank: number, opts: { nonEmpty?: readonly number[]; min?: number; max?: number } = {}): number[] {
    const { nonEmpty = [], min = 1, max = 4 } = opts;
    const dims = Array.from({ length: rank }, () => {
      if (this.mode === 'large') return this.int(...(LARGE_DIMS[rank] ?? [2, 7]));
      if (this.mode === 'ones' && this.chance(0.5)) return Math.max(1, min);
      return this.int(Math.max(min, this.mode === 'small' ? 2 : 1), max + 1);
    });
    const candidates = dims.map((_, i) => i).filter((i) => !nonEmpty.includes(i) && !nonEmpty.includes(i - rank));
    if (this.mode === 'empty' && candidates.length > 0) dims[this.pick(candidates)] = 0;
    return dims;
  }

  /** A rank in [lo, hi); at least 1 in 'large' mode, where a scalar would be wasted. */
  rank(lo: number, hi: number): number {
    return this.int(this.mode === 'large' ? Math.max(lo, 1) : lo, hi);
  }

  /** An integer in [lo, hi), or in [largeLo, largeHi) in 'large' mode. */
  size(lo: number, hi: number, largeLo: number, largeHi: number): number {
    return this.mode === 'large' ? this.int(largeLo, largeHi) : this.int(lo, hi);
  }

  /** A shape that broadcasts with `shape`: some leading dims dropped, some dims set to 1. */
  broadcastOf(shape: readonly number[]): number[] {
    const drop = this.int(0, shape.length + 1);
    return shape.slice(drop).map((d) => (this.chance(this.mode === 'ones' ? 0.5 : 0.3) ? 1 : d));
  }
}

/** A stable 32-bit hash of a string, to seed each test case differently. */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

// ---- input data ---------------------------------------------------------------------------

/** Values of a tensor to build, in logical row-major order. */
export interface Data {
  shape: number[];
  dtype: DType;
  values: number[];
  /** Float data gets requiresGrad in gradient tests unless this is false. */
  grad?: boolean;
  /** The exact values matter (no ties allowed, indices...): never made constant along a dim. */
  keep?: boolean;
  /** Set by `expandable`: the dim along which the values are constant. */
  expandDim?: number;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Uniform float32 values in [lo, hi). */
export function floats(r: Rng, shape: number[], lo = -2, hi = 2): Data {
  return { shape, dtype: 'float32', values: Array.from({ length: size(shape) }, () => r.uniform(lo, hi)) };
}

/** Floats in [lo, hi) with magnitude at least `margin` and a random sign (for 1/x, kinks at 0). */
export function awayFromZero(r: Rng, shape: number[], margin = 0.3, hi = 2): Data {
  return { shape, dtype: 'float32', values: Array.from({ length: size(shape) }, () => (r.chance(0.5) ? -1 : 1) * r.uniform(margin, hi)) };
}

/**
 * Pairwise distinct floats at least `gap` apart and at least gap/4 away from 0, in shuffled order:
 * no ties for max/min/maxPool/argmax, no kinks of relu/abs within a finite-difference step.
 */
export function distinct(r: Rng, shape: number[], gap = 0.1): Data {
  const n = size(shape);
  const values = r.shuffle(Array.from({ length: n }, (_, i) => (i - Math.floor(n / 2) + 0.3) * gap));
  return { shape, dtype: 'float32', values, keep: true };
}

/** int32 values in [lo, hi). */
export function ints(r: Rng, shape: number[], lo: number, hi: number): Data {
  return { shape, dtype: 'int32', values: Array.from({ length: size(shape) }, () => r.int(lo, hi)) };
}

/** Random booleans. */
export function bools(r: Rng, shape: number[], p = 0.5): Data {
  return { shape, dtype: 'bool', values: Array.from({ length: size(shape) }, () => (r.chance(p) ? 1 : 0)) };
}

/** Data given explicitly. */
export function data(shape: number[], values: number[], dtype: DType = 'float32'): Data {
  return { shape, dtype, values };
}

/** The same data with a dim of size > 1 made constant, so it can be built as an expanded view. */
export function expandable(d: Data, r: Rng): Data {
  const dims = d.shape.map((_, i) => i).filter((i) => d.shape[i] > 1);
  if (d.keep || dims.length === 0) return d;
  const dim = r.pick(dims);
  const inner = size(d.shape.slice(dim + 1));
  const n = d.shape[dim];
  const values = d.values.map((_, i) => {
    const outerIdx = Math.floor(i / (inner * n));
    return d.values[outerIdx * inner * n + (i % inner)];
  });
  return { ...d, values, expandDim: dim };
}

// ---- layouts ------------------------------------------------------------------------------

/** How a tensor's values sit in memory. All four hold the same logical values. */
export type Layout = 'contiguous' | 'transposed' | 'strided' | 'expanded';
export const LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'strided', 'expanded'];

function typed(dtype: DType, values: ArrayLike<number>): Float32Array | Int32Array | Uint8Array {
  return dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
}

function contiguousTensor(shape: readonly number[], dtype: DType, values: ArrayLike<number>): Tensor {
  return tensor(typed(dtype, values), { dtype }).reshape([...shape]);
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i];
  }
  return out;
}

/** Values marking memory outside a strided view: reading them is a bug that shows in results. */
const SENTINEL: Record<DType, number> = { float32: Number.NaN, int32: 1 << 20, bool: 1 };

/**
 * A leaf tensor holding `d`'s values in `layout`:
 *  - transposed: stored with the last two dims swapped, then viewed through `.transpose()`;
 *  - strided: every dim sliced with step 2 (offset 1) from a larger buffer of sentinels;
 *  - expanded: a size-1 dim broadcast with stride 0 (needs `expandable` data; else contiguous).
 * Layouts a shape cannot have (transposing a vector) fall back to the next simplest one.
 */
export function makeTensor(d: Data, layout: Layout = 'contiguous', requiresGrad = false): Tensor {
  const rank = d.shape.length;
  let t: Tensor;
  if (layout === 'transposed' && rank >= 2) {
    const swapped = [...d.shape.slice(0, -2), d.shape[rank - 1], d.shape[rank - 2]];
    const [m, n] = [d.shape[rank - 2], d.shape[rank - 1]];
    const values = new Array<number>(d.values.length);
    for (let i = 0; i < d.values.length; i++) {
      const b = Math.floor(i / (m * n));
      const row = Math.floor(i / n) % m;
      const col = i % n;
      values[b * m * n + col * m + row] = d.values[i];
    }
    t = contiguousTensor(swapped, d.dtype, values).transpose(-2, -1);
  } else if ((layout === 'strided' || layout === 'transposed') && rank >= 1) {
    const big = d.shape.map((n) => 2 * n + 1);
    const values = new Array<number>(size(big)).fill(SENTINEL[d.dtype]);
    const bigStrides = stridesOf(big);
    const strides = stridesOf(d.shape);
    for (let i = 0; i < d.values.length; i++) {
      let at = 0;
      for (let k = 0; k < rank; k++) at += (1 + 2 * (Math.floor(i / strides[k]) % d.shape[k])) * bigStrides[k];
      values[at] = d.values[i];
    }
    t = contiguousTensor(big, d.dtype, values).slice(...d.shape.map((n) => [1, 1 + 2 * n, 2] as const));
  } else if (layout === 'expanded' && d.expandDim !== undefined) {
    const dim = d.expandDim;
    const baseShape = d.shape.map((n, i) => (i === dim ? 1 : n));
    const inner = size(d.shape.slice(dim + 1));
    const values = d.values.filter((_, i) => Math.floor(i / inner) % d.shape[dim] === 0);
    t = contiguousTensor(baseShape, d.dtype, values).expand(d.shape);
  } else {
    t = contiguousTensor(d.shape, d.dtype, d.values);
  }
  t = t.detach();
  if (requiresGrad) t.requiresGrad_(true);
  return t;
}

// ---- comparison ---------------------------------------------------------------------------

/** A tensor's contents read back: shape, dtype and values as float64. */
export interface Snapshot {
  shape: number[];
  dtype: DType;
  values: Float64Array;
}

export function snapshot(t: Tensor): Snapshot {
  return { shape: [...t.shape], dtype: t.dtype, values: Float64Array.from(t.toTypedArray()) };
}

/** snapshot through the device's asynchronous read (works on every device). */
export async function snapshotAsync(t: Tensor): Promise<Snapshot> {
  return { shape: [...t.shape], dtype: t.dtype, values: Float64Array.from(await t.data()) };
}

export interface Tolerance {
  /** Relative tolerance. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-6. */
  atol?: number;
}

function position(shape: readonly number[], flat: number): string {
  const strides = stridesOf(shape);
  return `[${shape.map((n, k) => Math.floor(flat / strides[k]) % n).join(', ')}]`;
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| elementwise (NaN matches NaN, infinities
 * must match exactly), and that shapes and dtypes agree. The message names `label`, the first
 * mismatching position and how many elements differ.
 */
export function assertClose(
  actual: Tensor | Snapshot,
  expected: Tensor | Snapshot | number | readonly number[],
  label: string,
  tol: Tolerance = {},
): void {
  const { rtol = 1e-5, atol = 1e-6 } = tol;
  const a = 'values' in actual ? actual : snapshot(actual);
  let e: Snapshot;
  if (typeof expected === 'number') e = { shape: a.shape, dtype: a.dtype, values: Float64Array.from(a.values, () => expected) };
  else if (Array.isArray(expected)) e = { shape: a.shape, dtype: a.dtype, values: Float64Array.from(expected as number[]) };
  else e = 'values' in expected ? (expected as Snapshot) : snapshot(expected as Tensor);
  if (a.shape.length !== e.shape.length || a.shape.some((n, i) => n !== e.shape[i])) {
    assert.fail(`${label}: shape [${a.shape.join(', ')}], expected [${e.shape.join(', ')}]`);
  }
  if (a.dtype !== e.dtype) assert.fail(`${label}: dtype ${a.dtype}, expected ${e.dtype}`);
  if (a.values.length !== e.values.length) assert.fail(`${label}: ${a.values.length} values, expected ${e.values.length}`);
  let bad = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i];
    const y = e.values[i];
    const ok = Number.isNaN(y) ? Number.isNaN(x) : Number.isFinite(y) ? Math.abs(x - y) <= atol + rtol * Math.abs(y) : x === y;
    if (!ok) {
      bad++;
      if (first < 0) first = i;
      worst = Math.max(worst, Number.isNaN(x - y) ? Number.POSITIVE_INFINITY : Math.abs(x - y));
    }
  }
  if (bad > 0) {
    assert.fail(
      `${label}: ${bad} of ${a.values.length} elements differ (shape [${a.shape.join(', ')}]); first at ${position(a.shape, first)}: ` +
        `got ${a.values[first]}, expected ${e.values[first]} (max |diff| ${worst}, allowed ${atol} + ${rtol} * |expected|)`,
    );
  }
}

/**
 * Runs `fn` with device `name` as the default device (where creation ops put tensors),
 * restoring the previous one afterwards; awaits `fn` when it returns a promise.
 */
export function withDevice<T>(name: string, fn: () => T): T {
  const prev = getDefaultDevice();
  setDefaultDevice(name);
  let async = false;
  try {
    const out = fn();
    if (out instanceof Promise) {
      async = true;
      return out.finally(() => setDefaultDevice(prev)) as T;
    }
    return out;
  } finally {
    if (!async) setDefaultDevice(prev);
  }
}

/**
 * The reference device as a GPU is for reading: only `await t.data()` reads it (syncRead false),
 * and its readSync throws as well, so any synchronous read the engine itself makes of its tensors
 * (readValues: input checks, host-side losses) fails, as it will on WebGPU.
 */
class NoSyncReferenceDevice extends ReferenceDevice {
  override readSync(): TypedArray {
    throw new Error(`${this.name}: a synchronous read of this device's memory (the engine must compute on the device instead)`);
  }
  override async read(buffer: Parameters<ReferenceDevice['read']>[0], dtype: DType, offset: number, n: number): Promise<TypedArray> {
    return super.readSync(buffer, dtype, offset, n);
  }
}

/**
 * Registers (once) and names 'async-ref': the reference device read only asynchronously, refusing
 * synchronous reads by users and by the engine alike (see NoSyncReferenceDevice).
 * @example const dev = asyncRefDevice(); const x = randn([2, 3], { device: dev });
 */
export function asyncRefDevice(): string {
  if (!listDevices().includes('async-ref'))
    registerDevice('async-ref', () => new NoSyncReferenceDevice({ name: 'async-ref', syncRead: false }));
  return 'async-ref';
}

/**
 * The devices every device test runs on: the built-in ones and 'webgpu', which a test makes
 * ready with `await deviceReady(device, t)` (registered once, on first use, so a test file that
 * never runs on it never loads Dawn; skipped without an adapter, failed under CI=true).
 */
export const DEVICES: readonly string[] = ['cpu', 'reference', 'webgpu'];

/** How to get a WebGPU adapter here (skip messages). */
export const WEBGPU_WHAT =
  'a WebGPU adapter (npm install webgpu; on Linux without a GPU: apt-get install -t bookworm-backports mesa-vulkan-drivers)';

let webgpuReady: Promise<boolean> | null = null;

/**
 * Makes `device` usable: for 'webgpu', registers it once (`registerWebGpu()`); returns false,
 * having skipped `t`, when it has no adapter (under CI=true that fails instead: skipUnlessAvailable).
 * @example test('x', async (t) => { if (!(await deviceReady('webgpu', t))) return; ... })
 */
export async function deviceReady(device: string, t: { skip(message?: string): void }): Promise<boolean> {
  if (device !== 'webgpu') return true;
  if (webgpuReady === null) {
    const { registerWebGpu } = await import('../src/backend/webgpu/register.js');
    webgpuReady = registerWebGpu().then(
      () => true,
      () => false,
    );
  }
  return !skipUnlessAvailable(t, await webgpuReady, WEBGPU_WHAT);
}

/** Whether `device` is read only asynchronously (a GPU): tests then read with `await t.data()`. */
export function asyncOnly(device: string): boolean {
  return device === 'webgpu' || device === 'async-ref';
}

// ---- reads on a device read only asynchronously --------------------------------------------

const pendingReads: (() => Promise<void>)[] = [];

/**
 * Hands `fn` the values of `ts`: at once where they can be read synchronously, else (a GPU) a
 * snapshot taken now (a copy on the device, so later in-place updates do not show) read at the
 * next `await settleReads()`. Lets synchronous test code check values on every device.
 * @example withValues([y], ([v]) => assert.equal(v[0], 1)); ...; await settleReads();
 */
export function withValues(ts: readonly Tensor[], fn: (values: TypedArray[]) => void): void {
  if (ts.every((t) => t.storage.device.syncRead)) {
    fn(ts.map((t) => t.toTypedArray()));
    return;
  }
  const copies = noGrad(() => ts.map((t) => t.detach().clone()));
  pendingReads.push(async () => fn(await Promise.all(copies.map((c) => c.data()))));
}

/** Runs the checks withValues deferred, in order; the first failure throws (the rest are dropped). */
export async function settleReads(): Promise<void> {
  const todo = pendingReads.splice(0);
  for (const f of todo) await f();
}

// ---- finite differences -------------------------------------------------------------------

/** Tolerances default to atol 2e-4, rtol 2e-3 here: about 5x the worst error seen on smooth ops. */
export interface GradcheckOptions extends Tolerance {
  /** Half-width of the central difference. Default 1e-2 (inputs are float32). */
  eps?: number;
  /** Elements checked per input at most (a seeded random subset beyond). Default 128. */
  maxPerInput?: number;
  seed?: number;
  /** Device to check on. Default 'reference'. */
  device?: string;
  /**
   * `fn` draws random numbers: gradcheckAsync does not compare a device with its own generator
   * (a GPU) against the reference, only against finite differences on the device itself.
   */
  randomStream?: boolean;
}

/**
 * Compares the gradients that backward() gives `fn`'s inputs (the leaves with requiresGrad) with
 * central finite differences of L = sum(fn(inputs) * v) for a random upstream v, on the reference
 * device or `opts.device` (inputs elsewhere are copied there as new leaves; tensors `fn` creates
 * go there too).
 * L and the actual float32 step are taken in float64, so with a well-conditioned `fn`
 * the error is about eps^2 * f''' plus float32 rounding of the outputs over eps.
 * For functions linear in each input (matmul, conv, pooling, movement) any eps is exact: use eps 1.
 */
export function gradcheck(label: string, fn: (...xs: Tensor[]) => Tensor | Tensor[], given: Tensor[], opts: GradcheckOptions = {}): void {
  const { eps = 1e-2, rtol = 2e-3, atol = 2e-4, maxPerInput = 128, seed = 1, device = 'reference' } = opts;
  const inputs = given.map((x) => (x.device === device ? x : x.detach().to(device).requiresGrad_(x.requiresGrad)));
  withDevice(device, () => {
    const r = new Rng(seed);
    const outputs = (xs: Tensor[]) => {
      const out = fn(...xs);
      return Array.isArray(out) ? out : [out];
    };
    for (const x of inputs) x.grad = null;
    const outs = outputs(inputs);
    const ups = outs.map((o) => Float64Array.from({ length: o.size }, () => r.uniform(-1, 1)));
    const upTensors = outs.map((o, i) => contiguousTensor(o.shape, 'float32', ups[i]));
    // exactly the float32 values backward sees
    const upValues = upTensors.map((u) => Float64Array.from(u.toTypedArray()));
    if (outs.length === 1) outs[0].backward(upTensors[0]);
    else {
      let loss: Tensor | null = null;
      for (let i = 0; i < outs.length; i++) {
        if (!outs[i].requiresGrad) continue;
        const term = outs[i].mul(upTensors[i]).sum();
        loss = loss === null ? term : loss.add(term);
      }
      loss?.backward();
    }
    const objective = (xs: Tensor[]): number => {
      let s = 0;
      outputs(xs).forEach((o, i) => {
        const v = o.toTypedArray();
        for (let k = 0; k < v.length; k++) s += v[k] * upValues[i][k];
      });
      return s;
    };
    const failures: string[] = [];
    let checked = 0;
    noGrad(() => {
      inputs.forEach((x, which) => {
        if (!x.requiresGrad) return;
        const analytic = x.grad === null ? new Float64Array(x.size) : Float64Array.from(x.grad.toTypedArray());
        const base = x.toTypedArray() as Float32Array;
        let picks = Array.from({ length: x.size }, (_, i) => i);
        if (picks.length > maxPerInput) picks = r.shuffle(picks).slice(0, maxPerInput);
        for (const i of picks) {
          const at = (v: number) => {
            const values = Float32Array.from(base);
            values[i] = v;
            const xs = [...inputs];
            xs[which] = contiguousTensor(x.shape, 'float32', values);
            return objective(xs);
          };
          const hi = Math.fround(base[i] + eps);
          const lo = Math.fround(base[i] - eps);
          const numeric = (at(hi) - at(lo)) / (hi - lo);
          checked++;
          if (!(Math.abs(analytic[i] - numeric) <= atol + rtol * Math.abs(numeric))) {
            failures.push(
              `input ${which} (shape [${x.shape.join(', ')}]) at ${position(x.shape, i)}: backward ${analytic[i]}, finite difference ${numeric}`,
            );
          }
        }
      });
    });
    if (checked === 0) assert.fail(`gradcheck ${label}: no input requires grad`);
    if (failures.length > 0) {
      assert.fail(
        `gradcheck ${label}: ${failures.length} of ${checked} gradient elements differ (eps ${eps}, atol ${atol}, rtol ${rtol}):\n  ${failures.slice(0, 6).join('\n  ')}`,
      );
    }
  });
}

/**
 * gradcheck for a device read only asynchronously (a GPU): backward's gradients on `device` are
 * compared with the reference device's backward (the tolerance, 1e-4 relative plus 1e-5
 * absolute scaled by sqrt(K/256) for K-term sums) and with central finite differences taken on
 * `device` itself, through `await t.data()`, for up to `maxPerInput` elements per input (default
 * 16: each costs two forward passes and two reads).
 * @example await gradcheckAsync('exp', (x) => x.exp(), [x], { device: 'webgpu' });
 */
export async function gradcheckAsync(
  label: string,
  fn: (...xs: Tensor[]) => Tensor | Tensor[],
  given: Tensor[],
  opts: GradcheckOptions & { device: string },
): Promise<void> {
  const { eps = 1e-2, rtol = 2e-3, atol = 2e-4, maxPerInput = 16, seed = 1, device } = opts;
  const r = new Rng(seed);
  const outputs = (xs: Tensor[]) => {
    const out = fn(...xs);
    return Array.isArray(out) ? out : [out];
  };
  const upstream: Float64Array[] = [];
  const failures: string[] = [];
  // backward on the device and on the reference, with the same upstream gradients
  const grads = async (dev: string): Promise<(Float64Array | null)[]> =>
    withDevice(dev, async () => {
      const inputs = given.map((x) => (x.device === dev ? x : x.detach().to(dev).requiresGrad_(x.requiresGrad)));
      for (const x of inputs) x.grad = null;
      const outs = outputs(inputs);
      if (upstream.length === 0) for (const o of outs) upstream.push(Float64Array.from({ length: o.size }, () => r.uniform(-1, 1)));
      const ups = outs.map((o, i) => contiguousTensor(o.shape, 'float32', upstream[i]));
      let loss: Tensor | null = null;
      for (let i = 0; i < outs.length; i++) {
        if (!outs[i].requiresGrad) continue;
        const term = outs[i].mul(ups[i]).sum();
        loss = loss === null ? term : loss.add(term);
      }
      loss?.backward();
      return Promise.all(inputs.map(async (x) => (x.requiresGrad && x.grad !== null ? Float64Array.from(await x.grad.data()) : null)));
    });
  const want = await grads('reference');
  const got = await grads(device);
  const k = Math.max(256, ...given.map((x) => x.size));
  const gtol = { rtol: 1e-4, atol: 1e-5 * Math.sqrt(k / 256) };
  given.forEach((x, which) => {
    if (opts.randomStream) return;
    const [g, w] = [got[which], want[which]];
    if ((g === null) !== (w === null))
      failures.push(
        `input ${which}: gradient ${g === null ? 'missing' : 'present'} on '${device}', ${w === null ? 'none' : 'one'} on 'reference'`,
      );
    if (g === null || w === null) return;
    for (let i = 0; i < g.length; i++) {
      if (!(Math.abs(g[i] - w[i]) <= gtol.atol + gtol.rtol * Math.abs(w[i]))) {
        failures.push(
          `input ${which} (shape [${x.shape.join(', ')}]) at ${position(x.shape, i)}: '${device}' backward ${g[i]}, 'reference' ${w[i]}`,
        );
        break;
      }
    }
  });
  // finite differences on the device
  await withDevice(device, async () => {
    const inputs = given.map((x) => (x.device === device ? x.detach() : x.detach().to(device)));
    const upValues = upstream.map((u) => Float64Array.from(Float32Array.from(u)));
    const objective = async (xs: Tensor[]): Promise<number> => {
      const outs = noGrad(() => outputs(xs));
      let s = 0;
      for (const [i, o] of outs.entries()) {
        const v = await o.data();
        for (let j = 0; j < v.length; j++) s += v[j] * upValues[i][j];
      }
      return s;
    };
    for (const [which, x] of given.entries()) {
      if (!x.requiresGrad || got[which] === null) continue;
      const analytic = got[which] as Float64Array;
      const base = Float32Array.from(await inputs[which].data());
      let picks = Array.from({ length: x.size }, (_, i) => i);
      if (picks.length > maxPerInput) picks = r.shuffle(picks).slice(0, maxPerInput);
      for (const i of picks) {
        const at = (v: number) => {
          const values = Float32Array.from(base);
          values[i] = v;
          const xs = [...inputs];
          xs[which] = contiguousTensor(x.shape, 'float32', values);
          return objective(xs);
        };
        const hi = Math.fround(base[i] + eps);
        const lo = Math.fround(base[i] - eps);
        const numeric = ((await at(hi)) - (await at(lo))) / (hi - lo);
        if (!(Math.abs(analytic[i] - numeric) <= atol + rtol * Math.abs(numeric)))
          failures.push(
            `input ${which} (shape [${x.shape.join(', ')}]) at ${position(x.shape, i)}: backward ${analytic[i]}, finite difference on '${device}' ${numeric}`,
          );
      }
    }
  });
  if (failures.length > 0)
    assert.fail(`gradcheck ${label} on '${device}': ${failures.length} gradient checks failed:\n  ${failures.slice(0, 6).join('\n  ')}`);
}

// ---- optional components -------------------------------------------------------------------

/**
 * Skips test `t` when a component it needs (a data set, a browser, a database, a GPU adapter) is
 * missing, naming how to install it; under `CI=true`, where .ci/run installs every component, the
 * missing component fails the test instead, so a broken install step cannot pass as a skip.
 *
 * @example if (skipUnlessAvailable(t, existsSync(file), `${file} (apt-get install dataset-fashion-mnist)`)) return;
 */
export function skipUnlessAvailable(t: { skip(message?: string): void }, available: boolean, what: string): boolean {
  if (available) return false;
  if (process.env.CI === 'true') assert.fail(`${what} is missing, but CI=true: .ci/run must install it`);
  t.skip(`${what} is not installed`);
  return true;
}

/**
 * Wraps an async test body so that it runs once on every built-in device, as the default device
 * (so the tensors it creates live there), restoring the default device afterwards.
 *
 * @example test('gather on every device', onEveryDevice(async (device) => { ... }));
 */
export function onEveryDevice(fn: (device: string) => Promise<void>): (t: TestContext) => Promise<void> {
  return async (t) => {
    for (const d of DEVICES) {
      if (!(await deviceReady(d, { skip: (m) => t.diagnostic(`'${d}' skipped: ${m}`) }))) continue;
      assert.ok(listDevices().includes(d), `device '${d}' is not registered`);
      await withDevice(d, () => fn(d));
    }
  };
}
