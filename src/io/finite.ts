// Non-finite values in saved weights. A NaN or an infinity in a parameter is almost always a run
// that diverged, and a model holding one predicts NaN for every input; so saving refuses it and
// loading refuses it, naming the tensor and the first bad index, unless the caller allows it:
//
//   allowNonFinite: true   skip the check, at save (a diverged run kept for debugging) or at load;
//                          not recorded, so loading such a model needs it again
//   nonFinite: ['mask']    these tensors hold NaN/Infinity by design (an attention mask of -Infinity,
//                          declared by a layer with registerBuffer(..., { nonFinite: true })):
//                          recorded in the manifest ("nonFinite"), so loading exempts them too
//
// Only float tensors are checked (int32 and bool cannot hold a non-finite value).

import type { TypedArray } from '../core/dtype.js';
import type { Tensor } from '../core/tensor.js';

/**
 * The first non-finite value of a float tensor, or null (int32 and bool tensors: always null).
 * `values`: the tensor's values already read (`await t.data()`); without it they are read synchronously.
 * @example firstNonFinite(tensor([1, NaN, Infinity])) // { index: 1, value: NaN }
 */
export function firstNonFinite(t: Tensor, values?: TypedArray): { index: number; value: number } | null {
  if (t.dtype !== 'float32') return null;
  const data = values ?? t.toTypedArray();
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return { index: i, value: data[i] };
  return null;
}

/**
 * Checks the `allowNonFinite` and `nonFinite` options; returns the declared names, sorted, without repeats.
 * @example nonFiniteOptions('saveModel', undefined, ['mask']) // { allowAll: false, exempt: ['mask'] }
 */
export function nonFiniteOptions(op: string, allow: unknown, declared: unknown): { allowAll: boolean; exempt: string[] } {
  if (allow !== undefined && typeof allow !== 'boolean')
    throw new TypeError(`${op}: allowNonFinite must be true or false, got ${JSON.stringify(allow)}`);
  if (declared !== undefined && !(Array.isArray(declared) && declared.every((n) => typeof n === 'string')))
    throw new TypeError(`${op}: nonFinite must be an array of tensor names, got ${JSON.stringify(declared)}`);
  return { allowAll: allow === true, exempt: [...new Set((declared ?? []) as string[])].sort() };
}

/**
 * Throws when a tensor of `tensors` holds NaN or ±Infinity, unless `allowAll` or it is named in
 * `exempt`. `where` says what
 * the tensors are ('parameter', 'checkpoint tensor'), `fail` builds the error from the message, and
 * `hint` ends it (what to do). `values` (from `readTensorValues`) holds the values already read, so
 * that no tensor is read synchronously (which a GPU device refuses).
 *
 * @example
 * assertFinite(Object.entries(stateDict), false, [], 'parameter', (m) => new Error(`saveModel: ${m}`), SAVE_HINT);
 * // saveModel: parameter "0.weight" holds NaN at index 7 (of 12 values, shape [3, 4]); the training ...
 */
export function assertFinite(
  tensors: Iterable<[string, Tensor]>,
  allowAll: boolean,
  exempt: readonly string[],
  where: string,
  fail: (message: string) => Error,
  hint: string,
  values?: ReadonlyMap<string, TypedArray>,
): void {
  if (allowAll) return;
  const skip = new Set(exempt);
  for (const [name, t] of tensors) {
    if (skip.has(name)) continue;
    const bad = firstNonFinite(t, values?.get(name));
    if (bad === null) continue;
    throw fail(
      `${where} ${JSON.stringify(name)} holds ${bad.value} at index ${bad.index} (of ${t.size} values, shape [${t.shape.join(', ')}]); ${hint}`,
    );
  }
}

/** The end of the message when saving: the likely cause and the way out. */
export const SAVE_HINT =
  'the training diverged (try a lower learning rate or gradient clipping); pass { allowNonFinite: true } to save it anyway';
/** The end of the message when loading. */
export const LOAD_HINT =
  'it was saved from a run that diverged, or the file was altered (retrain, or load it anyway with { allowNonFinite: true })';
