// A minimal ONNX model writer for the benchmark's two networks (bench/training.ts), so that
// onnxruntime runs exactly the weights every other column gets, without an exporter. It encodes
// the few protobuf messages needed (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto) by hand; field numbers are those of onnx/onnx.proto.

import { type CaseInputs, input } from '../data.js';
import { type Arch, CLASSES, paramInput, sampleShape } from '../training.js';

/** Protobuf writer: fields are appended in order; nested messages are written as bytes. */
class Pb {
  private readonly parts: number[] = [];

  private varint(v: number): void {
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n; // two's complement, as protobuf encodes negative int64
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n > 0n) byte |= 0x80;
      this.parts.push(byte);
    } while (n > 0n);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    this.tag(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(new Float32Array([v]).buffer);
    this.parts.push(...b);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.varint(data.length);
    for (const b of data) this.parts.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Pb): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2;
const ATTR_INTS = 7;

/** A float32 initializer (TensorProto): dims 1, data_type 2, name 8, raw_data 9. */
function initializer(name: string, shape: readonly number[], data: Float32Array): Pb {
  const t = new Pb();
  for (const d of shape) t.int(1, d);
  t.int(2, FLOAT).string(8, name);
  return t.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)); // little-endian, like every host we run on
}

/** ValueInfoProto of a float tensor: name 1, type 2 -> TypeProto.tensor_type 1 -> elem_type 1, shape 2 -> dim 1 -> dim_value 1. */
function valueInfo(name: string, shape: readonly number[]): Pb {
  const dims = new Pb();
  for (const d of shape) dims.message(1, new Pb().int(1, d));
  const tensorType = new Pb().int(1, FLOAT).message(2, dims);
  return new Pb().string(1, name).message(2, new Pb().message(1, tensorType));
}

type Attr = { name: string; int: number } | { name: string; ints: number[] };

/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5 (AttributeProto: name 1, i 3, ints 8, type 20). */
function node(op: string, inputs: string[], output: string, attrs: Attr[] = []): Pb {
  const n = new Pb();
  for (const i of inputs) n.string(1, i);
  n.string(2, output).string(3, `${op}_${output}`).string(4, op);
  for (const a of attrs) {
    const p = new Pb().string(1, a.name);
    if ('int' in a) p.int(3, a.int).int(20, ATTR_INT);
    else {
      for (const v of a.ints) p.int(8, v);
      p.int(20, ATTR_INTS);
    }
    n.message(5, p);
  }
  return n;
}

/**
 * The ONNX model (opset 13) of `arch` at batch 1, with the case's weights ('p:0.weight', ...) as
 * initializers; input 'x' ((1, 784) or (1, 1, 28, 28)), output 'logits' (1, 10).
 */
export function onnxModel(arch: Arch, inputs: CaseInputs): Uint8Array {
  const graph = new Pb();
  const nodes: Pb[] = [];
  const inits: Pb[] = [];
  const param = (name: string): string => {
    const v = input(inputs, paramInput(name));
    inits.push(initializer(name, v.spec.shape, v.data));
    return name;
  };
  const gemm = (x: string, i: number, out: string): string => {
    nodes.push(node('Gemm', [x, param(`${i}.weight`), param(`${i}.bias`)], out, [{ name: 'transB', int: 1 }]));
    return out;
  };
  const relu = (x: string, out: string): string => {
    nodes.push(node('Relu', [x], out));
    return out;
  };
  if (arch === 'mlp') {
    const h1 = relu(gemm('x', 0, 'fc1'), 'h1');
    const h2 = relu(gemm(h1, 2, 'fc2'), 'h2');
    gemm(h2, 4, 'logits');
  } else {
    const conv = (x: string, i: number, out: string): string => {
      nodes.push(node('Conv', [x, param(`${i}.weight`), param(`${i}.bias`)], out, [{ name: 'kernel_shape', ints: [3, 3] }]));
      return out;
    };
    const pool = (x: string, out: string): string => {
      nodes.push(
        node('MaxPool', [x], out, [
          { name: 'kernel_shape', ints: [2, 2] },
          { name: 'strides', ints: [2, 2] },
        ]),
      );
      return out;
    };
    const p1 = pool(relu(conv('x', 0, 'c1'), 'r1'), 'p1'); // (1, 32, 13, 13)
    const p2 = pool(relu(conv(p1, 3, 'c2'), 'r2'), 'p2'); // (1, 64, 5, 5)
    nodes.push(node('Flatten', [p2], 'flat', [{ name: 'axis', int: 1 }])); // (1, 1600)
    gemm('flat', 7, 'logits');
  }
  for (const n of nodes) graph.message(1, n);
  graph.string(2, `tessera-bench-${arch}`);
  for (const t of inits) graph.message(5, t);
  graph.message(11, valueInfo('x', [1, ...sampleShape(arch)]));
  graph.message(12, valueInfo('logits', [1, CLASSES]));
  // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 (domain 1, version 2).
  return new Pb().int(1, 7).string(2, 'tessera bench').message(7, graph).message(8, new Pb().string(1, '').int(2, 13)).finish();
}
