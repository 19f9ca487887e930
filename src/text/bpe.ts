// Byte-level BPE (GPT-2's tokenizer): text -> added-token split -> GPT-2 pre-tokens -> UTF-8 bytes
// -> merges applied by rank inside each pre-token (cached per pre-token) -> ids. Decoding joins the
// tokens' bytes and reads them as UTF-8. Built from a vocabulary and ranked merges (Hugging Face
// `tokenizer.json`, GPT-2's `encoder.json` + `vocab.bpe`, or tiktoken-style ranks, whose merges are
// recovered here), or trained on a corpus (bpe_train.ts).
//
// Strings: encode is exact for every well-formed string (decode(encode(s)) === s). A lone surrogate
// (not well-formed UTF-16) has no UTF-8 form: it is encoded as U+FFFD, as TextEncoder, js-tiktoken
// and Python tiktoken do, so decode(encode(s)) === s.toWellFormed(). decode of ids that cut a
// character's bytes apart gives U+FFFD for the partial character; decodeBytes gives the raw bytes.

import { bytesToSymbols, preTokenize, symbolsToBytes } from './byte_level.js';

/** A token outside the merges (special or user-added), as `tokenizer.json`'s `added_tokens` list it. */
export interface AddedToken {
  id: number;
  content: string;
  /** Special tokens (end of text, padding) can be skipped when decoding. Default true. */
  special?: boolean;
}

/** What builds a {@link ByteLevelBPE}. */
export interface ByteLevelBPEOptions {
  /** Token (byte-level string, e.g. 'Ġthe') -> id; GPT-2's 256 single-byte characters (else text needing a missing byte throws). */
  vocab: Record<string, number> | Map<string, number>;
  /** Merges in rank order (rank 0 applies first): [left, right], both in `vocab`, as is left + right. */
  merges: ReadonlyArray<readonly [string, string]>;
  /** Tokens matched verbatim in the text before pre-tokenisation (e.g. '<|endoftext|>'). */
  addedTokens?: readonly AddedToken[];
  /** Prepend a space to text that does not start with whitespace (`ByteLevel.add_prefix_space`). Default false. */
  addPrefixSpace?: boolean;
  /** A pre-token that is itself in `vocab` is emitted whole (`BPE.ignore_merges`). Default false. */
  ignoreMerges?: boolean;
  /** Split with GPT-2's regex before the merges (`ByteLevel.use_regex`). Default true. */
  useRegex?: boolean;
}

/** Options of {@link ByteLevelBPE.encode}. */
export interface EncodeOptions {
  /** Match added tokens in the text (true, Hugging Face's default) or treat their text as plain text (false). Default true. */
  addedTokens?: boolean;
}

const ID_LIMIT = 1 << 21; // pair key = left * ID_LIMIT + right stays an exact double
const CACHE_LIMIT = 100_000;
const LONG_WORD = 48; // bytes; longer pre-tokens merge with a heap (mergeLongWord)
const POS_LIMIT = 2 ** 31; // heap key = rank * POS_LIMIT + position stays an exact double

/**
 * GPT-2's byte-level BPE tokenizer, trainable, loadable and savable as Hugging Face `tokenizer.json`.
 *
 * @example
 * const tok = ByteLevelBPE.train(text, 1000, { specialTokens: ['<|endoftext|>'] });
 * const ids = tok.encode('To be, or not to be');
 * tok.decode(ids) // 'To be, or not to be'
 */
export class ByteLevelBPE {
  /** id -> token string (byte-level symbols, or an added token's content). */
  readonly idToToken: Map<number, string> = new Map();
  /** token string -> id. */
  readonly tokenToId: Map<string, number> = new Map();
  /** Merges in rank order. */
  readonly merges: Array<[string, string]> = [];
  /** Added tokens, id order. */
  readonly addedTokens: AddedToken[];
  readonly addPrefixSpace: boolean;
  readonly ignoreMerges: boolean;
  readonly useRegex: boolean;

  private readonly byteIds = new Int32Array(256).fill(-1);
  private readonly tokenBytes: Map<number, Uint8Array> = new Map();
  private readonly mergeRank: Map<number, number> = new Map(); // pair key -> rank
  private readonly mergeResult: number[] = []; // rank -> merged id
  private readonly cache: Map<string, number[]> = new Map();
  private readonly addedById: Map<number, AddedToken> = new Map();
  private addedPattern: RegExp | null = null;

  /**
   * A tokenizer from a vocabulary and ranked merges; throws naming a missing byte, token or merge part.
   *
   * @example new ByteLevelBPE({ vocab, merges: [['Ġ', 't'], ['h', 'e']] })
   */
  constructor(options: ByteLevelBPEOptions) {
    const { vocab, merges, addedTokens = [], addPrefixSpace = false, ignoreMerges = false, useRegex = true } = options;
    this.addPrefixSpace = addPrefixSpace;
    this.ignoreMerges = ignoreMerges;
    this.useRegex = useRegex;
    const entries = vocab instanceof Map ? [...vocab] : Object.entries(vocab);
    const addedContents = new Set(addedTokens.map((t) => t.content));
    for (const [token, id] of entries) this.addToken(token, id, addedContents.has(token) ? 'addedTokens' : 'vocab');
    // A byte without a token (a small hand-written vocab) is an error only when some text needs it.
    for (const b of byteAlphabet()) this.byteIds[b.byte] = this.tokenToId.get(b.symbol) ?? -1;
    for (let i = 0; i < merges.length; i++) this.addMerge(merges[i], i);
    this.addedTokens = [...addedTokens].sort((a, b) => a.id - b.id);
    this.setAddedTokens();
  }

  /** Largest id + 1 (the embedding table's rows). @example gpt2.vocabSize // 50257 */
  get vocabSize(): number {
    let max = -1;
    for (const id of this.idToToken.keys()) if (id > max) max = id;
    return max + 1;
  }

  /**
   * Ids of `text`.
   *
   * @example gpt2.encode('Hello world') // [15496, 995]
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') throw new Error(`ByteLevelBPE.encode: text must be a string, received ${typeof text}`);
    const out: number[] = [];
    const pattern = options.addedTokens === false ? null : this.addedPattern;
    if (pattern === null) {
      this.encodeSegment(text, out);
      return out;
    }
    pattern.lastIndex = 0;
    let start = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      if (m.index > start) this.encodeSegment(text.slice(start, m.index), out);
      out.push(this.tokenToId.get(m[0])!);
      start = m.index + m[0].length;
    }
    if (start < text.length) this.encodeSegment(text.slice(start), out);
    return out;
  }

  /**
   * The UTF-8 bytes of `ids` (for streaming: cut where a character is complete).
   *
   * @example gpt2.decodeBytes([15496]) // Uint8Array of 'Hello'
   */
  decodeBytes(ids: Iterable<number>, options: { skipSpecial?: boolean } = {}): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    let i = 0;
    for (const id of ids) {
      const added = this.addedById.get(id);
      if (added !== undefined && options.skipSpecial && added.special !== false) {
        i++;
        continue;
      }
      const bytes = this.tokenBytes.get(id);
      if (bytes === undefined) throw new Error(`ByteLevelBPE.decode: ids[${i}] = ${id} is not a token id (vocabSize ${this.vocabSize})`);
      parts.push(bytes);
      total += bytes.length;
      i++;
    }
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  /**
   * The text of `ids` (UTF-8; a cut character reads as U+FFFD). `skipSpecial` drops special added tokens.
   *
   * @example gpt2.decode([15496, 995]) // 'Hello world'
   */
  decode(ids: Iterable<number>, options: { skipSpecial?: boolean } = {}): string {
    return DECODER.decode(this.decodeBytes(ids, options));
  }

  /** The ids of one pre-token's bytes after all merges (no cache). @example tok.encodeWord(utf8(' the')) */
  encodeWord(bytes: Uint8Array): number[] {
    let ids: number[] = new Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) {
      ids[i] = this.byteIds[bytes[i]];
      if (ids[i] < 0)
        throw new Error(
          `ByteLevelBPE.encode: byte 0x${bytes[i].toString(16).padStart(2, '0')} ('${bytesToSymbols(bytes.subarray(i, i + 1))}') of ${JSON.stringify(DECODER.decode(bytes))} has no token in the vocabulary`,
        );
    }
    if (ids.length > LONG_WORD) return this.mergeLongWord(ids);
    const rank = this.mergeRank;
    while (ids.length > 1) {
      let best = -1;
      let bestRank = Number.POSITIVE_INFINITY;
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = rank.get(ids[i] * ID_LIMIT + ids[i + 1]);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      // Merge every occurrence of the best pair, left to right (GPT-2's `bpe`).
      const left = ids[best];
      const right = ids[best + 1];
      const merged = this.mergeResult[bestRank];
      const next: number[] = ids.slice(0, best);
      for (let i = best; i < ids.length; ) {
        if (i + 1 < ids.length && ids[i] === left && ids[i + 1] === right) {
          next.push(merged);
          i += 2;
        } else next.push(ids[i++]);
      }
      ids = next;
    }
    return ids;
  }

  /**
   * The merges of a long word in O(n log n): a linked list of symbols and a heap of (rank, position)
   * of adjacent pairs, lowest rank first, leftmost first among equals, which merges what the
   * quadratic loop of encodeWord merges (a pair made by a merge always has a higher rank than it).
   */
  private mergeLongWord(ids: number[]): number[] {
    const n = ids.length;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap: number[] = [];
    const push = (i: number) => {
      const j = next[i];
      if (i < 0 || j < 0) return;
      const r = this.mergeRank.get(ids[i] * ID_LIMIT + ids[j]);
      if (r !== undefined) heapPush(heap, r * POS_LIMIT + i);
    };
    for (let i = 0; i + 1 < n; i++) push(i);
    while (heap.length > 0) {
      const top = heapPop(heap);
      const r = Math.floor(top / POS_LIMIT);
      const i = top % POS_LIMIT;
      const j = next[i];
      if (ids[i] < 0 || j < 0 || this.mergeRank.get(ids[i] * ID_LIMIT + ids[j]) !== r) continue; // stale
      ids[i] = this.mergeResult[r];
      ids[j] = -1;
      next[i] = next[j];
      if (next[j] >= 0) prev[next[j]] = i;
      push(prev[i]);
      push(i);
    }
    return ids.filter((id) => id >= 0);
  }

  private encodeSegment(text: string, out: number[]): void {
    if (this.addPrefixSpace && text.length > 0 && !/^\s/u.test(text)) text = ` ${text}`;
    const pieces = this.useRegex ? preTokenize(text) : [text];
    for (const piece of pieces) {
      let ids = this.cache.get(piece);
      if (ids === undefined) {
        const bytes = ENCODER.encode(piece);
        const whole = this.ignoreMerges ? this.tokenToId.get(bytesToSymbols(bytes)) : undefined;
        ids = whole !== undefined ? [whole] : this.encodeWord(bytes);
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(piece, ids);
      }
      for (const id of ids) out.push(id);
    }
  }

  private addToken(token: string, id: number, where: string): void {
    if (!Number.isInteger(id) || id < 0 || id >= ID_LIMIT)
      throw new Error(`ByteLevelBPE: ${where} token ${JSON.stringify(token)} has id ${id}, expected an integer in [0, ${ID_LIMIT})`);
    const other = this.idToToken.get(id);
    if (other !== undefined && other !== token)
      throw new Error(`ByteLevelBPE: ${where} gives id ${id} to both ${JSON.stringify(other)} and ${JSON.stringify(token)}`);
    this.idToToken.set(id, token);
    this.tokenToId.set(token, id);
    if (where === 'vocab') this.tokenBytes.set(id, symbolsToBytes(token));
  }

  /** Appends merge [left, right] as the next rank (the merged token must be in the vocabulary). */
  private addMerge(merge: readonly [string, string], i: number): void {
    const [left, right] = merge;
    const a = this.tokenToId.get(left);
    const b = this.tokenToId.get(right);
    const c = this.tokenToId.get(left + right);
    if (a === undefined || b === undefined || c === undefined) {
      const missing = a === undefined ? left : b === undefined ? right : left + right;
      throw new Error(
        `ByteLevelBPE: merges[${i}] = [${JSON.stringify(left)}, ${JSON.stringify(right)}] needs token ${JSON.stringify(missing)}, which is not in the vocabulary`,
      );
    }
    const key = a * ID_LIMIT + b;
    if (!this.mergeRank.has(key)) this.mergeRank.set(key, this.mergeResult.length);
    this.mergeResult.push(c);
    this.merges.push([left, right]);
    this.cache.clear();
  }

  private setAddedTokens(): void {
    for (const t of this.addedTokens) {
      if (typeof t.content !== 'string' || t.content.length === 0)
        throw new Error(`ByteLevelBPE: added token ${t.id} has content ${JSON.stringify(t.content)}, expected a non-empty string`);
      const existing = this.idToToken.get(t.id);
      if (existing === undefined || existing !== t.content) this.addToken(t.content, t.id, 'addedTokens');
      this.tokenBytes.set(t.id, ENCODER.encode(t.content));
      this.addedById.set(t.id, t);
    }
    const contents = this.addedTokens.map((t) => t.content).sort((x, y) => y.length - x.length);
    this.addedPattern = contents.length === 0 ? null : new RegExp(contents.map(escapeRegExp).join('|'), 'gu');
  }

  /**
   * A tokenizer from tiktoken-style ranks (token bytes -> rank, the rank being the id), recovering the
   * merges: the token of rank r (two or more bytes) is the merge of the two tokens that BPE with the
   * merges of lower rank splits it into. Throws if some token does not split into exactly two.
   *
   * @example ByteLevelBPE.fromRanks(ranks, { '<|endoftext|>': 50256 }) // GPT-2 from js-tiktoken's ranks
   */
  static fromRanks(ranks: Iterable<readonly [Uint8Array, number]>, specialTokens: Record<string, number> = {}): ByteLevelBPE {
    const sorted = [...ranks].sort((x, y) => x[1] - y[1]);
    const singles = sorted.filter(([bytes]) => bytes.length === 1);
    if (singles.length !== 256) throw new Error(`ByteLevelBPE.fromRanks: ranks have ${singles.length} single-byte tokens, expected 256`);
    const tok = new ByteLevelBPE({ vocab: new Map(singles.map(([bytes, rank]) => [bytesToSymbols(bytes), rank])), merges: [] });
    for (const [bytes, rank] of sorted) {
      if (bytes.length < 2) continue;
      const parts = tok.encodeWord(bytes);
      if (parts.length !== 2)
        throw new Error(
          `ByteLevelBPE.fromRanks: the token of rank ${rank} ('${bytesToSymbols(bytes)}') splits into ${parts.length} tokens of lower rank, expected 2`,
        );
      tok.addToken(bytesToSymbols(bytes), rank, 'vocab');
      tok.addMerge([tok.idToToken.get(parts[0])!, tok.idToToken.get(parts[1])!], tok.merges.length);
    }
    const added = Object.entries(specialTokens).map(([content, id]) => ({ id, content, special: true }));
    return new ByteLevelBPE({ vocab: tok.tokenToId, merges: tok.merges, addedTokens: added });
  }

  /**
   * A tokenizer from GPT-2's original files: `encoder.json` (token -> id) and `vocab.bpe` (a
   * '#version' line, then one 'left right' merge a line, rank order).
   *
   * @example ByteLevelBPE.fromGpt2Files(JSON.parse(readFileSync('encoder.json', 'utf8')), readFileSync('vocab.bpe', 'utf8'))
   */
  static fromGpt2Files(encoder: Record<string, number>, vocabBpe: string): ByteLevelBPE {
    const merges = parseMergeLines(vocabBpe.split('\n').filter((line) => line.length > 0 && !line.startsWith('#version')));
    const added = '<|endoftext|>' in encoder ? [{ id: encoder['<|endoftext|>'], content: '<|endoftext|>', special: true }] : [];
    return new ByteLevelBPE({ vocab: encoder, merges, addedTokens: added });
  }
}

/**
 * 'left right' merge strings as pairs; throws naming (`where`[first + i]) a line that is not two tokens.
 *
 * @example parseMergeLines(['Ġ t', 'h e']) // [['Ġ', 't'], ['h', 'e']]
 */
export function parseMergeLines(lines: readonly string[], where = 'merges', first = 0): Array<[string, string]> {
  return lines.map((line, i) => {
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '')
      throw new Error(`${where}[${first + i}] = ${JSON.stringify(line)}, expected two tokens separated by one space`);
    return [parts[0], parts[1]];
  });
}

/** Min-heap of numbers (rank * POS_LIMIT + position). */
function heapPush(heap: number[], x: number): void {
  let i = heap.length;
  heap.push(x);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= x) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = x;
}

function heapPop(heap: number[]): number {
  const top = heap[0];
  const last = heap.pop() as number;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && heap[child + 1] < heap[child]) child++;
      if (heap[child] >= last) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
  }
  return top;
}

/** The 256 byte-level symbols, with their bytes. */
function byteAlphabet(): Array<{ byte: number; symbol: string }> {
  const out = [];
  for (let b = 0; b < 256; b++) out.push({ byte: b, symbol: bytesToSymbols(Uint8Array.of(b)) });
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder('utf-8', { ignoreBOM: true }); // a leading U+FEFF is text, not a mark
