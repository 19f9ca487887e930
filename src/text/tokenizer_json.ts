// Hugging Face `tokenizer.json` for byte-level BPE: the file that `tokenizers`' `Tokenizer.save`
// writes and `Tokenizer.from_file` reads. Supported: model.type "BPE" (vocab; merges as "a b"
// strings, or as [a, b] pairs as tokenizers >= 0.20 writes them), pre_tokenizer ByteLevel (alone or
// as the only member of a Sequence), decoder ByteLevel, added_tokens, ignore_merges. Anything that
// would change the ids silently (a normalizer, a Split pre-tokenizer, BPE dropout, subword prefixes)
// is refused with an error naming it. Post-processors (they only add template tokens) are ignored.

import { type AddedToken, ByteLevelBPE, parseMergeLines } from './bpe.js';

/** The parts of Hugging Face's `tokenizer.json` that a byte-level BPE reads and writes. */
export interface TokenizerJSON {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: Array<{
    id: number;
    content: string;
    single_word: boolean;
    lstrip: boolean;
    rstrip: boolean;
    normalized: boolean;
    special: boolean;
  }>;
  normalizer: null;
  pre_tokenizer: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean; use_regex: boolean };
  post_processor: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean; use_regex: boolean };
  decoder: { type: 'ByteLevel'; add_prefix_space: boolean; trim_offsets: boolean; use_regex: boolean };
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: null;
    end_of_word_suffix: null;
    fuse_unk: boolean;
    byte_fallback: boolean;
    ignore_merges: boolean;
    vocab: Record<string, number>;
    merges: string[] | Array<[string, string]>;
  };
}

/**
 * `tok` as a `tokenizer.json` object (`JSON.stringify` it to save). `merges: 'pairs'` (default)
 * writes [a, b] pairs as tokenizers >= 0.20 does; 'strings' writes "a b" as older versions did.
 *
 * @example writeFileSync('tokenizer.json', JSON.stringify(toTokenizerJSON(tok), null, 2))
 */
export function toTokenizerJSON(tok: ByteLevelBPE, options: { merges?: 'pairs' | 'strings' } = {}): TokenizerJSON {
  // Added tokens are in the vocab too, as Hugging Face's trainer and GPT-2's file have them.
  const vocab: Record<string, number> = {};
  for (const [id, token] of [...tok.idToToken].sort((a, b) => a[0] - b[0])) vocab[token] = id;
  const byteLevel = { type: 'ByteLevel' as const, add_prefix_space: tok.addPrefixSpace, trim_offsets: true, use_regex: tok.useRegex };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: tok.addedTokens.map((t) => ({
      id: t.id,
      content: t.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: t.special !== false,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: tok.ignoreMerges,
      vocab,
      merges:
        options.merges === 'strings' ? tok.merges.map(([a, b]) => `${a} ${b}`) : tok.merges.map(([a, b]) => [a, b] as [string, string]),
    },
  };
}

/**
 * A {@link ByteLevelBPE} from a `tokenizer.json` object or its text; throws naming the first
 * unsupported component.
 *
 * @example const tok = fromTokenizerJSON(readFileSync('tokenizer.json', 'utf8'));
 */
export function fromTokenizerJSON(json: string | Record<string, unknown>): ByteLevelBPE {
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, checked field by field below
  const obj = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, any>;
  const where = 'fromTokenizerJSON';
  const model = obj?.model;
  if (model?.type !== 'BPE') throw new Error(`${where}: model.type must be "BPE", received ${JSON.stringify(model?.type)}`);
  if (obj.normalizer != null)
    throw new Error(`${where}: normalizer ${JSON.stringify(obj.normalizer.type)} is not supported, expected null`);
  if (model.dropout != null && model.dropout !== 0) throw new Error(`${where}: model.dropout must be null, received ${model.dropout}`);
  for (const k of ['continuing_subword_prefix', 'end_of_word_suffix'])
    if (model[k] != null && model[k] !== '')
      throw new Error(`${where}: model.${k} must be null or "", received ${JSON.stringify(model[k])}`);
  let pre = obj.pre_tokenizer;
  if (pre?.type === 'Sequence' && Array.isArray(pre.pretokenizers) && pre.pretokenizers.length === 1) pre = pre.pretokenizers[0];
  if (pre?.type !== 'ByteLevel')
    throw new Error(`${where}: pre_tokenizer must be ByteLevel (GPT-2's rule), received ${JSON.stringify(pre?.type ?? pre)}`);
  const dec = obj.decoder;
  if (dec != null && dec.type !== 'ByteLevel')
    throw new Error(`${where}: decoder must be ByteLevel or null, received ${JSON.stringify(dec.type)}`);
  if (model.vocab === null || typeof model.vocab !== 'object') throw new Error(`${where}: model.vocab must be an object token -> id`);
  if (!Array.isArray(model.merges)) throw new Error(`${where}: model.merges must be an array`);
  const merges: Array<[string, string]> = model.merges.map((m: unknown, i: number) => {
    if (typeof m === 'string') return parseMergeLines([m], `${where}: model.merges`, i)[0];
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
    throw new Error(`${where}: model.merges[${i}] = ${JSON.stringify(m)}, expected "a b" or ["a", "b"]`);
  });
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, checked field by field below
  const addedTokens: AddedToken[] = (obj.added_tokens ?? []).map((t: any, i: number) => {
    if (!Number.isInteger(t?.id) || typeof t?.content !== 'string')
      throw new Error(`${where}: added_tokens[${i}] must have an integer id and a string content, received ${JSON.stringify(t)}`);
    return { id: t.id, content: t.content, special: t.special !== false };
  });
  return new ByteLevelBPE({
    vocab: model.vocab,
    merges,
    addedTokens,
    addPrefixSpace: pre.add_prefix_space === true,
    useRegex: pre.use_regex !== false,
    ignoreMerges: model.ignore_merges === true,
  });
}
