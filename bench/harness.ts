// Timing for the benchmarks: warm-up, an adaptive number of timed samples, and robust statistics.
// Every framework is timed by the same procedure: JavaScript peers by `measure` below, PyTorch by
// its mirror `measure` in bench/peers/torch.py (keep the two in step). Only per-call times cross
// over, so the statistics are computed in one place (`summarize`).

/** How a measurement is planned. Quick runs use a smaller budget (see QUICK_POLICY). */
export interface TimingPolicy {
  /** Warm-up: at least this many calls (JIT tiers, caches, allocator pools)... */
  warmupCalls: number;
  /** ...and until this much time has passed, unless one call is already longer than `targetMs`. */
  warmupMs: number;
  /** Total timed work to aim for per measurement, in ms. */
  targetMs: number;
  /** Bounds on the number of timed samples (the median is taken over them). */
  minSamples: number;
  maxSamples: number;
  /** Samples for calls longer than `targetMs`: few, but still a median. */
  slowSamples: number;
  /** One sample repeats the call until it lasts about this long, so µs-scale ops are measurable. */
  minSampleMs: number;
  /** Cap on one measurement, warm-up included: very slow calls get fewer samples (at least 1). */
  maxTotalMs: number;
}

/** The default run: medians of 7-40 samples of >= 10 ms each, about 1.5 s of timed work per cell. */
export const FULL_POLICY: TimingPolicy = {
  warmupCalls: 2,
  warmupMs: 200,
  targetMs: 1500,
  minSamples: 7,
  maxSamples: 40,
  slowSamples: 3,
  minSampleMs: 10,
  maxTotalMs: 60_000,
};

/** `--quick`: medians of 5-15 samples, about 0.3 s of timed work per cell. */
export const QUICK_POLICY: TimingPolicy = {
  warmupCalls: 1,
  warmupMs: 50,
  targetMs: 300,
  minSamples: 5,
  maxSamples: 15,
  slowSamples: 3,
  minSampleMs: 5,
  maxTotalMs: 20_000,
};

/** Summary of per-call times, in ms. */
export interface Stats {
  medianMs: number;
  p25Ms: number;
  p75Ms: number;
  minMs: number;
  /** Interquartile range over the median: the run's noise. */
  spread: number;
  samples: number;
  /** Calls timed together in each sample (> 1 for µs-scale ops). */
  callsPerSample: number;
  /** The calls were so slow that the warm-up calls themselves are the samples. */
  fromWarmup: boolean;
}

/** The plan for a call that takes about `estMs`: calls per sample and number of samples. */
export function plan(estMs: number, policy: TimingPolicy): { inner: number; samples: number } {
  const est = Math.max(estMs, 1e-6);
  const inner = Math.max(1, Math.ceil(policy.minSampleMs / est));
  if (est > policy.targetMs) return { inner, samples: policy.slowSamples };
  const samples = Math.round(policy.targetMs / (est * inner));
  return { inner, samples: Math.min(policy.maxSamples, Math.max(policy.minSamples, samples)) };
}

/** Calls a measurement makes when one call takes `estMs` (used to skip hopeless cases up front). */
export function plannedCalls(estMs: number, policy: TimingPolicy): number {
  const { inner, samples } = plan(estMs, policy);
  const warmup = estMs > policy.targetMs ? 1 : Math.max(policy.warmupCalls, Math.ceil(policy.warmupMs / Math.max(estMs, 1e-6)));
  return warmup + inner * samples;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Median, quartiles and spread of per-call times (ms). */
export function summarize(perCallMs: readonly number[], callsPerSample: number, fromWarmup = false): Stats {
  if (perCallMs.length === 0) throw new RangeError('summarize: no samples');
  const s = [...perCallMs].sort((a, b) => a - b);
  const medianMs = quantile(s, 0.5);
  const p25Ms = quantile(s, 0.25);
  const p75Ms = quantile(s, 0.75);
  return {
    medianMs,
    p25Ms,
    p75Ms,
    minMs: s[0],
    spread: medianMs > 0 ? (p75Ms - p25Ms) / medianMs : 0,
    samples: s.length,
    callsPerSample,
    fromWarmup,
  };
}

const now = (): number => performance.now();
/** Lets the event loop turn between samples (outside the timed region): finalizers and GC may run. */
const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Times `fn` as planned by `policy`: warm-up, then samples of `inner` back-to-back calls each.
 * An `fn` that returns a Promise (an asynchronous API such as onnxruntime's) is awaited per call.
 * @returns statistics of the per-call time (sample time / inner).
 * @example const stats = await measure(() => matmul(a, b).dispose(), FULL_POLICY);
 */
export async function measure(fn: () => unknown, policy: TimingPolicy): Promise<Stats> {
  // Warm-up; the estimate is the median of the last few warm-up calls.
  const recent: number[] = [];
  const start = now();
  for (let calls = 0; ; calls++) {
    if (calls >= policy.warmupCalls && now() - start >= policy.warmupMs) break;
    if (calls >= 1 && recent[recent.length - 1] > policy.targetMs) break;
    if (calls >= 1_000_000) break;
    const t0 = now();
    const r = fn();
    if (r instanceof Promise) await r;
    recent.push(now() - t0);
    if (recent.length > 5) recent.shift();
  }
  const est = [...recent].sort((a, b) => a - b)[recent.length >> 1];
  const { inner, samples: planned } = plan(est, policy);
  const left = policy.maxTotalMs - (now() - start);
  // No time left for even one sample: the (few, slow) warm-up calls are the measurement.
  if (est * inner > left) return summarize(recent, 1, true);
  const samples = Math.max(1, Math.min(planned, Math.floor(left / (est * inner))));
  const perCall: number[] = [];
  for (let s = 0; s < samples; s++) {
    await breathe();
    const t0 = now();
    for (let i = 0; i < inner; i++) {
      const r = fn();
      if (r instanceof Promise) await r;
    }
    perCall.push((now() - t0) / inner);
  }
  return summarize(perCall, inner);
}
