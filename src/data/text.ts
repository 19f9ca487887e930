// A text tokenizer: splits text into characters or words, learns a vocabulary from a corpus, and
// turns texts into integer ids (one list, or a padded (N, L) int32 tensor for a batch) and back.
//
// Text is first normalized to Unicode NFC (so "é" typed either way is the same token) and, when
// `lowercase` is on, lowercased (locale-independent). Then
//   - level 'char': every Unicode code point is a token (an emoji is one token, not two UTF-16 halves);
//   - level 'word': a token is a run of letters, combining marks and digits (/[\p{L}\p{M}\p{N}]+/u,
//     so "naïve", "東京", "x86" are single tokens), and every other character that is not white space
//     is a token of its own, with any combining marks after it ("don't" -> "don", "'", "t";
//     "3.14" -> "3", ".", "14"). White space only separates tokens.
// Ids 0 and 1 are always `<pad>` and `<unk>` (any token not in the vocabulary); `<bos>` and `<eos>`
// follow when enabled, then the learnt tokens, most frequent first, ties in code-unit order, so the
// same corpus always gives the same ids.

import { fromArray } from '../core/exec.js';
import type { Tensor } from '../core/tensor.js';

/** Padding, id 0: fills short rows of `encodeBatch`; `decode` skips it. */
export const PAD_TOKEN = '<pad>';
/** Unknown, id 1: any token not in the vocabulary. */
export const UNK_TOKEN = '<unk>';
/** Beginning of sequence, id 2 when the tokenizer has `bos: true`. */
export const BOS_TOKEN = '<bos>';
/** End of sequence, id 2 (or 3 after `<bos>`) when the tokenizer has `eos: true`. */
export const EOS_TOKEN = '<eos>';

export interface TokenizerOptions {
  /** 'char': one token per code point; 'word': words and punctuation (see above). Default 'word'. */
  level?: 'char' | 'word';
  /** Lowercase text before splitting. Default true for words, false for characters. */
  lowercase?: boolean;
  /** Start every encoded sequence with `<bos>` (id 2). Default false. */
  bos?: boolean;
  /** End every encoded sequence with `<eos>` (id 2, or 3 after `<bos>`). Default false. */
  eos?: boolean;
}

export interface FitOptions {
  /** The most entries in the vocabulary, special tokens included; the least frequent tokens are left out. Default: no limit. */
  maxSize?: number;
  /** Leave out tokens seen fewer times than this. Default 1. */
  minFreq?: number;
}

export interface EncodeBatchOptions {
  /** Columns of the result; default the longest encoded text. */
  length?: number;
  /** Where `<pad>` goes in shorter rows: 'post' (after the tokens) or 'pre'. Default 'post'. */
  padding?: 'post' | 'pre';
  /** Which end of a longer row is cut: 'post' (keep the start), 'pre' (keep the end), or false (an error). Default 'post'. */
  truncation?: 'post' | 'pre' | false;
}

/** A tokenizer as JSON (from `toJSON()`), to save beside a model. */
export interface TokenizerJSON {
  format: 'tessera.tokenizer';
  version: 1;
  level: 'char' | 'word';
  lowercase: boolean;
  bos: boolean;
  eos: boolean;
  /** Every token in id order, the special ones first. */
  vocabulary: string[];
}

const WORD = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]\p{M}*/gu;

/**
 * Splits text into tokens, learns a vocabulary with `fit`, and encodes text as ids.
 *
 * @example
 * const tok = new Tokenizer({ level: 'word' }).fit(['The cat sat.', 'The dog sat!']);
 * tok.vocabulary;                        // ['<pad>', '<unk>', 'sat', 'the', '!', '.', 'cat', 'dog']
 * tok.encode('The cat ran.');            // [3, 6, 1, 5]: 'the', 'cat', <unk>, '.'
 * tok.decode([3, 6, 1, 5, 0, 0]);        // 'the cat <unk> .'
 * tok.encodeBatch(['the cat', 'sat'], { length: 3 }); // int32 (2, 3): [[3, 6, 0], [2, 0, 0]]
 * const again = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
 */
export class Tokenizer {
  readonly level: 'char' | 'word';
  readonly lowercase: boolean;
  readonly bos: boolean;
  readonly eos: boolean;
  private tokens: string[];
  private ids = new Map<string, number>();
  private fitted = false;

  constructor(options: TokenizerOptions = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError(`Tokenizer: options must be an object, got ${options}`);
    const { level = 'word', bos = false, eos = false } = options;
    if (level !== 'char' && level !== 'word')
      throw new RangeError(`Tokenizer: level must be 'char' or 'word', got ${JSON.stringify(level)}`);
    const lowercase = options.lowercase ?? level === 'word';
    for (const [name, v] of [
      ['lowercase', lowercase],
      ['bos', bos],
      ['eos', eos],
    ] as const) {
      if (typeof v !== 'boolean') throw new TypeError(`Tokenizer: ${name} must be a boolean, got ${JSON.stringify(v)}`);
    }
    this.level = level;
    this.lowercase = lowercase;
    this.bos = bos;
    this.eos = eos;
    this.tokens = this.specials();
    this.index();
  }

  /** Entries in the vocabulary, special tokens included: the number of ids (an Embedding's `numEmbeddings`). */
  get vocabSize(): number {
    return this.tokens.length;
  }

  /** Every token in id order (a copy). */
  get vocabulary(): string[] {
    return [...this.tokens];
  }

  /** The tokens of `text`, before lookup. @example new Tokenizer().tokenize('Hi, Zoë!') // ['hi', ',', 'zoë', '!'] */
  tokenize(text: string): string[] {
    if (typeof text !== 'string') throw new TypeError(`Tokenizer.tokenize: text must be a string, got ${describe(text)}`);
    let t = text.normalize('NFC');
    if (this.lowercase) t = t.toLowerCase();
    return this.level === 'char' ? Array.from(t) : (t.match(WORD) ?? []);
  }

  /**
   * Learns the vocabulary from `texts` (replacing any earlier one) and returns this tokenizer.
   * @example const tok = new Tokenizer({ level: 'char' }).fit(corpus, { maxSize: 100 });
   */
  fit(texts: Iterable<string>, options: FitOptions = {}): this {
    const { maxSize = Number.POSITIVE_INFINITY, minFreq = 1 } = options;
    const specials = this.specials();
    if (maxSize !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxSize) || maxSize < specials.length)) {
      throw new RangeError(
        `Tokenizer.fit: maxSize must be an integer >= ${specials.length} (the special tokens ${specials.join(', ')}), got ${maxSize}`,
      );
    }
    if (!Number.isInteger(minFreq) || minFreq < 1)
      throw new RangeError(`Tokenizer.fit: minFreq must be a positive integer, got ${minFreq}`);
    if (texts === null || typeof texts !== 'object' || typeof (texts as Iterable<string>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`Tokenizer.fit: texts must be an array (or iterable) of strings, got ${describe(texts)}`);
    }
    const counts = new Map<string, number>();
    let i = 0;
    for (const text of texts) {
      if (typeof text !== 'string') throw new TypeError(`Tokenizer.fit: texts[${i}] must be a string, got ${describe(text)}`);
      for (const tok of this.tokenize(text)) counts.set(tok, (counts.get(tok) ?? 0) + 1);
      i++;
    }
    const learnt = [...counts].filter(([, c]) => c >= minFreq).sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0));
    this.tokens = [...specials, ...learnt.slice(0, maxSize - specials.length).map(([t]) => t)];
    this.index();
    this.fitted = true;
    return this;
  }

  /** The ids of `text` (`<unk>` = 1 for tokens not in the vocabulary), with `<bos>`/`<eos>` when enabled. */
  encode(text: string): number[] {
    this.checkFitted('encode');
    if (typeof text !== 'string') throw new TypeError(`Tokenizer.encode: text must be a string, got ${describe(text)}`);
    const out: number[] = [];
    if (this.bos) out.push(2);
    for (const tok of this.tokenize(text)) out.push(this.ids.get(tok) ?? 1);
    if (this.eos) out.push(this.bos ? 3 : 2);
    return out;
  }

  /**
   * Encodes every text into one row of an int32 tensor (N, L), padded with `<pad>` (0) and truncated to L.
   * @example tok.encodeBatch(['a b c', 'a'], { length: 2, padding: 'pre', truncation: 'pre' }); // [[b, c], [0, a]]
   */
  encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): Tensor {
    this.checkFitted('encodeBatch');
    const { padding = 'post', truncation = 'post' } = options;
    if (!Array.isArray(texts)) throw new TypeError(`Tokenizer.encodeBatch: texts must be an array of strings, got ${describe(texts)}`);
    if (padding !== 'post' && padding !== 'pre')
      throw new RangeError(`Tokenizer.encodeBatch: padding must be 'post' or 'pre', got ${JSON.stringify(padding)}`);
    if (truncation !== 'post' && truncation !== 'pre' && truncation !== false) {
      throw new RangeError(`Tokenizer.encodeBatch: truncation must be 'post', 'pre' or false, got ${JSON.stringify(truncation)}`);
    }
    const rows = texts.map((t, i) => {
      if (typeof t !== 'string') throw new TypeError(`Tokenizer.encodeBatch: texts[${i}] must be a string, got ${describe(t)}`);
      return this.encode(t);
    });
    const length = options.length ?? rows.reduce((m, r) => Math.max(m, r.length), 0);
    if (!Number.isInteger(length) || length < 0)
      throw new RangeError(`Tokenizer.encodeBatch: length must be a non-negative integer, got ${length}`);
    const data = new Int32Array(rows.length * length); // (N, L), zeros are <pad>
    rows.forEach((ids, i) => {
      if (ids.length > length && truncation === false) {
        throw new RangeError(
          `Tokenizer.encodeBatch: texts[${i}] has ${ids.length} tokens, more than length ${length}; pass truncation: 'post' or 'pre' to cut it`,
        );
      }
      const kept = ids.length <= length ? ids : truncation === 'pre' ? ids.slice(ids.length - length) : ids.slice(0, length);
      data.set(kept, i * length + (padding === 'pre' ? length - kept.length : 0));
    });
    return fromArray([rows.length, length], data, 'int32');
  }

  /**
   * The text of `ids`: tokens joined by spaces (words) or nothing (characters), skipping `<pad>`,
   * `<bos>` and `<eos>` unless `skipSpecial` is false. Word spacing is not restored: 'Hi, you' decodes as 'hi , you'.
   * @example tok.decode(tok.encode('the cat')) === 'the cat'
   */
  decode(ids: ArrayLike<number> | Tensor, options: { skipSpecial?: boolean } = {}): string {
    this.checkFitted('decode');
    const { skipSpecial = true } = options;
    if (isTensor(ids) && ids.shape.length !== 1) {
      throw new RangeError(`Tokenizer.decode: a tensor of ids must be 1-D, got shape [${ids.shape.join(', ')}]; decode each row`);
    }
    const values = isTensor(ids) ? ids.toTypedArray() : ids;
    if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
      throw new TypeError(`Tokenizer.decode: ids must be an array of integers, got ${describe(ids)}`);
    }
    const skip = skipSpecial ? new Set([0, ...(this.bos ? [2] : []), ...(this.eos ? [this.bos ? 3 : 2] : [])]) : new Set<number>();
    const parts: string[] = [];
    for (let i = 0; i < values.length; i++) {
      const id = values[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length) {
        throw new RangeError(
          `Tokenizer.decode: ids[${i}] must be an integer in [0, ${this.tokens.length}) (the vocabulary size), got ${id}`,
        );
      }
      if (!skip.has(id)) parts.push(this.tokens[id]);
    }
    return parts.join(this.level === 'word' ? ' ' : '');
  }

  /** The id of `token` (`<unk>`'s id 1 when absent). */
  tokenToId(token: string): number {
    return this.ids.get(token) ?? 1;
  }

  /** The token of `id`. */
  idToToken(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.tokens.length) {
      throw new RangeError(`Tokenizer.idToToken: id must be an integer in [0, ${this.tokens.length}), got ${id}`);
    }
    return this.tokens[id];
  }

  /** The tokenizer as plain JSON; `Tokenizer.fromJSON` rebuilds it. */
  toJSON(): TokenizerJSON {
    return {
      format: 'tessera.tokenizer',
      version: 1,
      level: this.level,
      lowercase: this.lowercase,
      bos: this.bos,
      eos: this.eos,
      vocabulary: [...this.tokens],
    };
  }

  /**
   * Rebuilds a tokenizer from `toJSON()` output (an object or its JSON text), checking it.
   * @example const tok = Tokenizer.fromJSON(await readFile('runs/tokenizer.json', 'utf8'));
   */
  static fromJSON(json: TokenizerJSON | string): Tokenizer {
    const op = 'Tokenizer.fromJSON';
    let obj: unknown = json;
    if (typeof json === 'string') {
      try {
        obj = JSON.parse(json);
      } catch (e) {
        throw new SyntaxError(`${op}: the text is not valid JSON (${(e as Error).message})`);
      }
    }
    if (obj === null || typeof obj !== 'object')
      throw new TypeError(`${op}: expected the object from tokenizer.toJSON(), got ${describe(obj)}`);
    const j = obj as Partial<TokenizerJSON>;
    if (j.format !== 'tessera.tokenizer') throw new TypeError(`${op}: format must be 'tessera.tokenizer', got ${describe(j.format)}`);
    if (j.version !== 1) throw new RangeError(`${op}: version must be 1 (the only version this tessera reads), got ${describe(j.version)}`);
    for (const key of ['level', 'lowercase', 'bos', 'eos'] as const) {
      if (j[key] === undefined) throw new TypeError(`${op}: ${key} is missing; expected the object from tokenizer.toJSON()`);
    }
    const tok = new Tokenizer({ level: j.level, lowercase: j.lowercase, bos: j.bos, eos: j.eos });
    const vocab = j.vocabulary;
    if (!Array.isArray(vocab)) throw new TypeError(`${op}: vocabulary must be an array of strings, got ${describe(vocab)}`);
    const specials = tok.specials();
    specials.forEach((s, i) => {
      if (vocab[i] !== s) throw new RangeError(`${op}: vocabulary[${i}] must be the special token ${s}, got ${describe(vocab[i])}`);
    });
    const seen = new Set<string>();
    vocab.forEach((t, i) => {
      if (typeof t !== 'string' || t === '') throw new TypeError(`${op}: vocabulary[${i}] must be a non-empty string, got ${describe(t)}`);
      if (seen.has(t)) throw new RangeError(`${op}: vocabulary has "${t}" twice (at ${vocab.indexOf(t)} and ${i})`);
      seen.add(t);
    });
    tok.tokens = [...vocab];
    tok.index();
    tok.fitted = true;
    return tok;
  }

  private specials(): string[] {
    return [PAD_TOKEN, UNK_TOKEN, ...(this.bos ? [BOS_TOKEN] : []), ...(this.eos ? [EOS_TOKEN] : [])];
  }

  private index(): void {
    this.ids = new Map(this.tokens.map((t, i) => [t, i]));
  }

  private checkFitted(op: string): void {
    if (!this.fitted)
      throw new Error(`Tokenizer.${op}: the tokenizer has no vocabulary yet; call fit(texts) first, or load one with Tokenizer.fromJSON`);
  }
}

function isTensor(v: unknown): v is Tensor {
  return v !== null && typeof v === 'object' && typeof (v as Tensor).toTypedArray === 'function' && Array.isArray((v as Tensor).shape);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}
