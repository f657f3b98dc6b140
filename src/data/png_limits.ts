/**
 * Bounds a PNG before it is decoded, so that a decompression bomb (a few hundred KB that claim
 * 30000 × 30000 pixels, or image data that inflates far past what the header announces) is refused
 * with a FormatError instead of exhausting memory. Only the chunk headers are walked and the
 * compressed streams inflated in small slices while counting bytes; nothing of the image's size is
 * allocated. Browser-safe (fflate is pure JS).
 */
import { Unzlib } from 'fflate';
import { FormatError, ValueError, fmtValue } from '../errors.js';

/**
 * The largest image (width × height) the image readers decode by default: 40 megapixels (e.g.
 * 8000 × 5000). Decoding costs about 40 bytes per pixel (samples, three float64 colour planes,
 * grey level), so this caps one decode near 1.6 GB. Pass `maxPixels` to raise or lower it.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** Largest embedded colour profile (iCCP) accepted; real profiles are well under 1 MB. */
const MAX_PROFILE_BYTES = 16 << 20;

/** Compressed bytes per push: DEFLATE expands at most ~1032×, so each push yields ≤ ~8 MB. */
const SLICE = 8192;

const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function checkMaxPixels(op: string, v: unknown): number {
  if (v === undefined) return MAX_IMAGE_PIXELS;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new ValueError({ op, arg: 'options.maxPixels', expected: 'a positive integer', got: fmtValue(v) });
  }
  return v;
}

/** Bytes of filtered scanlines the image data must inflate to (one filter byte per row, per pass). */
function rawSize(w: number, h: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (cols: number, n: number): number => (cols > 0 && n > 0 ? n * (1 + Math.ceil((cols * bitsPerPixel) / 8)) : 0);
  if (!interlaced) return rows(w, h);
  // Adam7: (x0, y0, dx, dy) of the seven passes
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) total += rows(Math.ceil((w - x0) / dx), Math.ceil((h - y0) / dy));
  return total;
}

/**
 * Inflates zlib `parts` in slices, counting output bytes; throws `tooBig()` as soon as the count
 * passes `limit`. Corrupt streams are left for the decoder to report.
 */
function inflatedWithin(parts: readonly Uint8Array[], limit: number, tooBig: (n: number) => FormatError): void {
  let total = 0;
  let over: FormatError | null = null;
  const z = new Unzlib((chunk) => {
    total += chunk.length;
    if (total > limit && over === null) over = tooBig(total);
  });
  try {
    for (const p of parts) {
      for (let i = 0; i < p.length && over === null; i += SLICE) z.push(p.subarray(i, Math.min(p.length, i + SLICE)), false);
      if (over !== null) break;
    }
  } catch {
    // a corrupt stream: the decoder reports it with its own message
  }
  if (over !== null) throw over;
}

/**
 * Throws a FormatError when the PNG in `bytes` declares more than `maxPixels` pixels, or when its
 * image data or colour profile inflates past what they can legitimately hold. A malformed chunk
 * layout stops the walk (the decoder then reports the corruption).
 */
export function checkPngBounds(op: string, source: string, bytes: Uint8Array, maxPixels: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (expected: string, got: string, detail: string): FormatError => new FormatError({ op, arg: 'image', expected, got, message: `${op}: ${source}: ${detail}` });
  let at = 8;
  let header: { w: number; h: number; bpp: number; interlaced: boolean } | null = null;
  const idat: Uint8Array[] = [];
  while (at + 8 <= bytes.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    const body = at + 8;
    if (body + len > bytes.length) break;
    if (type === 'IHDR' && len >= 13) {
      const w = view.getUint32(body);
      const h = view.getUint32(body + 4);
      if (w * h > maxPixels) {
        throw fail(
          `at most ${maxPixels.toLocaleString('en-US')} pixels`,
          `${w} × ${h} = ${(w * h).toLocaleString('en-US')} pixels`,
          `the PNG declares ${w} × ${h} = ${(w * h).toLocaleString('en-US')} pixels, more than the limit of ${maxPixels.toLocaleString('en-US')} (options.maxPixels); refusing to decode it`,
        );
      }
      header = { w, h, bpp: bytes[body + 8]! * (CHANNELS[bytes[body + 9]!] ?? 4), interlaced: bytes[body + 12] === 1 };
    } else if (type === 'IDAT') {
      idat.push(bytes.subarray(body, body + len));
    } else if (type === 'iCCP') {
      const nul = bytes.subarray(body, body + len).indexOf(0);
      if (nul >= 0) {
        inflatedWithin([bytes.subarray(body + nul + 2, body + len)], MAX_PROFILE_BYTES, (n) =>
          fail(`a colour profile of at most ${MAX_PROFILE_BYTES} bytes`, `more than ${n} bytes`, `the embedded colour profile (iCCP) inflates to more than ${MAX_PROFILE_BYTES.toLocaleString('en-US')} bytes; refusing to decode it`),
        );
      }
    } else if (type === 'IEND') break;
    at = body + len + 4;
  }
  if (header === null || idat.length === 0) return;
  const need = rawSize(header.w, header.h, header.bpp, header.interlaced);
  inflatedWithin(idat, need, (n) =>
    fail(
      `image data of ${need} bytes for ${header!.w} × ${header!.h} pixels`,
      `more than ${n} bytes`,
      `the image data inflates to more than the ${need.toLocaleString('en-US')} bytes a ${header!.w} × ${header!.h} image needs (a decompression bomb?); refusing to decode it`,
    ),
  );
}
