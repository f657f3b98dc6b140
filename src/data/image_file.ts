/**
 * Image files of any size for datasets, browser-safe: PNG (fast-png) and JPEG (jpeg-js, baseline
 * and progressive). The header is read first, so the pixel count is bounded *before* anything is
 * decoded (a 1 MB file can claim 30000×30000 pixels), and whether the image has colour is known
 * without decoding it. Decoded images go through image.ts's pipeline: samples in [0, 1], alpha
 * over white, grey by BT.601 luma when one channel is asked for, area/bilinear resize.
 */
import { decode as decodePng } from 'fast-png';
import type { DecodedPng } from 'fast-png';
import jpeg from 'jpeg-js';
import { FormatError, ValueError, fmtValue } from '../errors.js';
import { Tensor } from '../tensor.js';
import { luma, resize, toPlanes } from './image.js';

/** Largest image (width × height) the readers decode: 40 megapixels (e.g. 8000 × 5000). */
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface ImageHeader {
  readonly format: 'png' | 'jpeg';
  readonly width: number;
  readonly height: number;
  /** 1 for grey images, 3 for colour (palette, RGB, RGBA, YCbCr, CMYK). */
  readonly channels: 1 | 3;
}

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function bad(op: string, source: string, got: string, detail: string): FormatError {
  return new FormatError({ op, arg: 'image', expected: 'a PNG or JPEG file', got, message: `${op}: ${source}: ${detail}` });
}

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;
const u32 = (b: Uint8Array, i: number): number => ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;

/** The format, size and colour of an image from its header alone. */
export function imageHeader(bytes: Uint8Array, source = 'image', op = 'imageHeader'): ImageHeader {
  if (!(bytes instanceof Uint8Array)) throw new ValueError({ op, arg: 'bytes', expected: 'a Uint8Array', got: fmtValue(bytes) });
  if (bytes.length >= 26 && PNG_SIG.every((v, i) => bytes[i] === v)) {
    if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw bad(op, source, 'a corrupt PNG', 'corrupt PNG (the first chunk is not IHDR)');
    const colour = bytes[25]!;
    return { format: 'png', width: u32(bytes, 16), height: u32(bytes, 20), channels: colour === 0 || colour === 4 ? 1 : 3 };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    // walk the marker segments to the first start-of-frame (SOF0-3, 5-7, 9-11, 13-15)
    let i = 2;
    while (i + 4 <= bytes.length) {
      if (bytes[i] !== 0xff) break;
      const m = bytes[i + 1]!;
      if (m === 0xff) {
        i++;
        continue;
      }
      if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
        i += 2;
        continue;
      }
      const len = u16(bytes, i + 2);
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
        if (i + 10 > bytes.length) break;
        const comps = bytes[i + 9]!;
        return { format: 'jpeg', height: u16(bytes, i + 5), width: u16(bytes, i + 7), channels: comps === 1 ? 1 : 3 };
      }
      if (m === 0xd9 || m === 0xda || len < 2) break;
      i += 2 + len;
    }
    throw bad(op, source, 'a corrupt JPEG', 'corrupt or truncated JPEG (no frame header before the image data)');
  }
  throw bad(op, source, 'other data', 'not a PNG or JPEG file (neither signature 89 50 4e 47 nor ff d8)');
}

export interface ImageFileOptions {
  /** Output [height, width] (default: the image's own). */
  size?: readonly [number, number] | null;
  /** 1 (grey) or 3 (RGB) output channels (default: the image's own). */
  channels?: 1 | 3;
  /** Largest width × height decoded (default MAX_IMAGE_PIXELS). */
  maxPixels?: number;
}

/** Decodes a PNG or JPEG to a float32 tensor [C, H, W] in [0, 1]; errors name `source`. */
export function decodeImageFile(bytes: Uint8Array, options: ImageFileOptions = {}, source = 'image', op = 'decodeImageFile'): Tensor {
  const h = imageHeader(bytes, source, op);
  const max = options.maxPixels ?? MAX_IMAGE_PIXELS;
  if (h.width < 1 || h.height < 1) throw bad(op, source, `${h.width}x${h.height}`, `the ${h.format.toUpperCase()} header gives an empty image (${h.width} × ${h.height})`);
  if (h.width * h.height > max) {
    throw new FormatError({
      op,
      arg: 'image',
      expected: `at most ${max.toLocaleString('en-US')} pixels`,
      got: `${h.width} × ${h.height}`,
      message: `${op}: ${source}: the image is ${h.width} × ${h.height} = ${(h.width * h.height).toLocaleString('en-US')} pixels, more than the limit of ${max.toLocaleString('en-US')}; refused before decoding`,
    });
  }
  let planes: Float64Array[];
  const width = h.width;
  const height = h.height;
  if (h.format === 'png') {
    let png: DecodedPng;
    try {
      png = decodePng(bytes, { checkCrc: true });
    } catch (e) {
      throw bad(op, source, 'a corrupt PNG', `corrupt or truncated PNG (${(e as Error).message})`);
    }
    planes = toPlanes(png, 1, (got, detail) => bad(op, source, got, detail));
  } else {
    let img: { width: number; height: number; data: Uint8Array };
    try {
      img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: max / 1e6 });
    } catch (e) {
      throw bad(op, source, 'a corrupt JPEG', `corrupt or unsupported JPEG (${(e as Error).message})`);
    }
    if (img.width !== width || img.height !== height) throw bad(op, source, 'a corrupt JPEG', 'corrupt JPEG (frame size does not match the header)');
    const n = width * height;
    planes = [0, 1, 2].map((c) => Float64Array.from({ length: n }, (_, i) => img.data[i * 3 + c]! / 255));
  }
  const C = options.channels ?? h.channels;
  const chans = C === 1 ? [luma(planes)] : planes;
  const [H, W] = options.size ?? [height, width];
  const out = new Float32Array(C * H * W);
  chans.forEach((p, c) => out.set(resize(p, height, width, H, W), c * H * W));
  return new Tensor(out, [C, H, W]);
}
