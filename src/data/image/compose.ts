// Chaining image transforms, as torchvision's Compose: the tensor is read once and written once,
// the transforms in between passing raw arrays.

import type { Tensor } from '../../core/tensor.js';
import { fromImages, type Images, type ImageTransform, imageTransform, isImageTransform, toImages } from './images.js';

/**
 * One transform applying `transforms` in order. Plain functions of tensors may be mixed in (they
 * cost a tensor round trip each).
 *
 * @example
 * const augment = compose([randomCrop(28, { padding: 4, seed: 1 }), randomHorizontalFlip(0.5, { seed: 2 }), normalize(0.286, 0.353)]);
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, transform: ([x, y]) => [augment(x), y] });
 * const perSample = mapDataset(train, ([x, y]) => [augment(x), y]); // or sample by sample, x (C, H, W)
 */
export function compose(transforms: readonly (ImageTransform | ((x: Tensor) => Tensor))[]): ImageTransform {
  const op = 'compose';
  if (!Array.isArray(transforms)) throw new TypeError(`${op}: transforms must be an array of transforms, got ${typeof transforms}`);
  transforms.forEach((t, i) => {
    if (typeof t !== 'function')
      throw new TypeError(`${op}: transforms[${i}] must be a transform (a function of a tensor), got ${typeof t}`);
  });
  const steps = [...transforms];
  return imageTransform(op, (images: Images) => {
    let im = images;
    steps.forEach((t, i) => {
      im = isImageTransform(t) ? t.raw(im) : toImages(`${op}: transforms[${i}]`, t(fromImages(im)));
    });
    return im;
  });
}
