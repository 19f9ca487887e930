"""The timing loop of the Python peers (torch.py, sklearn_metrics.py): the same policy as `measure`
in bench/harness.ts, so every column of a benchmark is timed alike. Keep the two in step."""
import math
import time


def measure(fn, policy):
    """Warm-up, then samples of `inner` back-to-back calls; returns (per-call ms, inner, from_warmup)."""
    recent = []
    start = time.perf_counter()
    calls = 0
    while True:
        if calls >= policy["warmupCalls"] and (time.perf_counter() - start) * 1e3 >= policy["warmupMs"]:
            break
        if calls >= 1 and recent[-1] > policy["targetMs"]:
            break
        if calls >= 1_000_000:
            break
        t0 = time.perf_counter()
        fn()
        recent.append((time.perf_counter() - t0) * 1e3)
        recent = recent[-5:]
        calls += 1
    est = max(sorted(recent)[len(recent) >> 1], 1e-6)
    inner = max(1, math.ceil(policy["minSampleMs"] / est))
    if est > policy["targetMs"]:
        samples = policy["slowSamples"]
    else:
        samples = min(policy["maxSamples"], max(policy["minSamples"], round(policy["targetMs"] / (est * inner))))
    left = policy["maxTotalMs"] - (time.perf_counter() - start) * 1e3
    if est * inner > left:  # no time left for one sample: the slow warm-up calls are the measurement
        return recent, 1, True
    samples = max(1, min(samples, math.floor(left / (est * inner))))
    per_call = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        per_call.append((time.perf_counter() - t0) * 1e3 / inner)
    return per_call, inner, False
