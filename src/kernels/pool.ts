// Max and average 2-D pooling, forward and backward, on a range of (n, c) planes [p0, p1).
// Geometry is a struct of 13 i32 at `g` (Pool2dGeom order): n c h w oh ow kh kw strideH strideW
// padH padW countIncludePad. Max pooling records the flat in-plane index of each max; windows
// visit taps row by row and a NaN wins, matching the reference backend.
import { at } from './simd';

// @ts-ignore: decorator
@inline function gi(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/**
 * Whether tap value `v` replaces the window's `best` so far: when it is larger, or when it is the
 * first NaN (once best is NaN nothing replaces it). Used through select, without branches: the
 * comparisons are unpredictable.
 */
// @ts-ignore: decorator
@inline function wins(v: f32, best: f32): bool {
  // biome-ignore lint/suspicious/noSelfCompare: x != x is the branch-free NaN test
  return (v > best) | ((v != v) & (best == best));
}

/** y and indices (planes, oh, ow) = max over each window of x (planes, h, w). */
export function maxPool2d(g: usize, x: usize, y: usize, idx: usize, p0: i32, p1: i32): void {
  const h = gi(g, 2), w = gi(g, 3), oh = gi(g, 4), ow = gi(g, 5), kh = gi(g, 6), kw = gi(g, 7);
  const sh = gi(g, 8), sw = gi(g, 9), ph = gi(g, 10), pw = gi(g, 11);
  if (kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && 2 * oh <= h && 2 * ow <= w) {
    maxPool2x2(x, y, idx, p0, p1, h, w, oh, ow);
    return;
  }
  for (let p = p0; p < p1; p++) {
    const xp = at(x, p * h * w);
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - ph;
      const ya = max(y0, 0), yb = min(y0 + kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pw;
        const xa = max(x0, 0), xb = min(x0 + kw, w);
        let best: f32 = -Infinity;
        let arg = ya < yb && xa < xb ? ya * w + xa : 0;
        for (let iy = ya; iy < yb; iy++) {
          for (let ix = xa; ix < xb; ix++) {
            const v = load<f32>(at(xp, iy * w + ix));
            const take = wins(v, best);
            best = select<f32>(v, best, take);
            arg = select<i32>(iy * w + ix, arg, take);
          }
        }
        const o = (p * oh + oy) * ow + ox;
        store<f32>(at(y, o), best);
        store<i32>(at(idx, o), arg);
      }
    }
  }
}

/** Vector `wins`: per lane, whether tap `v` replaces `best` (larger, or the first NaN). */
// @ts-ignore: decorator
@inline function vwins(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
}

/**
 * The common 2x2, stride-2, unpadded case: four taps in row-major order, same rule as above. Four
 * outputs at a time: the even and odd columns of 8 inputs are the windows' left and right taps.
 */
function maxPool2x2(x: usize, y: usize, ind: usize, p0: i32, p1: i32, h: i32, w: i32, oh: i32, ow: i32): void {
  const ow4 = ow & ~3;
  const step = i32x4(0, 2, 4, 6);
  const right = i32x4.splat(1);
  const below = i32x4.splat(w);
  for (let p = p0; p < p1; p++) {
    const xp = at(x, p * h * w);
    let o = p * oh * ow;
    for (let oy = 0; oy < oh; oy++) {
      const i0 = 2 * oy * w;
      let ox = 0;
      for (; ox < ow4; ox += 4, o += 4) {
        const a = i0 + 2 * ox;
        const top0 = v128.load(at(xp, a));
        const top1 = v128.load(at(xp, a + 4));
        const bot0 = v128.load(at(xp, a + w));
        const bot1 = v128.load(at(xp, a + w + 4));
        const ia = i32x4.add(i32x4.splat(a), step); // (a, a+2, a+4, a+6): each window's top-left
        let best = v128.shuffle<f32>(top0, top1, 0, 2, 4, 6);
        let arg = ia;
        let v = v128.shuffle<f32>(top0, top1, 1, 3, 5, 7);
        let take = vwins(v, best);
        best = v128.bitselect(v, best, take);
        arg = v128.bitselect(i32x4.add(ia, right), arg, take);
        v = v128.shuffle<f32>(bot0, bot1, 0, 2, 4, 6);
        take = vwins(v, best);
        best = v128.bitselect(v, best, take);
        arg = v128.bitselect(i32x4.add(ia, below), arg, take);
        v = v128.shuffle<f32>(bot0, bot1, 1, 3, 5, 7);
        take = vwins(v, best);
        best = v128.bitselect(v, best, take);
        arg = v128.bitselect(i32x4.add(i32x4.add(ia, below), right), arg, take);
        v128.store(at(y, o), best);
        v128.store(at(ind, o), arg);
      }
      for (; ox < ow; ox++, o++) {
        const a = i0 + 2 * ox;
        let best = load<f32>(at(xp, a));
        let arg = a;
        let v = load<f32>(at(xp, a + 1));
        let take = wins(v, best);
        best = select<f32>(v, best, take);
        arg = select<i32>(a + 1, arg, take);
        v = load<f32>(at(xp, a + w));
        take = wins(v, best);
        best = select<f32>(v, best, take);
        arg = select<i32>(a + w, arg, take);
        v = load<f32>(at(xp, a + w + 1));
        take = wins(v, best);
        best = select<f32>(v, best, take);
        arg = select<i32>(a + w + 1, arg, take);
        store<f32>(at(y, o), best);
        store<i32>(at(ind, o), arg);
      }
    }
  }
}

/** gx (planes, h, w) = sum of gy over the windows' recorded max positions. */
export function maxPool2dBackward(g: usize, gy: usize, idx: usize, gx: usize, p0: i32, p1: i32): void {
  const h = gi(g, 2), w = gi(g, 3), ohw = gi(g, 4) * gi(g, 5);
  memory.fill(at(gx, p0 * h * w), 0, <usize>((p1 - p0) * h * w) << 2);
  for (let p = p0; p < p1; p++) {
    const gp = at(gx, p * h * w);
    for (let j = 0; j < ohw; j++) {
      const o = p * ohw + j;
      const q = at(gp, load<i32>(at(idx, o)));
      store<f32>(q, load<f32>(q) + load<f32>(at(gy, o)));
    }
  }
}

/** Divisor of the window at (y0, x0): in-bounds taps, or the window clipped to the padded input. */
// @ts-ignore: decorator
@inline function divisor(g: usize, y0: i32, x0: i32, ya: i32, yb: i32, xa: i32, xb: i32): f32 {
  if (gi(g, 12) == 0) return <f32>(max(0, yb - ya) * max(0, xb - xa));
  const h = gi(g, 2), w = gi(g, 3), kh = gi(g, 6), kw = gi(g, 7), ph = gi(g, 10), pw = gi(g, 11);
  return <f32>((min(y0 + kh, h + ph) - y0) * (min(x0 + kw, w + pw) - x0));
}

/** y (planes, oh, ow) = mean over each window of x (planes, h, w). */
export function avgPool2d(g: usize, x: usize, y: usize, p0: i32, p1: i32): void {
  const h = gi(g, 2), w = gi(g, 3), oh = gi(g, 4), ow = gi(g, 5), kh = gi(g, 6), kw = gi(g, 7);
  const sh = gi(g, 8), sw = gi(g, 9), ph = gi(g, 10), pw = gi(g, 11);
  for (let p = p0; p < p1; p++) {
    const xp = at(x, p * h * w);
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - ph;
      const ya = max(y0, 0), yb = min(y0 + kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pw;
        const xa = max(x0, 0), xb = min(x0 + kw, w);
        let s: f32 = 0;
        for (let iy = ya; iy < yb; iy++) for (let ix = xa; ix < xb; ix++) s += load<f32>(at(xp, iy * w + ix));
        store<f32>(at(y, (p * oh + oy) * ow + ox), s / divisor(g, y0, x0, ya, yb, xa, xb));
      }
    }
  }
}

/** gx (planes, h, w) = each window's gy spread evenly over its taps. */
export function avgPool2dBackward(g: usize, gy: usize, gx: usize, p0: i32, p1: i32): void {
  const h = gi(g, 2), w = gi(g, 3), oh = gi(g, 4), ow = gi(g, 5), kh = gi(g, 6), kw = gi(g, 7);
  const sh = gi(g, 8), sw = gi(g, 9), ph = gi(g, 10), pw = gi(g, 11);
  memory.fill(at(gx, p0 * h * w), 0, <usize>((p1 - p0) * h * w) << 2);
  for (let p = p0; p < p1; p++) {
    const gp = at(gx, p * h * w);
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - ph;
      const ya = max(y0, 0), yb = min(y0 + kh, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pw;
        const xa = max(x0, 0), xb = min(x0 + kw, w);
        const v = load<f32>(at(gy, (p * oh + oy) * ow + ox)) / divisor(g, y0, x0, ya, yb, xa, xb);
        for (let iy = ya; iy < yb; iy++) {
          for (let ix = xa; ix < xb; ix++) {
            const q = at(gp, iy * w + ix);
            store<f32>(q, load<f32>(q) + v);
          }
        }
      }
    }
  }
}
