// Training a byte-level BPE on a corpus, as Hugging Face's BpeTrainer does for ByteLevel models:
// count pre-token words, start from the special tokens and the 256 byte characters, then repeatedly
// merge the most frequent adjacent pair (counted over words weighted by their frequency) until the
// vocabulary has the requested size or no pair is frequent enough.

import { ByteLevelBPE } from './bpe.js';
import { byteToUnicode, preTokenize } from './byte_level.js';

/** Options of {@link trainByteLevelBPE}. */
export interface TrainBPEOptions {
  /** Added tokens given the first ids, in this order (e.g. ['<|endoftext|>']). Default []. */
  specialTokens?: readonly string[];
  /** A pair seen fewer times than this is not merged (training stops early). Default 2. */
  minFrequency?: number;
}

const ID_LIMIT = 1 << 21;

/**
 * A byte-level BPE trained on `corpus` (one text, or many) to `vocabSize` tokens (special tokens,
 * 256 bytes, then one token per merge). Ties between equally frequent pairs go to the pair whose
 * left token was created first, then whose right token was, so training is deterministic.
 *
 * @example const tok = trainByteLevelBPE(text, 500, { specialTokens: ['<|endoftext|>'] });
 */
export function trainByteLevelBPE(corpus: string | Iterable<string>, vocabSize: number, options: TrainBPEOptions = {}): ByteLevelBPE {
  const { specialTokens = [], minFrequency = 2 } = options;
  if (!Number.isInteger(minFrequency) || minFrequency < 1)
    throw new Error(`trainByteLevelBPE: minFrequency must be a positive integer, received ${minFrequency}`);
  const base = specialTokens.length + 256;
  if (!Number.isInteger(vocabSize) || vocabSize < base)
    throw new Error(`trainByteLevelBPE: vocabSize must be an integer >= ${base} (special tokens + 256 bytes), received ${vocabSize}`);

  // Vocabulary: special tokens, then the byte alphabet sorted by character (Hugging Face's order).
  const tokens: string[] = [...specialTokens];
  const ids = new Map<string, number>();
  for (let i = 0; i < specialTokens.length; i++) ids.set(specialTokens[i], i);
  const byteOfId = new Map<number, number>();
  const alphabet = byteToUnicode()
    .map((symbol, byte) => ({ symbol, byte }))
    .sort((x, y) => x.symbol.charCodeAt(0) - y.symbol.charCodeAt(0));
  for (const { symbol, byte } of alphabet) {
    byteOfId.set(tokens.length, byte);
    ids.set(symbol, tokens.length);
    tokens.push(symbol);
  }
  const idOfByte = new Int32Array(256);
  for (const [id, byte] of byteOfId) idOfByte[byte] = id;

  // Words: unique pre-tokens as id sequences, with their counts.
  const counts = new Map<string, number>();
  for (const text of typeof corpus === 'string' ? [corpus] : corpus)
    for (const piece of preTokenize(text)) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  const encoder = new TextEncoder();
  const words: number[][] = [];
  const freq: number[] = [];
  for (const [piece, n] of counts) {
    words.push(Array.from(encoder.encode(piece), (b) => idOfByte[b]));
    freq.push(n);
  }

  // Pair counts, and the words each pair occurs in (a superset: stale entries are harmless).
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: 1 | -1) => {
    const word = words[w];
    for (let i = 0; i + 1 < word.length; i++) {
      const key = word[i] * ID_LIMIT + word[i + 1];
      const c = (pairCount.get(key) ?? 0) + sign * freq[w];
      if (c === 0) pairCount.delete(key);
      else pairCount.set(key, c);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (set === undefined) {
          set = new Set();
          pairWords.set(key, set);
        }
        set.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);

  const merges: Array<[string, string]> = [];
  while (tokens.length < vocabSize) {
    let bestKey = -1;
    let bestCount = 0;
    for (const [key, c] of pairCount) if (c > bestCount || (c === bestCount && key < bestKey)) [bestKey, bestCount] = [key, c];
    if (bestKey < 0 || bestCount < minFrequency) break;
    const left = Math.floor(bestKey / ID_LIMIT);
    const right = bestKey % ID_LIMIT;
    const symbol = tokens[left] + tokens[right];
    let merged = ids.get(symbol);
    if (merged === undefined) {
      merged = tokens.length;
      ids.set(symbol, merged);
      tokens.push(symbol);
    }
    merges.push([tokens[left], tokens[right]]);
    for (const w of pairWords.get(bestKey) ?? []) {
      const word = words[w];
      let found = false;
      for (let i = 0; i + 1 < word.length; i++) if (word[i] === left && word[i + 1] === right) found = true;
      if (!found) continue;
      addPairs(w, -1);
      const next: number[] = [];
      for (let i = 0; i < word.length; ) {
        if (i + 1 < word.length && word[i] === left && word[i + 1] === right) {
          next.push(merged);
          i += 2;
        } else next.push(word[i++]);
      }
      words[w] = next;
      addPairs(w, 1);
    }
    pairCount.delete(bestKey); // all merged; guarantees progress
    pairWords.delete(bestKey);
  }

  const vocab = new Map<string, number>();
  tokens.forEach((t, i) => {
    if (i >= specialTokens.length) vocab.set(t, i);
  });
  const addedTokens = specialTokens.map((content, id) => ({ id, content, special: true }));
  return new ByteLevelBPE({ vocab, merges, addedTokens });
}
