// Recurrent cells and the time loop over one layer and direction (torch's RNN/LSTM/GRU maths).
// The input projection of every time step is one matmul over the whole sequence; each step adds
// one matmul of the hidden state against all gates at once, then the gate nonlinearities.
// Sequences of different lengths are handled with a per-step 0/1 mask: past a sequence's end
// its state is carried unchanged and its output is zero (what pack_padded_sequence gives).

import type { Tensor } from '../../core/tensor.js';
import { add, mul, relu, sigmoid, sub, tanh } from '../../ops/elementwise.js';
import { matmul } from '../../ops/linalg.js';
import { narrow, reshape, select, stack, transpose } from '../../ops/movement.js';
import { canFuse, gruPointwise, lstmPointwise } from './recurrent_fused.js';

/** The kind of recurrence: Elman RNN with tanh or relu, LSTM, or GRU. */
export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** One layer-direction's weights, with PyTorch's shapes (G = gates: 1, 4 or 3). */
export interface RecurrentWeights {
  /** (G*H, I) */
  wIh: Tensor;
  /** (G*H, P or H) */
  wHh: Tensor;
  /** (G*H) or null */
  bIh: Tensor | null;
  /** (G*H) or null */
  bHh: Tensor | null;
  /** LSTM projection (P, H), or null */
  wHr?: Tensor | null;
}

/** A recurrent state: h (B, H or P) and, for LSTM, c (B, H). */
export interface RecurrentState {
  h: Tensor;
  c?: Tensor;
}

function hiddenOf(mode: RecurrentMode, w: RecurrentWeights): number {
  const gates = mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1;
  return w.wIh.shape[0] / gates;
}

/**
 * One step of a cell, given the input projection `xp = x W_ih^T + b_ih` (B, G*H) already computed
 * (for RNN and LSTM, b_hh too when `hhBiasInXp`). Returns the new state (h after LSTM's projection,
 * if any). `fused` (default: where the device reads on the host) uses the fused pointwise ops of
 * recurrent_fused.ts; false forces the composed reference path.
 *
 * @example
 * const s = cellStep('GRU', xp, { h }, weights); // s.h: (B, H)
 */
export function cellStep(
  mode: RecurrentMode,
  xp: Tensor,
  state: RecurrentState,
  w: RecurrentWeights,
  options: { hhBiasInXp?: boolean; fused?: boolean } = {},
): RecurrentState {
  const H = hiddenOf(mode, w);
  const fused = (options.fused ?? true) && canFuse(xp);
  let hp = matmul(state.h, transpose(w.wHh)); // (B, G*H)
  if (w.bHh !== null && !(options.hhBiasInXp && mode !== 'GRU')) hp = add(hp, w.bHh);
  if (mode === 'GRU') {
    if (fused) return { h: gruPointwise(xp, hp, state.h) };
    const r = sigmoid(add(narrow(xp, 1, 0, H), narrow(hp, 1, 0, H)));
    const z = sigmoid(add(narrow(xp, 1, H, H), narrow(hp, 1, H, H)));
    const n = tanh(add(narrow(xp, 1, 2 * H, H), mul(r, narrow(hp, 1, 2 * H, H))));
    // h' = (1 - z) * n + z * h = n + z * (h - n)
    return { h: add(n, mul(z, sub(state.h, n))) };
  }
  const g = add(xp, hp);
  if (mode === 'LSTM') {
    let h: Tensor;
    let c: Tensor;
    if (fused) {
      const hc = lstmPointwise(g, state.c as Tensor); // (B, 2H): [h, c]
      h = narrow(hc, 1, 0, H);
      c = narrow(hc, 1, H, H);
    } else {
      const i = sigmoid(narrow(g, 1, 0, H));
      const f = sigmoid(narrow(g, 1, H, H));
      const gg = tanh(narrow(g, 1, 2 * H, H));
      const o = sigmoid(narrow(g, 1, 3 * H, H));
      c = add(mul(f, state.c as Tensor), mul(i, gg));
      h = mul(o, tanh(c));
    }
    if (w.wHr) h = matmul(h, transpose(w.wHr));
    return { h, c };
  }
  return { h: mode === 'RNN_RELU' ? relu(g) : tanh(g) };
}

/**
 * Projects a whole sequence's inputs in one matmul: (T, B, I) -> (T, B, G*H), with b_ih added.
 * @example const xp = inputProjection(x, weights); // (T, B, 4H) for an LSTM
 */
export function inputProjection(x: Tensor, w: RecurrentWeights, bias: Tensor | null = w.bIh): Tensor {
  const [T, B, I] = x.shape;
  let xp = matmul(reshape(x, [T * B, I]), transpose(w.wIh));
  if (bias !== null) xp = add(xp, bias);
  return reshape(xp, [T, B, w.wIh.shape[0]]);
}

/**
 * Runs one layer in one direction over a time-major sequence.
 *
 * Args: x (T, B, I); state0 {h (B, P or H), c (B, H) for LSTM}; `mask` (T, B, 1) 0/1 float, or
 * null when every sequence has length T; `reverse` runs t = T-1 .. 0; `fused` false forces the
 * composed cell (see cellStep).
 * Returns output (T, B, P or H), zero where masked, and the final state (taken at each sequence's
 * own end: masked steps carry the state unchanged).
 *
 * @example
 * const { output, state } = recurrentLayer('LSTM', x, { h: h0, c: c0 }, weights, null, false);
 */
export function recurrentLayer(
  mode: RecurrentMode,
  x: Tensor,
  state0: RecurrentState,
  w: RecurrentWeights,
  mask: Tensor | null,
  reverse: boolean,
  fused = true,
): { output: Tensor; state: RecurrentState } {
  const T = x.shape[0];
  // RNN and LSTM add b_hh once for the whole sequence; GRU needs b_hn inside r * (...).
  const fold = mode !== 'GRU' && w.bIh !== null && w.bHh !== null;
  const xp = inputProjection(x, w, fold ? add(w.bIh as Tensor, w.bHh as Tensor) : w.bIh); // (T, B, G*H)
  let state = state0;
  const outs: Tensor[] = new Array(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const next = cellStep(mode, select(xp, 0, t), state, w, { hhBiasInXp: fold, fused });
    if (mask === null) {
      state = next;
      outs[t] = next.h;
    } else {
      const m = select(mask, 0, t); // (B, 1)
      // state = old + m * (new - old): unchanged past a sequence's end.
      const h = add(state.h, mul(m, sub(next.h, state.h)));
      const c = next.c && state.c ? add(state.c, mul(m, sub(next.c, state.c))) : undefined;
      outs[t] = mul(next.h, m);
      state = c ? { h, c } : { h };
    }
  }
  return { output: stack(outs, 0), state };
}
