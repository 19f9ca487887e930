// Recurrent cells and the time loop over one layer and direction (torch's RNN/LSTM/GRU maths).
// The input projection of every time step is one matmul over the whole sequence; each step adds
// one matmul of the hidden state against all gates at once, then the gate nonlinearities.
// Sequences of different lengths are handled with a per-step 0/1 mask: past a sequence's end
// its state is carried unchanged and its output is zero (what pack_padded_sequence gives).

import type { Tensor } from '../../core/tensor.js';
import { add, mul, relu, sigmoid, sub, tanh } from '../../ops/elementwise.js';
import { matmul } from '../../ops/linalg.js';
import { narrow, reshape, select, stack, transpose } from '../../ops/movement.js';

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
 * One step of a cell, given the input projection `xp = x W_ih^T + b_ih` (B, G*H) already computed.
 * Returns the new state (h after LSTM's projection, if any).
 *
 * @example
 * const s = cellStep('GRU', xp, { h }, weights); // s.h: (B, H)
 */
export function cellStep(mode: RecurrentMode, xp: Tensor, state: RecurrentState, w: RecurrentWeights): RecurrentState {
  const H = hiddenOf(mode, w);
  let hp = matmul(state.h, transpose(w.wHh)); // (B, G*H)
  if (w.bHh !== null) hp = add(hp, w.bHh);
  if (mode === 'GRU') {
    const r = sigmoid(add(narrow(xp, 1, 0, H), narrow(hp, 1, 0, H)));
    const z = sigmoid(add(narrow(xp, 1, H, H), narrow(hp, 1, H, H)));
    const n = tanh(add(narrow(xp, 1, 2 * H, H), mul(r, narrow(hp, 1, 2 * H, H))));
    // h' = (1 - z) * n + z * h = n + z * (h - n)
    return { h: add(n, mul(z, sub(state.h, n))) };
  }
  const g = add(xp, hp);
  if (mode === 'LSTM') {
    const i = sigmoid(narrow(g, 1, 0, H));
    const f = sigmoid(narrow(g, 1, H, H));
    const gg = tanh(narrow(g, 1, 2 * H, H));
    const o = sigmoid(narrow(g, 1, 3 * H, H));
    const c = add(mul(f, state.c as Tensor), mul(i, gg));
    let h = mul(o, tanh(c));
    if (w.wHr) h = matmul(h, transpose(w.wHr));
    return { h, c };
  }
  return { h: mode === 'RNN_RELU' ? relu(g) : tanh(g) };
}

/**
 * Projects a whole sequence's inputs in one matmul: (T, B, I) -> (T, B, G*H), with b_ih added.
 * @example const xp = inputProjection(x, weights); // (T, B, 4H) for an LSTM
 */
export function inputProjection(x: Tensor, w: RecurrentWeights): Tensor {
  const [T, B, I] = x.shape;
  let xp = matmul(reshape(x, [T * B, I]), transpose(w.wIh));
  if (w.bIh !== null) xp = add(xp, w.bIh);
  return reshape(xp, [T, B, w.wIh.shape[0]]);
}

/**
 * Runs one layer in one direction over a time-major sequence.
 *
 * Args: x (T, B, I); state0 {h (B, P or H), c (B, H) for LSTM}; `mask` (T, B, 1) 0/1 float, or
 * null when every sequence has length T; `reverse` runs t = T-1 .. 0.
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
): { output: Tensor; state: RecurrentState } {
  const T = x.shape[0];
  const xp = inputProjection(x, w); // (T, B, G*H)
  let state = state0;
  const outs: Tensor[] = new Array(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const next = cellStep(mode, select(xp, 0, t), state, w);
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
