// A manifest's own checksum. model.json and checkpoint.json hold JSON that decides what a model
// computes (the architecture, the preprocessing's fitted state, the optimizer's hyperparameters),
// and a flipped byte there can still be valid JSON: "metadata" turned "mftadata" would load without
// its metadata, 0.5 turned 0.7 with another scaler mean. So the writer records the SHA-256 of the
// file's own text in a last field, "checksum" (computed with 64 zeros in its place), and the reader
// recomputes it: any change to the bytes is refused. Manifests written before it (no "checksum")
// still load; a manifest edited by hand on purpose loads once its "checksum" field is deleted.

import { sha256Hex } from './hash.js';

const ZEROS = '0'.repeat(64);

/**
 * `value` as JSON text (with `indent`, and a final newline) ending in its own "checksum" field.
 * @example await sealJson({ format: 'tessera-model', version: 1 }, 2) // '{\n  "format": ..., "checksum": "3f2a..."\n}\n'
 */
export async function sealJson(value: object, indent?: number): Promise<string> {
  const { checksum: _, ...rest } = value as { checksum?: unknown };
  const text = `${JSON.stringify({ ...rest, checksum: ZEROS }, null, indent)}\n`;
  const at = text.lastIndexOf(`"${ZEROS}"`);
  const sha = await sha256Hex(new TextEncoder().encode(text));
  return `${text.slice(0, at)}"${sha}"${text.slice(at + ZEROS.length + 2)}`;
}

/**
 * Checks the "checksum" field of parsed manifest `raw` against `text`, the file it was parsed
 * from; `fail` builds the error. Does nothing for a manifest without one (written before it existed).
 *
 * @example await verifySeal(text, JSON.parse(text), (problem) => new FileFormatError(file, problem));
 */
export async function verifySeal(text: string, raw: Record<string, unknown>, fail: (problem: string) => Error): Promise<void> {
  if (!Object.hasOwn(raw, 'checksum')) return;
  const sum = raw.checksum;
  if (typeof sum !== 'string' || !/^[0-9a-f]{64}$/.test(sum))
    throw fail(`field "checksum" must be 64 hex digits, got ${JSON.stringify(sum)?.slice(0, 80)}: the file is corrupted`);
  const blank = text.split(`"${sum}"`).join(`"${ZEROS}"`);
  const sha = await sha256Hex(new TextEncoder().encode(blank));
  if (sha !== sum) {
    throw fail(
      `its contents do not match its "checksum" (SHA-256 ${sha}): the file is corrupted, or was edited after it was saved (to keep an edit made on purpose, delete the "checksum" field)`,
    );
  }
}
