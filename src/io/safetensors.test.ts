// safetensors: byte-exact against the reference writer's published vectors, round trips of every
// tessera dtype, conversions of foreign dtypes, a file written from PyTorch, and refusal of every
// kind of truncated or corrupted file.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { arange, randn, scalar, tensor, zeros } from '../index.js';
import { decodeSafetensors, encodeSafetensors, FileFormatError, readSafetensorsHeader } from './index.js';

const fixture = (name: string) => new URL(`../../../test/fixtures/data/${name}`, import.meta.url);

/** A safetensors file from a header object and raw data, for hand-made (and broken) files. */
function craft(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

test('writes the exact bytes of the reference implementation', () => {
  // vectors from the reference implementation's serialisation tests
  const one = encodeSafetensors({ 'attn.0': arange(6).reshape([1, 2, 3]) });
  const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
  assert.equal(new DataView(one.buffer).getBigUint64(0, true), 64n);
  assert.equal(new TextDecoder().decode(one.subarray(8, 72)), header);
  assert.deepEqual([...one.subarray(72)], [...new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer)]);
  assert.deepEqual([...encodeSafetensors({})], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  const meta = encodeSafetensors({}, { framework: 'pt' });
  assert.equal(meta.length, 48);
  assert.equal(new TextDecoder().decode(meta.subarray(8)), '{"__metadata__":{"framework":"pt"}}     ');
});

test('round-trips float32, int32 and bool tensors of any shape, with metadata', () => {
  const tensors = {
    'fc.weight': randn([3, 5]),
    'fc.bias': zeros([5]),
    steps: tensor([1, -2, 2147483647], { dtype: 'int32' }),
    mask: tensor([
      [true, false],
      [false, true],
    ]),
    scalar: scalar(2.5),
    empty: zeros([0, 4]),
    ['__proto__']: tensor([7]), // computed: an own key, not the prototype
    'ünïcode/name': tensor([1, 2]),
  };
  const bytes = encodeSafetensors(tensors, { format: 'tessera', note: 'x' });
  const header = readSafetensorsHeader(bytes);
  assert.equal(header.dataStart % 8, 0);
  // larger alignment first: F32, then I32, then BOOL, names in byte order within each
  assert.deepEqual([...header.tensors.keys()], ['__proto__', 'empty', 'fc.bias', 'fc.weight', 'scalar', 'ünïcode/name', 'steps', 'mask']);
  const back = decodeSafetensors(bytes, 'x.safetensors');
  assert.deepEqual(back.metadata, { format: 'tessera', note: 'x' });
  assert.equal(Object.getPrototypeOf(back.tensors), Object.prototype);
  for (const [name, t] of Object.entries(tensors)) {
    const u = back.tensors[name];
    assert.ok(u, name);
    assert.equal(u.dtype, t.dtype, name);
    assert.deepEqual(u.shape, t.shape, name);
    assert.deepEqual(u.toArray(), t.toArray(), name);
  }
  assert.deepEqual(encodeSafetensors(new Map(Object.entries(tensors)), { format: 'tessera', note: 'x' }), bytes);
  // from a Node Buffer at an odd offset inside a larger pool (unaligned, shared memory)
  const pool = Buffer.alloc(bytes.length + 3, 0xee);
  pool.set(bytes, 1);
  const unaligned = decodeSafetensors(pool.subarray(1, 1 + bytes.length));
  for (const [name, t] of Object.entries(tensors)) assert.deepEqual(unaligned.tensors[name].toArray(), t.toArray(), name);
});

test('converts foreign dtypes: F64, F16, BF16 to float32; I64, U8, I8, I16 to int32', () => {
  const f64 = new Float64Array([1.5, -2.25]);
  const f16 = new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7c00]); // 1, -2, smallest subnormal, inf
  const bf16 = new Uint16Array([0x3f80, 0x4049]); // 1, 3.140625
  const i64 = new BigInt64Array([-5n, 2147483647n]);
  const parts = [f64, i64, f16, bf16, new Uint8Array([255, 0]), new Int8Array([-128, 1]), new Int16Array([-300, 300])];
  const data = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  const header: Record<string, unknown> = {};
  const names = ['f64', 'i64', 'f16', 'bf16', 'u8', 'i8', 'i16'];
  const dtypes = ['F64', 'I64', 'F16', 'BF16', 'U8', 'I8', 'I16'];
  let off = 0;
  parts.forEach((p, i) => {
    data.set(new Uint8Array(p.buffer), off);
    header[names[i]] = { dtype: dtypes[i], shape: [p.length], data_offsets: [off, off + p.byteLength] };
    off += p.byteLength;
  });
  const { tensors } = decodeSafetensors(craft(header, data));
  assert.deepEqual(tensors.f64.toArray(), [1.5, -2.25]);
  assert.deepEqual(tensors.f16.toArray(), [1, -2, Math.fround(2 ** -24), Number.POSITIVE_INFINITY]);
  assert.deepEqual(tensors.bf16.toArray(), [1, 3.140625]);
  assert.deepEqual(tensors.i64.toArray(), [-5, 2147483647]);
  assert.equal(tensors.i64.dtype, 'int32');
  assert.deepEqual(tensors.u8.toArray(), [255, 0]);
  assert.deepEqual(tensors.i8.toArray(), [-128, 1]);
  assert.deepEqual(tensors.i16.toArray(), [-300, 300]);
  const big = craft({ big: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(new BigInt64Array([2n ** 40n]).buffer));
  assert.throws(
    () => decodeSafetensors(big, 'big.safetensors'),
    /big\.safetensors: tensor "big": I64 value 1099511627776 at element 0 does not fit in int32/,
  );
});

test('reads a file written from PyTorch (fixture made by test/fixtures/data/safetensors_check.py)', () => {
  const bytes = new Uint8Array(readFileSync(fixture('torch.safetensors')));
  const expected = JSON.parse(readFileSync(fixture('torch.safetensors.json'), 'utf8')) as Record<
    string,
    { dtype: string; shape: number[]; values: number[] }
  >;
  const { tensors, metadata } = decodeSafetensors(bytes, 'torch.safetensors');
  assert.deepEqual(metadata, { format: 'pt' });
  assert.deepEqual(Object.keys(tensors).sort(), Object.keys(expected).sort());
  for (const [name, e] of Object.entries(expected)) {
    assert.equal(tensors[name].dtype, e.dtype, name);
    assert.deepEqual(tensors[name].shape, e.shape, name);
    assert.deepEqual(
      Array.from(tensors[name].toTypedArray()),
      e.values.map((v) => (e.dtype === 'float32' ? Math.fround(v) : v)),
      name,
    );
  }
});

test('refuses every truncation of a valid file, naming the file', () => {
  const bytes = encodeSafetensors({ a: randn([4, 3]), b: tensor([1, 2], { dtype: 'int32' }) });
  for (let cut = 0; cut < bytes.length; cut++) {
    assert.throws(
      () => decodeSafetensors(bytes.subarray(0, cut), 'w.safetensors'),
      (e: unknown) => {
        assert.ok(e instanceof FileFormatError, `cut at ${cut}: ${e}`);
        assert.equal(e.file, 'w.safetensors');
        return true;
      },
    );
  }
  assert.throws(
    () => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'w.safetensors'),
    /w\.safetensors: truncated: the header describes 56 bytes of tensor data but only 52 are present/,
  );
});

test('refuses corrupted headers with a message that says what is wrong', () => {
  const f32 = (n: number) => new Uint8Array(4 * n);
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array([1, 2, 3]), /too short/],
    [
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 2n ** 40n, true);
        return b;
      })(),
      /exceeds the 100 MB limit/,
    ],
    [craft(null, undefined, '[1, 2]'), /does not start with '\{'/],
    [craft(null, undefined, '{"a": '), /not valid JSON/],
    [craft(null, new Uint8Array(0), '{"a":\xff}'), /not valid JSON|UTF-8/],
    [craft({ a: { dtype: 'Q8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /tensor "a" has unsupported dtype "Q8"/],
    [craft({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), /tensor "a" has invalid shape \[-1\]/],
    [
      craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, f32(1)),
      /F32 of shape \[2\] \(8 bytes\) but its data_offsets span 4 bytes/,
    ],
    [craft({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)), /leaves a gap \(expected to begin at 0\)/],
    [
      craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(2)),
      /overlaps/,
    ],
    [craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(2)), /4 unexpected bytes after the last tensor/],
    [craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)), /invalid data_offsets \[0\]/],
    [craft({ __metadata__: { n: 1 } }), /__metadata__\["n"\] must be a string/],
    [craft({ a: 'F32' }), /tensor "a" is not an object/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(
      () => decodeSafetensors(bytes, 'bad.safetensors'),
      (e: unknown) => {
        assert.ok(e instanceof FileFormatError, String(e));
        assert.match(e.message, /^bad\.safetensors: /);
        assert.match(e.message, message);
        return true;
      },
    );
  }
});

test('writer validates its inputs', () => {
  assert.throws(() => encodeSafetensors({ a: [1, 2] as never }), /tensors\["a"\] must be a Tensor, got an array/);
  assert.throws(() => encodeSafetensors({ __metadata__: zeros([1]) }), /invalid tensor name "__metadata__"/);
  assert.throws(() => encodeSafetensors({}, { n: 1 as never }), /__metadata__\["n"\] must be a string/);
});
