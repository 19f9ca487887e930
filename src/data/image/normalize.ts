// Per-channel normalization, as torchvision's Normalize: (x - mean[c]) / std[c].

import { checkFinite, type ImageTransform, imageTransform, perChannel } from './images.js';

/**
 * Subtracts `mean` and divides by `std`, per channel (a number applies to every channel).
 *
 * @example
 * const norm = normalize(0.2860, 0.3530);                          // Fashion-MNIST, 1 channel
 * const rgb = normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]); // ImageNet, 3 channels
 * norm(x); // x (N, 1, 28, 28) -> same shape, zero mean and unit variance over the dataset
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): ImageTransform {
  const op = 'normalize';
  checkFinite(op, 'mean', mean);
  checkFinite(op, 'std', std);
  const s = typeof std === 'number' ? [std] : std;
  const zero = s.findIndex((v) => v <= 0);
  if (zero >= 0) throw new RangeError(`${op}: std must be positive in every channel, got ${s[zero]} at index ${zero}`);
  return imageTransform(op, (im) => {
    const m = perChannel(op, 'mean', mean, im.c);
    const sd = perChannel(op, 'std', std, im.c);
    const { data, n, c } = im;
    const plane = im.h * im.w;
    for (let k = 0; k < n; k++) {
      for (let ch = 0; ch < c; ch++) {
        const mc = m[ch];
        const sc = sd[ch];
        const from = (k * c + ch) * plane;
        for (let i = from; i < from + plane; i++) data[i] = (data[i] - mc) / sc;
      }
    }
    return im;
  });
}
