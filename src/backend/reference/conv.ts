// Plain TypeScript convolution and pooling by direct loops: the oracle for the im2col kernels.
// Every tensor argument is a float32 array (int32 for indices) and an element offset into it.
import type { Conv2dGeom, Pool2dGeom } from '../backend.js';

/**
 * Visits every (output position, weight tap) pair of a grouped, strided, padded, dilated 2-D
 * convolution with the flat indices of the input (x), weight (w) and output (y) elements.
 */
function eachTap(g: Conv2dGeom, visit: (xi: number, wi: number, yi: number) => void): void {
  const cg = g.c / g.groups;
  const og = g.o / g.groups;
  for (let n = 0; n < g.n; n++) {
    for (let o = 0; o < g.o; o++) {
      const grp = Math.floor(o / og);
      for (let oy = 0; oy < g.oh; oy++) {
        for (let ox = 0; ox < g.ow; ox++) {
          const yi = ((n * g.o + o) * g.oh + oy) * g.ow + ox;
          for (let ci = 0; ci < cg; ci++) {
            const c = grp * cg + ci;
            for (let ky = 0; ky < g.kh; ky++) {
              const iy = oy * g.strideH - g.padH + ky * g.dilH;
              if (iy < 0 || iy >= g.h) continue;
              for (let kx = 0; kx < g.kw; kx++) {
                const ix = ox * g.strideW - g.padW + kx * g.dilW;
                if (ix < 0 || ix >= g.w) continue;
                visit(((n * g.c + c) * g.h + iy) * g.w + ix, ((o * cg + ci) * g.kh + ky) * g.kw + kx, yi);
              }
            }
          }
        }
      }
    }
  }
}

/** y (N, O, OH, OW) = conv2d(x, w) + bias (O, broadcast; 0 for none). */
export function refConv2d(
  xs: Float32Array,
  xb: number,
  ws: Float32Array,
  wb: number,
  bs: Float32Array | null,
  bb: number,
  ys: Float32Array,
  yb: number,
  g: Conv2dGeom,
): void {
  const plane = g.oh * g.ow;
  for (let n = 0; n < g.n; n++) {
    for (let o = 0; o < g.o; o++) {
      const at = yb + (n * g.o + o) * plane;
      ys.fill(bs === null ? 0 : bs[bb + o], at, at + plane);
    }
  }
  eachTap(g, (xi, wi, yi) => {
    ys[yb + yi] += xs[xb + xi] * ws[wb + wi];
  });
}

export function refConv2dBackwardInput(
  gys: Float32Array,
  gyb: number,
  ws: Float32Array,
  wb: number,
  gxs: Float32Array,
  gxb: number,
  g: Conv2dGeom,
): void {
  gxs.fill(0, gxb, gxb + g.n * g.c * g.h * g.w);
  eachTap(g, (xi, wi, yi) => {
    gxs[gxb + xi] += gys[gyb + yi] * ws[wb + wi];
  });
}

export function refConv2dBackwardWeight(
  xs: Float32Array,
  xb: number,
  gys: Float32Array,
  gyb: number,
  gws: Float32Array,
  gwb: number,
  g: Conv2dGeom,
): void {
  gws.fill(0, gwb, gwb + g.o * (g.c / g.groups) * g.kh * g.kw);
  eachTap(g, (xi, wi, yi) => {
    gws[gwb + wi] += xs[xb + xi] * gys[gyb + yi];
  });
}

/** Visits each pooling window: plane index, output flat index, and the in-bounds input taps. */
function eachWindow(g: Pool2dGeom, visit: (plane: number, yi: number, taps: number[], count: number) => void): void {
  const taps: number[] = [];
  for (let p = 0; p < g.n * g.c; p++) {
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++) {
        taps.length = 0;
        const y0 = oy * g.strideH - g.padH;
        const x0 = ox * g.strideW - g.padW;
        // window clipped to the padded input, as PyTorch counts it for countIncludePad
        const padCount = (Math.min(y0 + g.kh, g.h + g.padH) - y0) * (Math.min(x0 + g.kw, g.w + g.padW) - x0);
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = y0 + ky;
          if (iy < 0 || iy >= g.h) continue;
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = x0 + kx;
            if (ix < 0 || ix >= g.w) continue;
            taps.push(iy * g.w + ix);
          }
        }
        visit(p, (p * g.oh + oy) * g.ow + ox, taps, g.countIncludePad ? padCount : taps.length);
      }
    }
  }
}

export function refMaxPool2d(xs: Float32Array, xb: number, ys: Float32Array, yb: number, iv: Int32Array, ib: number, g: Pool2dGeom): void {
  const plane = g.h * g.w;
  eachWindow(g, (p, yi, taps) => {
    let best = -Infinity;
    let at = taps.length > 0 ? taps[0] : 0;
    for (const t of taps) {
      const v = xs[xb + p * plane + t];
      if (v > best || Number.isNaN(v)) {
        best = v;
        at = t;
        if (Number.isNaN(v)) break;
      }
    }
    ys[yb + yi] = best;
    iv[ib + yi] = at;
  });
}

export function refMaxPool2dBackward(
  gys: Float32Array,
  gyb: number,
  iv: Int32Array,
  ib: number,
  gxs: Float32Array,
  gxb: number,
  g: Pool2dGeom,
): void {
  const plane = g.h * g.w;
  const outPlane = g.oh * g.ow;
  gxs.fill(0, gxb, gxb + g.n * g.c * plane);
  for (let p = 0; p < g.n * g.c; p++) {
    for (let j = 0; j < outPlane; j++) {
      const yi = p * outPlane + j;
      gxs[gxb + p * plane + iv[ib + yi]] += gys[gyb + yi];
    }
  }
}

export function refAvgPool2d(xs: Float32Array, xb: number, ys: Float32Array, yb: number, g: Pool2dGeom): void {
  const plane = g.h * g.w;
  eachWindow(g, (p, yi, taps, count) => {
    let s = 0;
    for (const t of taps) s += xs[xb + p * plane + t];
    ys[yb + yi] = s / count;
  });
}

export function refAvgPool2dBackward(gys: Float32Array, gyb: number, gxs: Float32Array, gxb: number, g: Pool2dGeom): void {
  const plane = g.h * g.w;
  gxs.fill(0, gxb, gxb + g.n * g.c * plane);
  eachWindow(g, (p, yi, taps, count) => {
    const v = gys[gyb + yi] / count;
    for (const t of taps) gxs[gxb + p * plane + t] += v;
  });
}
