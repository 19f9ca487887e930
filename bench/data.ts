// Benchmark inputs: seeded random float32 data made once per case and handed to every framework,
// plus the layout changes a peer needs (TensorFlow.js convolves NHWC with HWIO filters).

/** A named input of a case: its shape and the distribution its values are drawn from. */
export interface InputSpec {
  name: string;
  shape: readonly number[];
  /** 'normal': N(0, 1); 'uniform': U(-1, 1); 'classes': integers 0..classes-1 (labels, stored as float32). */
  dist: 'normal' | 'uniform' | 'classes';
  /** Number of classes of a 'classes' input. */
  classes?: number;
  /** Multiplies every drawn value (e.g. 1/sqrt(fanIn) for initial weights). Default 1. */
  scale?: number;
}

/** The inputs of one case, by name: row-major float32 data of the spec's shape. */
export type CaseInputs = ReadonlyMap<string, { spec: InputSpec; data: Float32Array }>;

/** mulberry32: a small, fast, seedable generator of uniform numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** String hash (FNV-1a) so each case's inputs depend only on the case id, not on run order. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Fills a new array of `n` values drawn from `dist`. */
function draw(n: number, dist: InputSpec['dist'], rand: () => number, classes = 2): Float32Array {
  const out = new Float32Array(n);
  if (dist === 'classes') {
    for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * classes);
    return out;
  }
  if (dist === 'uniform') {
    for (let i = 0; i < n; i++) out[i] = rand() * 2 - 1;
    return out;
  }
  for (let i = 0; i < n; i += 2) {
    // Box-Muller: two normals from two uniforms.
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const th = 2 * Math.PI * rand();
    out[i] = r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

/** The inputs of case `caseId`, deterministic for a given id. */
export function makeInputs(caseId: string, specs: readonly InputSpec[]): CaseInputs {
  const rand = mulberry32(hash(caseId));
  const m = new Map<string, { spec: InputSpec; data: Float32Array }>();
  for (const spec of specs) {
    const data = draw(
      spec.shape.reduce((a, b) => a * b, 1),
      spec.dist,
      rand,
      spec.classes,
    );
    if (spec.scale !== undefined) for (let i = 0; i < data.length; i++) data[i] *= spec.scale;
    m.set(spec.name, { spec, data });
  }
  return m;
}

/** The input named `name`; throws when the case lacks it. */
export function input(inputs: CaseInputs, name: string): { spec: InputSpec; data: Float32Array } {
  const v = inputs.get(name);
  if (v === undefined) throw new Error(`bench: case has no input '${name}' (has ${[...inputs.keys()].join(', ')})`);
  return v;
}

/** (A, B, C, D) data permuted to (A, C, D, B): NCHW -> NHWC. */
export function nchwToNhwc(data: Float32Array, shape: readonly number[]): Float32Array {
  const [n, c, h, w] = shape;
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[((i * h + y) * w + x) * c + ch] = data[((i * c + ch) * h + y) * w + x];
  return out;
}

/** (O, I, KH, KW) data permuted to (KH, KW, I, O): OIHW -> HWIO, TensorFlow's filter layout. */
export function oihwToHwio(data: Float32Array, shape: readonly number[]): Float32Array {
  const [o, ci, kh, kw] = shape;
  const out = new Float32Array(data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < ci; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * ci + b) * o + a] = data[((a * ci + b) * kh + y) * kw + x];
  return out;
}

/** Sum of |v| over all outputs, in float64: a layout-independent fingerprint to compare frameworks. */
export function checksum(outputs: readonly ArrayLike<number>[]): number {
  let s = 0;
  for (const arr of outputs) for (let i = 0; i < arr.length; i++) s += Math.abs(arr[i]);
  return s;
}
