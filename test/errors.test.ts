// Bad input gets a clear error: the op and argument are named, with the expected and the received
// shape, type or value. Each row is one misuse, the error class and a pattern its message matches.
//
//   npx tsc -p tsconfig.json && node --test dist/test/errors.test.js

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as T from '../src/index.js';
import { noGrad, type Tensor } from '../src/index.js';

type ErrorClass = typeof TypeError | typeof RangeError | typeof Error;
type Row = [name: string, thunk: () => unknown, cls: ErrorClass, message: RegExp];

const x23 = () => T.ones([2, 3]);
const i32 = (values: number[]) => T.tensor(values, { dtype: 'int32' });
const leaf = () => T.ones([2, 3], { requiresGrad: true });
const img = () => T.ones([1, 3, 5, 5]);
const any = (v: unknown) => v as Tensor;

const DTYPES: Row[] = [
  [
    'matmul of int32',
    () => T.matmul(T.ones([2, 2], { dtype: 'int32' }), x23()),
    TypeError,
    /^matmul: expected float32 operands, got int32 @ float32$/,
  ],
  [
    'conv2d of int32',
    () => T.conv2d(T.ones([1, 1, 3, 3], { dtype: 'int32' }), T.ones([1, 1, 2, 2])),
    TypeError,
    /^conv2d: expected float32 input and weight, got int32 and float32$/,
  ],
  [
    'maxPool2d of bool',
    () => T.maxPool2d(T.ones([1, 1, 2, 2], { dtype: 'bool' }), 2),
    TypeError,
    /^maxPool2d: expected a float32 input, got bool$/,
  ],
  ['softmax of int32', () => T.softmax(i32([1, 2])), TypeError, /^softmax: expected a float32 tensor, got int32$/],
  ['relu of bool', () => T.relu(T.tensor([true])), TypeError, /^relu: expected a float32 tensor, got bool/],
  ['mean of int32', () => T.mean(i32([1, 2])), TypeError, /^mean: expected a float32 tensor, got int32/],
  ['var of int32', () => T.variance(i32([1, 2])), TypeError, /^var: expected a float32 tensor, got int32/],
  ['neg of bool', () => T.neg(T.tensor([true])), TypeError, /^neg: not defined for bool tensors; use logicalNot$/],
  ['sub of two bools', () => T.sub(T.tensor([true]), T.tensor([false])), TypeError, /^sub: not defined for two bool tensors/],
  [
    'requiresGrad_ on int32',
    () => i32([1]).requiresGrad_(),
    TypeError,
    /^requiresGrad_: only float32 tensors can require gradients, got int32$/,
  ],
  [
    'requiresGrad option on int32',
    () => T.tensor([1], { dtype: 'int32', requiresGrad: true }),
    TypeError,
    /requiresGrad_: only float32 tensors can require gradients, got int32/,
  ],
  [
    'gather with float32 index',
    () => T.gather(x23(), 1, T.zeros([2, 1])),
    TypeError,
    /^gather: index must be an int32 tensor, got float32$/,
  ],
  [
    'indexSelect with bool index',
    () => T.indexSelect(x23(), 0, T.tensor([true])),
    TypeError,
    /^indexSelect: index must be an int32 tensor, got bool$/,
  ],
  [
    'embedding with float32 indices',
    () => T.embedding(T.tensor([0]), x23()),
    TypeError,
    /^embedding: indices must be an int32 tensor, got float32$/,
  ],
  ['where with a float32 condition', () => T.where(x23(), 1, 0), TypeError, /^where: condition must be a bool tensor, got float32/],
  [
    'maskedFill with an int32 mask',
    () => T.maskedFill(x23(), i32([1, 0, 1]), 0),
    TypeError,
    /^maskedFill: mask must be a bool tensor, got int32$/,
  ],
  [
    'crossEntropy with bool targets',
    () => T.crossEntropy(x23(), T.tensor([true, false])),
    TypeError,
    /^crossEntropy: target must be int32 class indices or float32 probabilities, got bool$/,
  ],
  [
    'to an unknown dtype',
    () => x23().to('float64' as T.DType),
    TypeError,
    /^to: expected a dtype \(float32, int32, bool\) or a device \(cpu, reference\), got 'float64'$/,
  ],
  [
    'zeros with an unknown dtype',
    () => T.zeros([2], { dtype: 'float16' as T.DType }),
    TypeError,
    /^zeros: dtype must be one of float32, int32, bool, got float16$/,
  ],
  ['rand with dtype int32', () => T.rand([2], { dtype: 'int32' }), TypeError, /^rand: dtype must be float32, got int32$/],
  [
    'tensor of strings',
    () =>
      T.tensor([
        [1, 2],
        [3, 'a' as unknown as number],
      ]),
    TypeError,
    /^tensor: expected numbers or booleans, got string at \[1\]\[1\]$/,
  ],
  [
    'full with a string value',
    () => T.full([2], 'a' as unknown as number),
    TypeError,
    /^full: value must be a number or boolean, got string$/,
  ],
];

const NOT_TENSORS: Row[] = [
  ['neg of a number', () => T.neg(any(5)), TypeError, /^neg: input must be a Tensor, got number$/],
  ['exp of a number', () => T.exp(any(5)), TypeError, /^exp: expected a Tensor, got number$/],
  [
    'add of an array',
    () => T.add(x23(), any([1, 2, 3])),
    TypeError,
    /^add: expected a Tensor or a number, got an array \(wrap it with tensor\(\.\.\.\)\)$/,
  ],
  ['add of two numbers', () => T.add(1, 2), TypeError, /^add: at least one argument must be a Tensor, got number and number$/],
  ['sum of an array', () => T.sum(any([1, 2])), TypeError, /^sum: input must be a Tensor, got an array/],
  ['reshape of a number', () => T.reshape(any(5), [1]), TypeError, /^reshape: input must be a Tensor, got number$/],
  [
    'reshape to a number',
    () => T.reshape(x23(), 6 as unknown as number[]),
    TypeError,
    /^reshape: shape must be an array of integers, got number$/,
  ],
  [
    'permute with a number',
    () => T.permute(x23(), 1 as unknown as number[]),
    TypeError,
    /^permute: dims must be an array of integers, got number$/,
  ],
  ['stack with a number', () => T.stack([x23(), any(5)]), TypeError, /^stack: tensors\[1\] must be a Tensor, got number$/],
  ['concat with null', () => T.concat([any(null), x23()]), TypeError, /^concat: tensors\[0\] must be a Tensor, got null$/],
  ['matmul with undefined', () => T.matmul(x23(), any(undefined)), TypeError, /^matmul: b must be a Tensor, got undefined$/],
  ['gather with an array index', () => T.gather(x23(), 0, any([0])), TypeError, /^gather: index must be a Tensor, got an array/],
  ['conv2d with a number weight', () => T.conv2d(img(), any(3)), TypeError, /^conv2d: weight must be a Tensor, got number$/],
  ['maxPool2d of a number', () => T.maxPool2d(any(1), 2), TypeError, /^maxPool2d: input must be a Tensor, got number$/],
  ['softmax of a string', () => T.softmax(any('x')), TypeError, /^softmax: input must be a Tensor, got string$/],
  [
    'crossEntropy with an array target',
    () => T.crossEntropy(x23(), any([0, 1])),
    TypeError,
    /^crossEntropy: target must be a Tensor, got an array/,
  ],
  ['zerosLike of a number', () => T.zerosLike(any(1)), TypeError, /^zerosLike: input must be a Tensor, got number$/],
  [
    'tensor of a Tensor',
    () => T.tensor(x23() as unknown as number[]),
    TypeError,
    /^tensor: data is already a Tensor; use \.clone\(\) or \.detach\(\)$/,
  ],
];

const DIMS: Row[] = [
  [
    'sum over dim 2 of a matrix',
    () => T.sum(x23(), 2),
    RangeError,
    /^sum: dim 2 is out of range for a tensor of rank 2 \(expected -2\.\.1\)$/,
  ],
  ['sum over a repeated dim', () => T.sum(x23(), [0, -2]), RangeError, /^sum: dim -2 appears more than once in \[0, -2\]$/],
  ['sum over a fractional dim', () => T.sum(x23(), 0.5), TypeError, /^sum: dim must be an integer, got 0\.5$/],
  ['max over dim -3', () => T.max(x23(), -3), RangeError, /^max: dim -3 is out of range for a tensor of rank 2/],
  [
    'max over an empty dim',
    () => T.max(T.zeros([2, 0]), 1),
    RangeError,
    /^max: cannot reduce over an empty dimension \(shape \[2, 0\], dims \[1\]\)$/,
  ],
  [
    'argmax over an empty dim',
    () => T.argmax(T.zeros([2, 0]), 1),
    RangeError,
    /^argmax: cannot take argmax over an empty dimension \(shape \[2, 0\], dim 1\)$/,
  ],
  [
    'argmax of an empty tensor',
    () => T.argmax(T.zeros([0])),
    RangeError,
    /^argmax: cannot take argmax over an empty dimension \(shape \[0\]\)$/,
  ],
  ['softmax over dim 3', () => T.softmax(x23(), 3), RangeError, /^softmax: dim 3 is out of range for a tensor of rank 2/],
  ['softmax of a scalar', () => T.softmax(T.scalar(1)), RangeError, /^softmax: expected at least 1 dim, got a scalar$/],
  ['transpose with dim1 5', () => T.transpose(x23(), 0, 5), RangeError, /^transpose: dim1 5 is out of range for a tensor of rank 2/],
  ['permute repeating a dim', () => T.permute(x23(), [1, 1]), RangeError, /^permute: dims \[1, 1\] repeat a dimension$/],
  ['permute with too few dims', () => T.permute(x23(), [0]), RangeError, /^permute: expected 2 dims for shape \[2, 3\], got \[0\]$/],
  ['unsqueeze at dim 4 of a matrix', () => T.unsqueeze(x23(), 4), RangeError, /^unsqueeze: dim 4 is out of range for a tensor of rank 3/],
  [
    'flatten with start after end',
    () => T.flatten(T.ones([2, 3, 4]), 2, 1),
    RangeError,
    /^flatten: startDim \(2\) must not come after endDim \(1\)$/,
  ],
  [
    'concat along dim 2 of matrices',
    () => T.concat([x23(), x23()], 2),
    RangeError,
    /^concat: dim 2 is out of range for a tensor of rank 2/,
  ],
  ['stack at dim 4 of matrices', () => T.stack([x23(), x23()], 4), RangeError, /^stack: dim 4 is out of range for a tensor of rank 3/],
  ['split along dim 2', () => T.split(x23(), 1, 2), RangeError, /^split: dim 2 is out of range/],
  ['squeeze of dim 5', () => T.squeeze(x23(), 5), RangeError, /^squeeze: dim 5 is out of range/],
];

const INDICES: Row[] = [
  [
    'gather index past the end',
    () => T.gather(x23(), 1, i32([0, 5]).reshape([2, 1])),
    RangeError,
    /^gather: index 5 at \[1, 0\] is out of range for dim 1 of size 3 \(valid: 0 to 2; negative indices are not allowed\)$/,
  ],
  [
    'gather index of another rank',
    () => T.gather(x23(), 1, i32([0])),
    RangeError,
    /^gather: index must have the same rank as input \(2\), got shape \[1\]$/,
  ],
  [
    'gather index larger than input',
    () => T.gather(x23(), 1, T.zeros([3, 1], { dtype: 'int32' })),
    RangeError,
    /^gather: index shape \[3, 1\] exceeds input shape \[2, 3\] at dim 0$/,
  ],
  [
    'indexSelect index too negative',
    () => T.indexSelect(x23(), 1, i32([-4])),
    RangeError,
    /^indexSelect: index -4 at \[0\] is out of range for dim 1 of size 3 \(valid: 0 to 2; negative indices are not allowed\)$/,
  ],
  [
    'indexSelect with a 2-D index',
    () => T.indexSelect(x23(), 0, i32([0, 1]).reshape([1, 2])),
    RangeError,
    /^indexSelect: index must be 1-D, got shape \[1, 2\]$/,
  ],
  [
    'embedding index past the end',
    () => T.embedding(i32([1, 7]), T.ones([5, 2])),
    RangeError,
    /^embedding: indices 7 at \[1\] is out of range for weight \[5, 2\] with 5 rows \(valid: 0 to 4; negative indices are not allowed\)$/,
  ],
  [
    'embedding with a 1-D weight',
    () => T.embedding(i32([1]), T.ones([5])),
    RangeError,
    /^embedding: weight must be 2-D \(numEmbeddings, dim\), got shape \[5\]$/,
  ],
  [
    'crossEntropy target past the classes',
    () => T.crossEntropy(x23(), i32([0, 3])),
    RangeError,
    /^crossEntropy: target 3 is out of range for 3 classes \(row 1; valid: 0 to 2, or ignoreIndex -100\)$/,
  ],
  ['select index past the end', () => T.select(x23(), 0, 2), RangeError, /^select: index 2 is out of range for dim 0 of size 2$/],
  ['slice index past the end', () => T.slice(x23(), 0, 3), RangeError, /^slice: index 3 is out of range for dim 1 of size 3$/],
  ['slice with step 0', () => T.slice(x23(), [0, 2, 0]), RangeError, /^slice: step must be a positive integer, got 0 \(dim 0\)$/],
  ['slice with too many specs', () => T.slice(x23(), 0, 0, 0), RangeError, /^slice: 3 specs for a tensor of rank 2$/],
  ['narrow past the end', () => T.narrow(x23(), 1, 2, 2), RangeError, /^narrow: start 2 and length 2 do not fit dim 1 of size 3$/],
  [
    'item of two elements',
    () => T.ones([2]).item(),
    RangeError,
    /^item: only one-element tensors can be converted to a number, got shape \[2\]$/,
  ],
];

const SHAPES: Row[] = [
  [
    'reshape to another size',
    () => T.reshape(x23(), [4]),
    RangeError,
    /^reshape: cannot reshape tensor of shape \[2, 3\] \(6 elements\) into \[4\] \(4 elements\)$/,
  ],
  ['reshape with two -1', () => T.reshape(x23(), [-1, -1]), RangeError, /^reshape: only one dimension can be -1, got \[-1, -1\]$/],
  [
    'reshape with -1 not dividing',
    () => T.reshape(x23(), [4, -1]),
    RangeError,
    /^reshape: cannot reshape tensor of shape \[2, 3\] \(6 elements\) into \[4, -1\]$/,
  ],
  [
    'reshape with a negative dim',
    () => T.reshape(x23(), [-2, -3]),
    TypeError,
    /^reshape: shape must be a list of non-negative integers, got \[-2, -3\]$/,
  ],
  [
    'view of a transpose',
    () => T.view(x23().T, [6]),
    Error,
    /^view: tensor of shape \[3, 2\] is not contiguous \(a transpose or slice\?\); use reshape\(\) or contiguous\(\)\.view\(\)$/,
  ],
  [
    'expand a non-1 dim',
    () => T.expand(x23(), [4, 3]),
    RangeError,
    /^expand: cannot expand shape \[2, 3\] to \[4, 3\] \(dim 0: 2 is not 1\)$/,
  ],
  ['expand to fewer dims', () => T.expand(x23(), [6]), RangeError, /^expand: target \[6\] has fewer dims than the tensor's \[2, 3\]$/],
  [
    'concat of mismatched shapes',
    () => T.concat([x23(), T.ones([2, 4])], 0),
    RangeError,
    /^concat: tensors\[1\] has shape \[2, 4\], expected \[\*, 3\] to join along dim 0$/,
  ],
  [
    'concat of different ranks',
    () => T.concat([x23(), T.ones([3])], 0),
    RangeError,
    /^concat: tensors\[1\] has shape \[3\], expected \[\*, 3\]/,
  ],
  ['concat of nothing', () => T.concat([]), RangeError, /^concat: expected a non-empty array of tensors$/],
  [
    'stack of mismatched shapes',
    () => T.stack([x23(), T.ones([3, 2])]),
    RangeError,
    /^stack: tensors\[1\] has shape \[3, 2\], expected \[2, 3\]$/,
  ],
  [
    'add of shapes that do not broadcast',
    () => T.add(x23(), T.ones([4])),
    RangeError,
    /^add: shapes \[2, 3\] and \[4\] cannot be broadcast \(dim -1: 3 vs 4\)$/,
  ],
  [
    'logicalAnd of shapes that do not broadcast',
    () => T.logicalAnd(T.ones([2], { dtype: 'bool' }), T.ones([3], { dtype: 'bool' })),
    RangeError,
    /^logicalAnd: shapes \[2\] and \[3\] cannot be broadcast/,
  ],
  [
    'where of shapes that do not broadcast',
    () => T.where(T.ones([2], { dtype: 'bool' }), x23(), 0),
    RangeError,
    /^where: shapes \[2\] and \[2, 3\] cannot be broadcast/,
  ],
  [
    'matmul of mismatched inner dims',
    () => T.matmul(T.ones([32, 784]), T.ones([512, 10])),
    RangeError,
    /^matmul: inner dimensions differ: \[32, 784\] @ \[512, 10\]$/,
  ],
  [
    'matmul of mismatched vectors',
    () => T.matmul(T.ones([3]), T.ones([4])),
    RangeError,
    /^matmul: inner dimensions differ: \[3\] @ \[4\]$/,
  ],
  [
    'matmul vector @ matrix mismatched',
    () => T.matmul(T.ones([3]), T.ones([4, 2])),
    RangeError,
    /^matmul: inner dimensions differ: \[3\] @ \[4, 2\]$/,
  ],
  [
    'matmul of unbroadcastable batches',
    () => T.matmul(T.ones([2, 3, 4]), T.ones([3, 4, 5])),
    RangeError,
    /^matmul \[2, 3, 4\] @ \[3, 4, 5\]: batch dims: shapes \[2\] and \[3\] cannot be broadcast/,
  ],
  [
    'matmul of a scalar',
    () => T.matmul(T.scalar(2), x23()),
    RangeError,
    /^matmul: both operands need at least 1 dim, got \[\] @ \[2, 3\]$/,
  ],
  [
    'conv2d of a 2-D input',
    () => T.conv2d(T.ones([28, 28]), T.ones([1, 1, 3, 3])),
    RangeError,
    /^conv2d: input must be 4-D \(N, C, H, W\), got shape \[28, 28\]$/,
  ],
  [
    'conv2d with a 3-D weight',
    () => T.conv2d(img(), T.ones([2, 3, 3])),
    RangeError,
    /^conv2d: weight must be 4-D \(O, C\/groups, KH, KW\), got shape \[2, 3, 3\]$/,
  ],
  [
    'conv2d with mismatched channels',
    () => T.conv2d(img(), T.ones([8, 4, 3, 3])),
    RangeError,
    /^conv2d: weight \[8, 4, 3, 3\] expects 4 input channels \(C\/groups = 4, groups 1\), got input \[1, 3, 5, 5\]$/,
  ],
  [
    'conv2d with groups not dividing',
    () => T.conv2d(img(), T.ones([4, 1, 3, 3]), null, { groups: 2 }),
    RangeError,
    /^conv2d: groups \(2\) must divide input channels \(3\) and output channels \(4\)$/,
  ],
  [
    'conv2d with a wrong bias',
    () => T.conv2d(img(), T.ones([2, 3, 3, 3]), T.ones([3])),
    RangeError,
    /^conv2d: bias must have shape \[2\], got \[3\]$/,
  ],
  [
    'conv2d kernel larger than input',
    () => T.conv2d(img(), T.ones([2, 3, 7, 3])),
    RangeError,
    /^conv2d: kernel \(7, dilation 1\) is larger than the padded input \(5 \+ 2\*0\) in height$/,
  ],
  [
    'conv2d with stride 0',
    () => T.conv2d(img(), T.ones([2, 3, 3, 3]), null, { stride: 0 }),
    RangeError,
    /^conv2d: stride must be integers >= 1, got 0$/,
  ],
  [
    "conv2d 'same' with stride 2",
    () => T.conv2d(img(), T.ones([2, 3, 3, 3]), null, { padding: 'same', stride: 2 }),
    RangeError,
    /^conv2d: padding 'same' needs stride 1$/,
  ],
  [
    'conv1d of a 4-D input',
    () => T.conv1d(img(), T.ones([1, 3, 3])),
    RangeError,
    /^conv1d: input must be 3-D \(N, C, L\), got shape \[1, 3, 5, 5\]$/,
  ],
  [
    'maxPool2d kernel larger than input',
    () => T.maxPool2d(img(), 6),
    RangeError,
    /^maxPool2d: kernel \[6, 6\] is larger than the padded input \[5, 5\]$/,
  ],
  [
    'avgPool2d padding over half the kernel',
    () => T.avgPool2d(img(), 2, { padding: 2 }),
    RangeError,
    /^avgPool2d: padding \(2, 2\) must be at most half the kernel size \(2, 2\)$/,
  ],
  ['maxPool1d of a 2-D input', () => T.maxPool1d(x23(), 2), RangeError, /^maxPool1d: input must be 3-D \(N, C, L\), got shape \[2, 3\]$/],
  [
    'split sections not summing to the dim',
    () => T.split(x23(), [1, 1], 1),
    RangeError,
    /^split: sections \[1, 1\] sum to 2, but dim 1 has size 3$/,
  ],
  ['chunk into 0 pieces', () => T.chunk(x23(), 0), RangeError, /^chunk: chunks must be a positive integer, got 0$/],
  [
    'pad with an odd-length padding',
    () => T.pad(x23(), [1, 2, 3]),
    RangeError,
    /^pad: padding must hold an even number of integers, at most 2 per dim \(4\), got \[1, 2, 3\]$/,
  ],
  ['pad cropping below zero', () => T.pad(x23(), [-2, -2]), RangeError, /^pad: padding \[-2, -2\] makes dim 1 negative$/],
  [
    'crossEntropy of 1-D logits',
    () => T.crossEntropy(T.ones([3]), i32([0])),
    RangeError,
    /^crossEntropy: logits must be \(N, C\) or \(N, C, d\.\.\.\), got shape \[3\]$/,
  ],
  [
    'crossEntropy with mismatched targets',
    () => T.crossEntropy(x23(), i32([0, 1, 2])),
    RangeError,
    /^crossEntropy: target shape \[3\] does not match logits \[2, 3\] \(expected \[2\]\)$/,
  ],
  [
    'crossEntropy probabilities of another shape',
    () => T.crossEntropy(x23(), T.ones([3, 2])),
    RangeError,
    /^crossEntropy: probability targets must match logits shape \[2, 3\], got \[3, 2\]$/,
  ],
  [
    'crossEntropy with a wrong weight',
    () => T.crossEntropy(x23(), i32([0, 1]), { weight: T.ones([2]) }),
    RangeError,
    /^crossEntropy: weight must have shape \[3\], got \[2\]$/,
  ],
  [
    'crossEntropy with a bad reduction',
    () => T.crossEntropy(x23(), i32([0, 1]), { reduction: 'avg' as 'mean' }),
    RangeError,
    /^crossEntropy: reduction must be 'mean', 'sum' or 'none', got avg$/,
  ],
  [
    'tensor of a ragged array',
    () => T.tensor([[1, 2], [3]]),
    RangeError,
    /^tensor: ragged nested array: expected length 2 at \[1\], got 1$/,
  ],
  ['zeros of a negative size', () => T.zeros([2, -1]), TypeError, /^zeros: shape must be a list of non-negative integers, got \[2, -1\]$/],
  ['ones of a fractional size', () => T.ones([2.5]), TypeError, /^ones: shape must be a list of non-negative integers, got \[2\.5\]$/],
  [
    'copy_ from a larger shape',
    () => T.zeros([3]).copy_(T.ones([2, 3])),
    RangeError,
    /^copy_: a source of shape \[2, 3\] cannot be broadcast to the destination's shape \[3\]$/,
  ],
  [
    'add_ that would grow the tensor',
    () => T.zeros([3]).add_(T.ones([2, 1])),
    RangeError,
    /^add_: a source of shape \[2, 1\] cannot be broadcast to the destination's shape \[3\]$/,
  ],
  ['fill_ of an expanded view', () => T.zeros([1, 3]).expand([2, 3]).fill_(1), Error, /^fill_: the destination is an expanded view/],
];

const VALUES: Row[] = [
  ['clamp with min above max', () => T.clamp(x23(), 2, 1), RangeError, /^clamp: min \(2\) must not exceed max \(1\)$/],
  ['clamp without bounds', () => T.clamp(x23()), TypeError, /^clamp: at least one of min and max must be given$/],
  ['dropout with p 1.5', () => T.dropout(x23(), 1.5), RangeError, /^dropout: p must be in \[0, 1\], got 1\.5$/],
  [
    'crossEntropy with labelSmoothing 2',
    () => T.crossEntropy(x23(), i32([0, 1]), { labelSmoothing: 2 }),
    RangeError,
    /^crossEntropy: labelSmoothing must be in \[0, 1\], got 2$/,
  ],
  ['arange with step 0', () => T.arange(0, 5, 0), RangeError, /^arange: start, end and step must be finite and step nonzero, got 0, 5, 0$/],
  ['linspace with negative steps', () => T.linspace(0, 1, -1), RangeError, /^linspace: steps must be a non-negative integer, got -1$/],
  ['randint with low >= high', () => T.randint(3, 3, [2]), RangeError, /^randint: need integers low < high, got 3, 3$/],
  ['manualSeed of NaN', () => T.manualSeed(Number.NaN), TypeError, /^manualSeed: seed must be a finite number, got NaN$/],
  [
    'setRngState of a bad state',
    () => T.setRngState([1, 2]),
    TypeError,
    /^setRngState: expected the 5 numbers returned by getRngState\(\)$/,
  ],
  [
    'setDefaultDevice of an unknown name',
    () => T.setDefaultDevice('cuda'),
    Error,
    /^setDefaultDevice: unknown device 'cuda' \(available: cpu, reference\)$/,
  ],
  ['setMemoryBudget of 0', () => T.setMemoryBudget(0), RangeError, /^setMemoryBudget: bytes must be positive, got 0$/],
];

const AUTOGRAD: Row[] = [
  [
    'backward of a non-scalar without a gradient',
    () => leaf().mul(2).backward(),
    Error,
    /^backward: a gradient can be created implicitly only for a one-element output; got shape \[2, 3\]\. Pass a gradient of that shape: y\.backward\(grad\)$/,
  ],
  [
    'backward with a gradient of another shape',
    () =>
      leaf()
        .mul(2)
        .backward(T.ones([3, 2])),
    RangeError,
    /^backward: gradient shape \[3, 2\] does not match output shape \[2, 3\]$/,
  ],
  ['backward of a tensor without grad', () => x23().sum().backward(), Error, /^backward: this tensor does not require grad/],
  [
    'backward of a result computed under noGrad',
    () => {
      const x = leaf();
      noGrad(() => x.mul(2).sum()).backward();
    },
    Error,
    /^backward: this tensor does not require grad/,
  ],
  [
    'backward twice without retainGraph',
    () => {
      const y = leaf().mul(3).sum();
      y.backward();
      y.backward();
    },
    Error,
    /^backward: the graph through 'sum' was already freed by an earlier backward\(\); to go through it twice, keep it in the first call: y\.backward\(\{ retainGraph: true \}\)/,
  ],
  [
    'backward twice through a shared subgraph',
    () => {
      const h = leaf().exp();
      h.sum().backward();
      h.mean().backward();
    },
    Error,
    /^backward: the graph through 'exp' was already freed/,
  ],
  [
    'in-place add_ of a leaf requiring grad',
    () => leaf().add_(1),
    Error,
    /^add_: in-place update of a leaf tensor that requires grad; wrap the update in noGrad\(\(\) => \.\.\.\)$/,
  ],
  [
    'in-place copy_ of a leaf requiring grad',
    () => leaf().copy_(T.zeros([3])),
    Error,
    /^copy_: in-place update of a leaf tensor that requires grad/,
  ],
  ['in-place zero_ of a leaf requiring grad', () => leaf().zero_(), Error, /^fill_: in-place update of a leaf tensor that requires grad/],
  [
    'requiresGrad_(false) on a non-leaf',
    () => leaf().mul(2).requiresGrad_(false),
    Error,
    /^requiresGrad_: cannot switch off gradients of a non-leaf tensor; use detach\(\)$/,
  ],
  [
    'use after dispose',
    () => {
      const t = x23();
      t.dispose();
      t.add(1);
    },
    Error,
    /^tensor used after dispose\(\): its memory was released$/,
  ],
];

const GROUPS: [string, Row[]][] = [
  ['wrong dtypes', DTYPES],
  ['arguments that are not tensors', NOT_TENSORS],
  ['out-of-range dims', DIMS],
  ['out-of-range indices', INDICES],
  ['bad shapes', SHAPES],
  ['bad values', VALUES],
  ['autograd misuse', AUTOGRAD],
];

for (const [group, rows] of GROUPS) {
  for (const [name, thunk, cls, message] of rows) {
    test(`${group}: ${name}`, () => {
      assert.throws(thunk, (e: unknown) => {
        assert.ok(
          e instanceof cls,
          `expected a ${cls.name}, got ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`,
        );
        assert.match((e as Error).message, message);
        return true;
      });
    });
  }
}

test('in-place updates of a leaf are allowed under noGrad and keep the leaf a leaf', () => {
  const w = leaf();
  noGrad(() => w.sub_(T.full([2, 3], 0.5)).mul_(2));
  assert.deepEqual(w.toArray(), [
    [1, 1, 1],
    [1, 1, 1],
  ]);
  assert.ok(w.isLeaf && w.requiresGrad);
});

test('retainGraph allows a second backward, which accumulates', () => {
  const x = leaf();
  const y = x.mul(3).sum();
  y.backward(undefined, { retainGraph: true });
  y.backward();
  assert.deepEqual(x.grad?.toArray(), [
    [6, 6, 6],
    [6, 6, 6],
  ]);
});

export const ERROR_CASE_COUNT = GROUPS.reduce((n, [, rows]) => n + rows.length, 0) + 2;
