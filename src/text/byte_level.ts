// GPT-2's byte-level alphabet and pre-tokenisation rule: the two fixed pieces a byte-level BPE
// stands on. Bytes map one-to-one to printable Unicode characters (so every token is a printable
// string in vocab files), and text is cut into pre-tokens (words with their leading space,
// numbers, punctuation runs, whitespace runs) before merges are applied inside each pre-token.

/**
 * GPT-2's pre-tokenisation regex (`encoder.py`, also tiktoken's `gpt2` pat_str), with the `gu` flags.
 * JavaScript's `\s` is Unicode White_Space plus U+FEFF, as in js-tiktoken.
 *
 * @example '  hello world'.match(GPT2_PATTERN) // [' ', ' hello', ' world']
 */
export const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * GPT-2's `bytes_to_unicode`: byte b -> a printable character. The printable Latin-1 bytes
 * ('!'..'~', '¡'..'¬', '®'..'ÿ') map to themselves; the other 68 bytes map to U+0100, U+0101, ...
 * in byte order (so a space, byte 32, is 'Ġ' U+0120).
 *
 * @example byteToUnicode()[32] // 'Ġ'
 */
export function byteToUnicode(): string[] {
  const out = new Array<string>(256);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    out[b] = String.fromCharCode(printable ? b : 256 + n++);
  }
  return out;
}

/**
 * The inverse of {@link byteToUnicode}: character -> byte.
 *
 * @example unicodeToByte().get('Ġ') // 32
 */
export function unicodeToByte(): Map<string, number> {
  const map = new Map<string, number>();
  const table = byteToUnicode();
  for (let b = 0; b < 256; b++) map.set(table[b], b);
  return map;
}

/**
 * Splits `text` into GPT-2 pre-tokens; their concatenation is `text`.
 *
 * @example preTokenize("I'm here") // ['I', "'m", ' here']
 */
export function preTokenize(text: string): string[] {
  return text.match(GPT2_PATTERN) ?? [];
}

/**
 * A token's bytes as its byte-level string (each byte through {@link byteToUnicode}).
 *
 * @example bytesToSymbols(new TextEncoder().encode(' hi')) // 'Ġhi'
 */
export function bytesToSymbols(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += BYTE_TO_UNICODE[b];
  return s;
}

/**
 * A byte-level string back to its bytes; throws naming the first character outside the alphabet.
 *
 * @example symbolsToBytes('Ġhi') // Uint8Array [32, 104, 105]
 */
export function symbolsToBytes(symbols: string): Uint8Array {
  const out = new Uint8Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) {
    const b = UNICODE_TO_BYTE.get(symbols[i]);
    if (b === undefined)
      throw new Error(
        `symbolsToBytes: '${symbols}' has character '${symbols[i]}' (U+${symbols.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}) at ${i}, expected one of GPT-2's 256 byte-level characters`,
      );
    out[i] = b;
  }
  return out;
}

const BYTE_TO_UNICODE = byteToUnicode();
const UNICODE_TO_BYTE = unicodeToByte();
