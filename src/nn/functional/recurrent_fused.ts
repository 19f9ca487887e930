// Fused pointwise parts of the LSTM and GRU cells: one op forward and one backward per time step
// instead of about a dozen of each (the gate slices, sigmoids, tanhs, products and sums). They
// compute on the host, so they serve devices whose memory reads synchronously (cpu, reference);
// elsewhere the cells use the composed ops of recurrent.ts, the reference these are tested against.

import { attach } from '../../core/autograd.js';
import { fromArray, readsOnHost, readValues } from '../../core/exec.js';
import type { Tensor } from '../../core/tensor.js';

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** A private copy of `t`'s values (a device may hand out a view of memory it later reuses). */
const valuesOf = (t: Tensor, op: string): Float32Array => Float32Array.from(readValues(t, op));

/** Whether the fused cells can run on the device holding `t` (its memory reads synchronously). */
export function canFuse(t: Tensor): boolean {
  return readsOnHost(t.storage.device);
}

/**
 * The LSTM cell after its matmuls: gates (B, 4H) pre-activations ordered (i, f, g, o) and c (B, H)
 * -> (B, 2H) holding [h, c'] with c' = f c + i g and h = o tanh(c').
 *
 * @example
 * const hc = lstmPointwise(add(xp, matmul(h, wHhT)), c); // narrow(hc, 1, 0, H) is h
 */
export function lstmPointwise(gates: Tensor, c: Tensor): Tensor {
  const [B, H4] = gates.shape;
  const H = H4 / 4;
  const gv = readValues(gates, 'lstmPointwise');
  const cv = valuesOf(c, 'lstmPointwise');
  const act = new Float32Array(B * H4); // i, f, g, o after their nonlinearities
  const tc = new Float32Array(B * H); // tanh(c')
  const out = new Float32Array(B * 2 * H);
  for (let b = 0; b < B; b++) {
    const r = b * H4;
    for (let j = 0; j < H; j++) {
      const i = sig(gv[r + j]);
      const f = sig(gv[r + H + j]);
      const g = Math.tanh(gv[r + 2 * H + j]);
      const o = sig(gv[r + 3 * H + j]);
      act[r + j] = i;
      act[r + H + j] = f;
      act[r + 2 * H + j] = g;
      act[r + 3 * H + j] = o;
      const c1 = f * cv[b * H + j] + i * g;
      const t = Math.tanh(c1);
      tc[b * H + j] = t;
      out[b * 2 * H + j] = o * t;
      out[b * 2 * H + H + j] = c1;
    }
  }
  const dev = gates.storage.device;
  const y = fromArray([B, 2 * H], out, 'float32', 'lstmPointwise', dev);
  return attach(y, 'lstmPointwise', [gates, c], (grad) => {
    const gr = readValues(grad, 'lstmPointwise backward');
    const dGates = new Float32Array(B * H4);
    const dC = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      const r = b * H4;
      for (let j = 0; j < H; j++) {
        const i = act[r + j];
        const f = act[r + H + j];
        const g = act[r + 2 * H + j];
        const o = act[r + 3 * H + j];
        const t = tc[b * H + j];
        const dh = gr[b * 2 * H + j];
        const dc = gr[b * 2 * H + H + j] + dh * o * (1 - t * t);
        dGates[r + j] = dc * g * i * (1 - i);
        dGates[r + H + j] = dc * cv[b * H + j] * f * (1 - f);
        dGates[r + 2 * H + j] = dc * i * (1 - g * g);
        dGates[r + 3 * H + j] = dh * t * o * (1 - o);
        dC[b * H + j] = dc * f;
      }
    }
    return [fromArray([B, H4], dGates, 'float32', 'lstmPointwise', dev), fromArray([B, H], dC, 'float32', 'lstmPointwise', dev)];
  });
}

/**
 * The GRU cell after its matmuls: xp = x W_ih^T + b_ih and hp = h W_hh^T + b_hh, both (B, 3H)
 * ordered (r, z, n), and h (B, H) -> h' = (1 - z) n + z h with n = tanh(xp_n + r hp_n).
 *
 * @example const h1 = gruPointwise(xp, add(matmul(h, wHhT), bHh), h);
 */
export function gruPointwise(xp: Tensor, hp: Tensor, h: Tensor): Tensor {
  const [B, H3] = xp.shape;
  const H = H3 / 3;
  const xv = readValues(xp, 'gruPointwise');
  const hv = valuesOf(hp, 'gruPointwise');
  const h0 = valuesOf(h, 'gruPointwise');
  const act = new Float32Array(B * H3); // r, z, n
  const out = new Float32Array(B * H);
  for (let b = 0; b < B; b++) {
    const r0 = b * H3;
    for (let j = 0; j < H; j++) {
      const r = sig(xv[r0 + j] + hv[r0 + j]);
      const z = sig(xv[r0 + H + j] + hv[r0 + H + j]);
      const n = Math.tanh(xv[r0 + 2 * H + j] + r * hv[r0 + 2 * H + j]);
      act[r0 + j] = r;
      act[r0 + H + j] = z;
      act[r0 + 2 * H + j] = n;
      out[b * H + j] = n + z * (h0[b * H + j] - n);
    }
  }
  const dev = xp.storage.device;
  const y = fromArray([B, H], out, 'float32', 'gruPointwise', dev);
  return attach(y, 'gruPointwise', [xp, hp, h], (grad) => {
    const gr = readValues(grad, 'gruPointwise backward');
    const dX = new Float32Array(B * H3);
    const dHp = new Float32Array(B * H3);
    const dH = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      const r0 = b * H3;
      for (let j = 0; j < H; j++) {
        const r = act[r0 + j];
        const z = act[r0 + H + j];
        const n = act[r0 + 2 * H + j];
        const g = gr[b * H + j];
        const dn = g * (1 - z) * (1 - n * n);
        const dz = g * (h0[b * H + j] - n) * z * (1 - z);
        const dr = dn * hv[r0 + 2 * H + j] * r * (1 - r);
        dX[r0 + j] = dr;
        dX[r0 + H + j] = dz;
        dX[r0 + 2 * H + j] = dn;
        dHp[r0 + j] = dr;
        dHp[r0 + H + j] = dz;
        dHp[r0 + 2 * H + j] = dn * r;
        dH[b * H + j] = g * z;
      }
    }
    return [
      fromArray([B, H3], dX, 'float32', 'gruPointwise', dev),
      fromArray([B, H3], dHp, 'float32', 'gruPointwise', dev),
      fromArray([B, H], dH, 'float32', 'gruPointwise', dev),
    ];
  });
}
