// GPT-2's tokenizer in tessera against js-tiktoken (the oracle, a devDependency): tessera's
// ByteLevelBPE is built from the GPT-2 ranks that js-tiktoken ships, with the merges recovered from
// the ranks (src/text/bpe.ts fromRanks), then must give js-tiktoken's ids on the whole Shakespeare
// corpus and on arbitrary Unicode, decode them back, and survive GPT-2's own file formats.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getEncoding } from 'js-tiktoken';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { ByteLevelBPE } from '../src/text/bpe.js';
import { fromTokenizerJSON, toTokenizerJSON } from '../src/text/tokenizer_json.js';
import { fc, fuzzParams } from './fuzz.js';
import { skipUnlessAvailable } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url)); // dist/test/ -> the repository
const shakespeare = [join(root, 'data/tinyshakespeare/input.txt'), join(root, '../shared/data/tinyshakespeare/input.txt')].find((p) =>
  existsSync(p),
);

/** js-tiktoken's GPT-2 ranks (lines of 'first offset base64 base64 ...') as [bytes, rank]. */
function tiktokenRanks(): Array<[Uint8Array, number]> {
  const out: Array<[Uint8Array, number]> = [];
  for (const line of gpt2Ranks.bpe_ranks.split('\n')) {
    if (line === '') continue;
    const [, offset, ...tokens] = line.split(' ');
    tokens.forEach((b64, i) => {
      out.push([new Uint8Array(Buffer.from(b64, 'base64')), Number(offset) + i]);
    });
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const gpt2 = ByteLevelBPE.fromRanks(tiktokenRanks(), gpt2Ranks.special_tokens);
const oracle = getEncoding('gpt2');

test('GPT-2 from js-tiktoken ranks: the vocabulary and merges of GPT-2 encoder.json / vocab.bpe', () => {
  assert.equal(gpt2.vocabSize, 50257);
  assert.equal(gpt2.merges.length, 50000);
  assert.deepEqual(gpt2.merges.slice(0, 4), [
    ['Ġ', 't'],
    ['Ġ', 'a'],
    ['h', 'e'],
    ['i', 'n'],
  ]);
  assert.equal(gpt2.tokenToId.get('Ġthe'), 262);
  assert.equal(gpt2.tokenToId.get('<|endoftext|>'), 50256);
  assert.deepEqual(gpt2.encode('Hello world'), [15496, 995]);
});

test('GPT-2: the whole Shakespeare corpus encodes to js-tiktoken ids and decodes back', (t) => {
  if (skipUnlessAvailable(t, shakespeare !== undefined, 'the tinyshakespeare corpus (data/tinyshakespeare/input.txt)')) return;
  const text = readFileSync(shakespeare as string, 'utf8');
  assert.equal(text.length, 1115394);
  const ids = gpt2.encode(text);
  const expected = oracle.encode(text);
  assert.equal(ids.length, expected.length);
  const first = ids.findIndex((id, i) => id !== expected[i]);
  assert.equal(first, -1, `first differing id at ${first}: ${ids[first]} vs js-tiktoken ${expected[first]}`);
  assert.equal(gpt2.decode(ids), text);
  assert.equal(gpt2.decode(expected), text);
});

test('GPT-2: arbitrary Unicode (emoji, CJK, combining marks, lone surrogates) gives js-tiktoken ids', () => {
  const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
  const text = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }), surrogate), {
    maxLength: 6,
  });
  fc.assert(
    fc.property(text, (parts) => {
      const s = parts.join('');
      const ids = gpt2.encode(s);
      assert.deepEqual(ids, oracle.encode(s));
      assert.equal(gpt2.decode(ids), s.replace(LONE_SURROGATE, '\uFFFD')); // lone surrogates come back as U+FFFD
    }),
    fuzzParams(300),
  );
  for (const s of ['👩‍👩‍👧‍👦 🇫🇷 e\u0301 Z̴̡a̶ 日本語テキスト  한국어', "It's 2024!!  \n\n\tok   ", '\uFEFFbom', '<|endoftext|>x<|endoftext|>'])
    assert.deepEqual(gpt2.encode(s), oracle.encode(s, 'all'), s);
});

test('GPT-2: long pre-tokens (the heap merge path, over 48 bytes) give js-tiktoken ids', () => {
  const letters = fc.constantFrom(...'aeinorsthlbcéü日'.split(''));
  const word = fc.array(letters, { minLength: 49, maxLength: 400 }).map((cs) => cs.join(''));
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), fc.constantFrom(' ', '', '!!'), (words, sep) => {
      const s = words.join(sep);
      assert.deepEqual(gpt2.encode(s), oracle.encode(s));
    }),
    fuzzParams(200),
  );
  for (const s of [
    'a'.repeat(1000),
    'ab'.repeat(300),
    ' '.repeat(500),
    '!?'.repeat(200),
    'x'.repeat(49),
    `${'Honorificabilitudinitatibus'.repeat(5)}`,
  ])
    assert.deepEqual(gpt2.encode(s), oracle.encode(s), s.slice(0, 20));
});

test('GPT-2: saved as tokenizer.json and as encoder.json + vocab.bpe, loads with the same ids', (t) => {
  const sample =
    shakespeare !== undefined
      ? readFileSync(shakespeare, 'utf8').slice(0, 100_000)
      : 'First Citizen:\nBefore we proceed any further, hear me speak.';
  if (shakespeare === undefined) t.diagnostic('Shakespeare missing: a short sample');
  const ids = gpt2.encode(`${sample}<|endoftext|>`);
  const json = toTokenizerJSON(gpt2, { merges: 'strings' });
  assert.equal(json.model.merges[0], 'Ġ t');
  assert.deepEqual(fromTokenizerJSON(JSON.stringify(json)).encode(`${sample}<|endoftext|>`), ids);
  const encoder = Object.fromEntries(gpt2.tokenToId);
  const vocabBpe = `#version: 0.2\n${gpt2.merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`;
  assert.deepEqual(ByteLevelBPE.fromGpt2Files(encoder, vocabBpe).encode(`${sample}<|endoftext|>`), ids);
});
