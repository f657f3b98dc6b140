/**
 * PNG images → model inputs, browser-safe (fast-png is pure JS). Every PNG colour type is handled:
 * grey, grey+alpha, RGB, RGBA and palette, at bit depths 1, 2, 4, 8 and 16, with tRNS transparency.
 *
 * Pipeline: decode → samples in [0, 1] → composite alpha over `background` → grey by ITU-R BT.601
 * luma (0.299 R + 0.587 G + 0.114 B, as PIL's convert('L')) unless `grey: false` → resize to
 * `size` → optionally invert. Resizing is separable: area averaging (each output pixel is the
 * mean of the source area it covers, like PIL's BOX / OpenCV's INTER_AREA) along an axis that
 * shrinks, bilinear interpolation with half-pixel centres along an axis that grows.
 */
import { decode, hasPngSignature } from 'fast-png';
import type { DecodedPng } from 'fast-png';
import { FormatError, ValueError, fmtValue } from '../errors.js';
import { readOptions } from '../op.js';
import { Tensor } from '../tensor.js';

export interface ImageOptions {
  /** Output [height, width] (default [28, 28]); null keeps the image's own size. */
  size?: readonly [number, number] | null;
  /** One grey channel (default true) or three RGB channels. */
  grey?: boolean;
  /** 1 - value, for dark-on-light drawings fed to a model trained on light-on-dark digits (default false). */
  invert?: boolean;
  /** Grey level in [0, 1] that transparent pixels are composited over (default 1, white). */
  background?: number;
}

const OPTIONS = ['size', 'grey', 'invert', 'background'] as const;

/**
 * Decodes PNG bytes to a float32 tensor [1, H, W] (or [3, H, W] with `grey: false`) in [0, 1].
 * `source` names the file in error messages.
 */
export function decodeImage(bytes: Uint8Array, options: ImageOptions = {}, source = 'image', op = 'decodeImage'): Tensor {
  const o = readOptions<ImageOptions>(op, options, OPTIONS);
  const size: readonly [number, number] | null = o.size === undefined ? [28, 28] : o.size;
  if (size !== null && (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isSafeInteger(d) && d > 0))) {
    throw new ValueError({ op, arg: 'options.size', expected: '[height, width] with positive integers, or null', got: fmtValue(size) });
  }
  const bg = o.background ?? 1;
  if (typeof bg !== 'number' || !(bg >= 0 && bg <= 1)) {
    throw new ValueError({ op, arg: 'options.background', expected: 'a number in [0, 1]', got: fmtValue(bg) });
  }
  for (const k of ['grey', 'invert'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new ValueError({ op, arg: `options.${k}`, expected: 'true or false', got: fmtValue(o[k]) });
  }
  if (!(bytes instanceof Uint8Array)) throw new ValueError({ op, arg: 'bytes', expected: 'a Uint8Array of PNG data', got: fmtValue(bytes) });
  const bad = (got: string, detail: string) => new FormatError({ op, arg: 'image', expected: 'a PNG file', got, message: `${op}: ${source}: ${detail}` });
  if (bytes.length < 8 || !hasPngSignature(bytes)) {
    throw bad('other data', 'not a PNG file (it does not start with the PNG signature 89 50 4e 47 0d 0a 1a 0a)');
  }
  let png: DecodedPng;
  try {
    // CRC checks catch flipped bytes that would otherwise decode to silently wrong pixels
    png = decode(bytes, { checkCrc: true });
  } catch (e) {
    throw bad('a corrupt PNG', `corrupt or truncated PNG (${(e as Error).message})`);
  }
  const { width: w, height: h } = png;
  const planes = toPlanes(png, bg, bad);
  const chans = o.grey === false ? planes : [luma(planes)];
  const [H, W] = size ?? [h, w];
  const out = new Float32Array(chans.length * H * W);
  chans.forEach((p, c) => {
    const r = resize(p, h, w, H, W);
    for (let i = 0; i < H * W; i++) out[c * H * W + i] = o.invert ? 1 - r[i]! : r[i]!;
  });
  return new Tensor(out, [chans.length, H, W]);
}

/** R, G, B planes in [0, 1] (grey images give three equal planes), alpha composited over `bg`. */
export function toPlanes(png: DecodedPng, bg: number, bad: (got: string, detail: string) => FormatError): Float64Array[] {
  const { width: w, height: h, depth, channels, data, palette, transparency } = png;
  const n = w * h;
  const max = 2 ** depth - 1;
  // sub-byte depths (grey or palette only, so one channel) pack rows into whole bytes
  const rowItems = depth < 8 ? Math.ceil((w * depth) / 8) * (8 / depth) : w * channels;
  const expected = depth < 8 ? (rowItems * h * depth) / 8 : n * channels;
  if (data.length < expected) throw bad('a corrupt PNG', `corrupt PNG (${data.length} samples decoded, ${expected} expected)`);
  const sample = (row: number, item: number): number => {
    if (depth >= 8) return data[row * rowItems + item]!;
    const bit = (row * rowItems + item) * depth;
    return (data[bit >> 3]! >> (8 - depth - (bit & 7))) & max;
  };
  const rgb = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const indexed = palette !== undefined && channels === 1;
  const grey = channels <= 2;
  const px = [0, 0, 0, 0];
  const raw = [0, 0, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (indexed) {
        const idx = sample(y, x);
        const col = palette[idx];
        if (col === undefined) throw bad('a corrupt PNG', `corrupt PNG (pixel (${x}, ${y}) uses colour ${idx} of a ${palette.length}-colour palette)`);
        for (let c = 0; c < 4; c++) px[c] = (col[c] ?? 255) / 255;
      } else {
        for (let c = 0; c < channels; c++) raw[c] = sample(y, x * channels + c);
        for (let c = 0; c < 3; c++) px[c] = raw[grey ? 0 : c]! / max;
        const alpha = channels === 2 ? raw[1]! : channels === 4 ? raw[3]! : max;
        // tRNS in a grey or RGB image names one colour that is fully transparent
        const keyed =
          transparency !== undefined &&
          (grey ? transparency[0] === raw[0] : transparency[0] === raw[0] && transparency[1] === raw[1] && transparency[2] === raw[2]);
        px[3] = keyed ? 0 : alpha / max;
      }
      const a = px[3]!;
      for (let c = 0; c < 3; c++) rgb[c]![y * w + x] = a * px[c]! + (1 - a) * bg;
    }
  }
  return rgb;
}

export function luma(p: readonly Float64Array[]): Float64Array {
  const [r, g, b] = p as [Float64Array, Float64Array, Float64Array];
  const out = new Float64Array(r.length);
  for (let i = 0; i < r.length; i++) {
    const R = r[i]!;
    // grey pixels keep their exact value (the weighted sum could be off by an ulp)
    out[i] = R === g[i] && R === b[i] ? R : 0.299 * R + 0.587 * g[i]! + 0.114 * b[i]!;
  }
  return out;
}

/** Per output index along one axis, the source indices and weights (summing to 1). */
function axisWeights(n: number, m: number): { idx: number[]; w: number[] }[] {
  const s = n / m;
  const out: { idx: number[]; w: number[] }[] = [];
  for (let i = 0; i < m; i++) {
    const idx: number[] = [];
    const w: number[] = [];
    if (s >= 1) {
      // area: source pixel j covers [j, j+1), output i covers [i·s, (i+1)·s)
      const lo = i * s;
      const hi = (i + 1) * s;
      for (let j = Math.floor(lo); j < Math.min(n, Math.ceil(hi)); j++) {
        const overlap = Math.min(hi, j + 1) - Math.max(lo, j);
        if (overlap > 0) {
          idx.push(j);
          w.push(overlap / s);
        }
      }
    } else {
      const x = Math.min(n - 1, Math.max(0, (i + 0.5) * s - 0.5));
      const j = Math.floor(x);
      const f = x - j;
      idx.push(j, Math.min(j + 1, n - 1));
      w.push(1 - f, f);
    }
    out.push({ idx, w });
  }
  return out;
}

export function resize(src: Float64Array, h: number, w: number, H: number, W: number): Float64Array {
  if (h === H && w === W) return src;
  const cols = axisWeights(w, W);
  const rows = axisWeights(h, H);
  const tmp = new Float64Array(h * W);
  for (let y = 0; y < h; y++) {
    cols.forEach(({ idx, w: wt }, x) => {
      let acc = 0;
      idx.forEach((j, k) => (acc += wt[k]! * src[y * w + j]!));
      tmp[y * W + x] = acc;
    });
  }
  const out = new Float64Array(H * W);
  rows.forEach(({ idx, w: wt }, y) => {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      idx.forEach((j, k) => (acc += wt[k]! * tmp[j * W + x]!));
      out[y * W + x] = acc;
    }
  });
  return out;
}
