/**
 * MNIST-style preprocessing of a digit image: the ink's bounding box scaled into a 20×20 box and
 * placed in 28×28 with the ink's centre of mass at the centre, as the MNIST images were made. One
 * implementation for `convkit predict` and the playground's drawing pad. Pure arithmetic on plain
 * arrays (browser-safe, no tensors), plus a tensor wrapper.
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { isTensor, valuesOf } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import { tensor } from '../creation.js';

/**
 * MNIST-style preprocessing of a drawn digit: `gray` is w×h ink intensities in [0, 1] (1 = ink).
 * As in MNIST, the ink's bounding box is scaled (keeping its aspect ratio, by area averaging) to fit
 * a 20×20 box, which is then placed in a 28×28 image so that the centre of mass of the ink lands on
 * the centre (14, 14). Returns 784 values in [0, 1]; all zeros when there is no ink.
 */
export function preprocessDigit(gray: ArrayLike<number>, w: number, h: number, threshold = 0.05): Float32Array {
  const out = new Float32Array(784);
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (gray[y * w + x]! > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const s = 20 / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * s));
  const th = Math.max(1, Math.round(bh * s));
  // area-averaging resample of the box into tw×th
  const small = new Float32Array(tw * th);
  const sx = bw / tw;
  const sy = bh / th;
  for (let ty = 0; ty < th; ty++) {
    const fy0 = y0 + ty * sy;
    const fy1 = fy0 + sy;
    for (let tx = 0; tx < tw; tx++) {
      const fx0 = x0 + tx * sx;
      const fx1 = fx0 + sx;
      let acc = 0;
      let area = 0;
      for (let y = Math.floor(fy0); y < Math.ceil(fy1); y++) {
        const wy = Math.min(fy1, y + 1) - Math.max(fy0, y);
        if (wy <= 0) continue;
        for (let x = Math.floor(fx0); x < Math.ceil(fx1); x++) {
          const wx = Math.min(fx1, x + 1) - Math.max(fx0, x);
          if (wx <= 0) continue;
          acc += wx * wy * (gray[y * w + x] ?? 0);
          area += wx * wy;
        }
      }
      small[ty * tw + tx] = area > 0 ? Math.min(1, acc / area) : 0;
    }
  }
  // centre of mass of the resampled ink
  let m = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < th; y++)
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x]!;
      m += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  cx = m > 0 ? cx / m : tw / 2;
  cy = m > 0 ? cy / m : th / 2;
  // offset so the centre of mass sits at (14, 14), clamped so the box stays inside the image
  const ox = Math.min(28 - tw, Math.max(0, Math.round(14 - cx)));
  const oy = Math.min(28 - th, Math.max(0, Math.round(14 - cy)));
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) out[(y + oy) * 28 + x + ox] = small[y * tw + x]!;
  return out;
}

/**
 * `preprocessDigit` on a grey image tensor [1, H, W] (or [H, W]) of ink intensities in [0, 1]
 * (1 = ink: invert dark-on-light drawings first); returns [1, 28, 28].
 */
export function mnistPreprocess(image: Tensor, threshold = 0.05): Tensor {
  const op = 'mnistPreprocess';
  if (!isTensor(image)) throw new ValueError({ op, arg: 'image', expected: 'a Tensor [1, H, W]', got: fmtValue(image) });
  if (!(image.ndim === 2 || (image.ndim === 3 && image.shape[0] === 1))) throw new ShapeError({ op, arg: 'image', expected: 'a grey image [1, H, W] or [H, W]', got: `shape ${fmtShape(image.shape)}` });
  const [h, w] = image.shape.slice(-2) as [number, number];
  return tensor(preprocessDigit(valuesOf(image), w, h, threshold), { shape: [1, 28, 28] });
}
