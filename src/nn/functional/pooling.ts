// nn.functional's pooling: max and average pooling (engine primitives, src/ops/conv.ts) and
// adaptive average pooling composed from them (or from two averaging matmuls).

import { fromArray } from '../../core/exec.js';
import { fmt } from '../../core/shape.js';
import { assertTensor, type Tensor } from '../../core/tensor.js';
import { avgPool2d } from '../../ops/conv.js';
import { matmul } from '../../ops/linalg.js';
import { squeeze, transpose, unsqueeze } from '../../ops/movement.js';

export type { Pool2dOptions } from '../../ops/conv.js';
export { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../../ops/conv.js';

/**
 * The (outSize, inSize) matrix that averages PyTorch's adaptive windows
 * [floor(i * in / out), ceil((i + 1) * in / out)).
 */
function adaptiveMatrix(inSize: number, outSize: number, like: Tensor): Tensor {
  const m = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    for (let j = start; j < end; j++) m[i * inSize + j] = 1 / (end - start);
  }
  return fromArray([outSize, inSize], m, 'float32', 'adaptiveAvgPool2d', like.storage.device);
}

/**
 * Average pooling to a fixed output size, like torch.nn.functional.adaptive_avg_pool2d. When the
 * sizes divide, this is avgPool2d; otherwise the windows overlap and it is P_h x P_w^T with
 * averaging matrices. Shape: x (N, C, H, W) or (C, H, W) -> (N, C, OH, OW); a null size keeps the input's.
 * @example adaptiveAvgPool2d(x, 1) // global average pooling: (N, C, 1, 1)
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  assertTensor('adaptiveAvgPool2d', x);
  if (x.ndim === 3) return squeeze(adaptiveAvgPool2d(unsqueeze(x, 0), outputSize), 0);
  if (x.ndim !== 4) throw new RangeError(`adaptiveAvgPool2d: input must be (N, C, H, W) or (C, H, W), got shape ${fmt(x.shape)}`);
  const [h, w] = [x.shape[2], x.shape[3]];
  const [oh, ow] = typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0] ?? h, outputSize[1] ?? w];
  for (const o of [oh, ow]) {
    if (!Number.isInteger(o) || o < 1) {
      throw new RangeError(`adaptiveAvgPool2d: outputSize must be positive integers, got ${JSON.stringify(outputSize)}`);
    }
  }
  if (h === 0 || w === 0) throw new RangeError(`adaptiveAvgPool2d: input must have non-empty H and W, got shape ${fmt(x.shape)}`);
  if (h % oh === 0 && w % ow === 0) return avgPool2d(x, [h / oh, w / ow]);
  const rows = matmul(adaptiveMatrix(h, oh, x), x); // (N, C, OH, W)
  return matmul(rows, transpose(adaptiveMatrix(w, ow, x), 0, 1)); // (N, C, OH, OW)
}
