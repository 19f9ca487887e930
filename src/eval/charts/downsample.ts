// Downsampling long curves before they go into a chart, so that a ROC curve of a million samples
// makes an SVG of a few tens of kilobytes rather than tens of megabytes.
//
// The method is Ramer-Douglas-Peucker in the unit square (each axis scaled by its data range): a
// point is dropped only when the line through the points kept around it passes within `tolerance`
// of it (default 0.0005 of the axis range, well under a pixel at chart sizes). Every kept point is
// an original vertex, in the original order, so the corners of a step curve (ROC, precision-recall)
// that are visible stay exactly where they were; runs of collinear points (the horizontal and
// vertical stretches of a step curve) collapse to their ends at no loss at all. If more than
// `maxPoints` points remain, the tolerance is raised to the smallest value that keeps `maxPoints`
// (the same RDP at a coarser tolerance), so the size of the output is bounded.

/** How a curve is simplified. */
export interface DownsampleOptions {
  /** The most points kept per curve. Default 2000. */
  maxPoints?: number;
  /** Largest distance, as a fraction of the axis ranges, between a dropped point and the drawn line. Default 0.0005. */
  tolerance?: number;
}

/**
 * The indices (ascending) of the points of the curve (x[i], y[i]) to keep: all of them when there are
 * at most `maxPoints`, else the Ramer-Douglas-Peucker simplification described above. NaN points are
 * not expected (callers filter them).
 *
 * @example
 * const keep = downsampleCurve(fpr, tpr);               // Int32Array of indices, first and last included
 * const xs = Array.from(keep, (i) => fpr[i]);
 */
export function downsampleCurve(x: ArrayLike<number>, y: ArrayLike<number>, options: DownsampleOptions = {}): Int32Array {
  const { maxPoints = 2000, tolerance = 0.0005 } = options;
  if (!Number.isInteger(maxPoints) || maxPoints < 2)
    throw new RangeError(`downsampleCurve: maxPoints must be an integer >= 2, got ${maxPoints}`);
  if (!(tolerance >= 0)) throw new RangeError(`downsampleCurve: tolerance must be >= 0, got ${tolerance}`);
  if (x.length !== y.length) throw new RangeError(`downsampleCurve: x and y must have the same length, got ${x.length} and ${y.length}`);
  const n = x.length;
  if (n <= maxPoints) return Int32Array.from({ length: n }, (_, i) => i);

  const xs = unitScaled(x);
  const ys = unitScaled(y);
  // importance[k]: the largest tolerance at which RDP keeps point k (0: dropped at `tolerance`)
  const importance = new Float64Array(n);
  importance[0] = importance[n - 1] = Number.POSITIVE_INFINITY;
  const tol2 = tolerance * tolerance;
  const stack: number[] = [0, n - 1];
  const caps: number[] = [Number.POSITIVE_INFINITY];
  while (caps.length > 0) {
    const cap = caps.pop()!;
    const b = stack.pop()!;
    const a = stack.pop()!;
    if (b - a < 2) continue;
    let best = -1;
    let bestD2 = tol2;
    const ax = xs[a];
    const ay = ys[a];
    const dx = xs[b] - ax;
    const dy = ys[b] - ay;
    const len2 = dx * dx + dy * dy;
    for (let k = a + 1; k < b; k++) {
      // squared distance from point k to the segment a-b
      let px = xs[k] - ax;
      let py = ys[k] - ay;
      if (len2 > 0) {
        const t = Math.min(1, Math.max(0, (px * dx + py * dy) / len2));
        px -= t * dx;
        py -= t * dy;
      }
      const d2 = px * px + py * py;
      if (d2 > bestD2) {
        bestD2 = d2;
        best = k;
      }
    }
    if (best < 0) continue; // every point within tolerance of the chord: all dropped
    const imp = Math.min(Math.sqrt(bestD2), cap);
    importance[best] = imp;
    stack.push(a, best, best, b);
    caps.push(imp, imp);
  }

  let kept = 0;
  for (let i = 0; i < n; i++) if (importance[i] > 0) kept++;
  let threshold = 0; // keep importance > threshold
  if (kept > maxPoints) {
    const values = new Float64Array(kept);
    let j = 0;
    for (let i = 0; i < n; i++) if (importance[i] > 0) values[j++] = importance[i];
    values.sort();
    threshold = values[kept - maxPoints]; // keeps at most maxPoints (fewer on ties)
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (importance[i] > threshold) out.push(i);
  return Int32Array.from(out);
}

/** `v` mapped linearly onto [0, 1] (a constant array onto 0). */
function unitScaled(v: ArrayLike<number>): Float64Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) {
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  const span = hi > lo ? hi - lo : 1;
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] - lo) / span;
  return out;
}
