/**
 * Typed errors. Every error carries structured fields so callers (and tests) can inspect what went
 * wrong without parsing text: the operation, the argument, what was expected and what was given.
 */
export interface ErrorFields {
  /** The public operation that rejected its input, e.g. `conv2d`. */
  op: string;
  /** The argument at fault, e.g. `weight`, `stride`, `options.padding`. */
  arg: string;
  /** What the operation expected, in words. */
  expected: string;
  /** What it was given, in words. */
  got: string;
  /** A full message; defaults to `${op}: ${arg} must be ${expected}, got ${got}`. */
  message?: string;
}

export class ConvkitError extends Error {
  readonly op: string;
  readonly arg: string;
  readonly expected: string;
  readonly got: string;
  constructor(f: ErrorFields) {
    super(f.message ?? `${f.op}: ${f.arg} must be ${f.expected}, got ${f.got}`);
    this.name = new.target.name;
    this.op = f.op;
    this.arg = f.arg;
    this.expected = f.expected;
    this.got = f.got;
  }
}

/** Tensor shapes or ranks that do not fit together. */
export class ShapeError extends ConvkitError {}
/** An option or value outside its allowed range (negative stride, NaN, class index out of range...). */
export class ValueError extends ConvkitError {}
/** A dtype that the operation does not accept, or tensors of different dtypes mixed. */
export class DTypeError extends ConvkitError {}
/** A file that is truncated, forged or of the wrong format. */
export class FormatError extends ConvkitError {}
/** Misuse of autograd (backward of a non-scalar without a gradient, gradcheck mismatch...). */
export class GradError extends ConvkitError {}
/** A kernel missing on every backend, or a backend that cannot be selected. */
export class BackendError extends ConvkitError {}

/** Formats a shape as `[2, 3, 4]` for messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Formats any user-supplied value briefly for messages. */
export function fmtValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  if (Array.isArray(v)) return `[${v.map(fmtValue).join(', ')}]`;
  if (typeof v === 'object' && v !== null && 'shape' in v && 'dtype' in v) {
    const t = v as { shape: readonly number[]; dtype: string };
    return `tensor of shape ${fmtShape(t.shape)} (${t.dtype})`;
  }
  if (typeof v === 'function') return 'a function';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
