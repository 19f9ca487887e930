// ByteLevelBPE: training (most frequent pair, deterministic ties), exact round trips on arbitrary
// Unicode, lone surrogates, added tokens, and errors. GPT-2 itself: test/tokenizer_gpt2.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fc, fuzzParams } from '../../test/fuzz.js';
import { ByteLevelBPE } from './bpe.js';
import { trainByteLevelBPE } from './bpe_train.js';

const corpus = 'the cat sat on the mat. the hat, the bat! 日本語の文 🎉🎉 e\u0301te\u0301\n'.repeat(20);

test('train: merges the most frequent pair first, counted over pre-token words', () => {
  const tok = trainByteLevelBPE('aaab aaab ab', 1000);
  // words 'aaab', ' aaab', ' ab' once each: 'a a' 4 times; then 'a b' 3; then 'aa ab' 2; the rest once.
  assert.deepEqual(tok.merges, [
    ['a', 'a'],
    ['a', 'b'],
    ['aa', 'ab'],
  ]);
  assert.equal(tok.vocabSize, 259);
  assert.deepEqual(tok.encode('aaab'), [tok.tokenToId.get('aaab')]);
  assert.deepEqual(tok.encode(' aab'), [tok.tokenToId.get('Ġ'), tok.tokenToId.get('aa'), tok.tokenToId.get('b')]);
});

test('train: deterministic, ties broken by token creation order, vocabSize reached, minFrequency stops', () => {
  const a = trainByteLevelBPE(corpus, 400, { specialTokens: ['<|endoftext|>'] });
  const b = trainByteLevelBPE([corpus], 400, { specialTokens: ['<|endoftext|>'] });
  assert.deepEqual(a.merges, b.merges);
  assert.equal(a.tokenToId.get('<|endoftext|>'), 0);
  assert.equal(a.tokenToId.get('!'), 1); // alphabet sorted by character after the special tokens
  // 'xy' and 'zw' both occur once more than anything else: 'x'(id) < 'z'(id) wins the tie.
  const t = trainByteLevelBPE('zw xy zw xy', 257, { minFrequency: 1 });
  assert.deepEqual(t.merges, [['x', 'y']]);
  const small = trainByteLevelBPE('abcd', 1000); // every pair seen once < minFrequency 2
  assert.equal(small.merges.length, 0);
  assert.throws(() => trainByteLevelBPE('x', 100), /vocabSize must be an integer >= 256/);
});

test('encode/decode: exact round trip on arbitrary well-formed Unicode (fast-check)', () => {
  const tok = trainByteLevelBPE(corpus, 500);
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }), (s, g) => {
      for (const text of [s, g, s + g]) assert.equal(tok.decode(tok.encode(text)), text);
    }),
    fuzzParams(300),
  );
  for (const text of ['', ' ', '\n\n\n', '👩‍👩‍👧‍👦 🇫🇷', 'ｆｕｌｌ　ｗｉｄｔｈ', 'Z̴̡̧a̶l̷g̸o̵', '\u0000\u0001\u007f\u00ad', '\uFEFF\u2028\u00a0x'])
    assert.equal(tok.decode(tok.encode(text)), text);
});

test('encode: a lone surrogate (no UTF-8 form) encodes as U+FFFD, as TextEncoder and tiktoken do', () => {
  const tok = trainByteLevelBPE(corpus, 300);
  for (const text of ['a\uD800b', '\uDC00', 'x\uD83D', '\uDE00\uD83D']) {
    assert.deepEqual(tok.encode(text), tok.encode(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD')));
    assert.equal(tok.decode(tok.encode(text)), text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  }
  // Ids that cut a character's bytes apart decode to U+FFFD there; decodeBytes keeps the bytes.
  const ids = tok.encode('🎉');
  assert.deepEqual([...tok.decodeBytes(ids)], [0xf0, 0x9f, 0x8e, 0x89]);
});

test('added tokens are matched before pre-tokenisation, or read as text when turned off', () => {
  const tok = trainByteLevelBPE(corpus, 400, { specialTokens: ['<|endoftext|>', '<|end|>'] });
  const ids = tok.encode('the cat<|endoftext|>the<|end|>');
  assert.ok(ids.includes(0) && ids.includes(1));
  assert.equal(tok.decode(ids), 'the cat<|endoftext|>the<|end|>');
  assert.equal(tok.decode(ids, { skipSpecial: true }), 'the catthe');
  const plain = tok.encode('<|end|>', { addedTokens: false });
  assert.ok(!plain.includes(1) && plain.length > 1);
  assert.equal(tok.decode(plain), '<|end|>');
});

test('ByteLevelBPE: errors name the merge, the missing token and the bad id', () => {
  const tok = trainByteLevelBPE(corpus, 300);
  assert.throws(() => tok.decode([5, 99999]), /ids\[1\] = 99999 is not a token id \(vocabSize \d+\)/);
  const vocab = Object.fromEntries(tok.tokenToId);
  assert.throws(() => new ByteLevelBPE({ vocab, merges: [['t', 'qq']] }), /merges\[0\] = \["t", "qq"\] needs token "qq"/);
  assert.throws(() => new ByteLevelBPE({ vocab: { ...vocab, Ġx: 0 }, merges: [] }), /id 0 to both/);
  assert.throws(() => tok.encode(42 as never), /text must be a string, received number/);
});
