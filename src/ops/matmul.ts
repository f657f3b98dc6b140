/**
 * Matrix products: matmul (torch's full semantics: dot, 1-d promotion and removal, batched with
 * broadcast batch dimensions), mm, bmm, mv, dot, outer, addmm and linear. The batched product is
 * one op (`matmul`, always on ≥2-d operands: the public function promotes 1-d operands by
 * reshaping); `linear` is its own op so a backend can fuse x·Wᵀ + b. Every vjp is written with
 * matmul/transpose, so gradients are differentiable again.
 */
import { DTypeError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import { broadcastShapes, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpDef, OpInfo } from '../op.js';
import { apply1, defineOp, expectSameDtype, expectTensor, readOptions } from '../op.js';
import { add, mul } from './elementwise.js';
import { sum } from './reduce.js';
import { reshape } from './movement.js';
import { t, transpose } from './movement_layout.js';
import { matmulKernels } from '../backends/reference/matmul.js';
import type { MatmulInfo, LinearInfo } from '../plans.js';
export type { MatmulInfo, LinearInfo } from '../plans.js';

export interface MatmulAttrs {
  /** The public function being served and its operands' original shapes, for messages. */
  readonly op: string;
  readonly shapes: readonly [Shape, Shape];
  /** The operands' argument names (default input, other). */
  readonly names?: readonly [string, string];
}

function batchStrides(batch: Shape, own: Shape, matSize: number): number[] {
  const st = stridesOf(own).map((s) => s * matSize);
  const off = batch.length - own.length;
  return batch.map((_, i) => (i < off || own[i - off] === 1 ? 0 : st[i - off]!));
}

export const matmulOp: OpDef<MatmulAttrs, MatmulInfo> = defineOp<MatmulAttrs, MatmulInfo>({
  name: 'matmul',
  reference: matmulKernels.matmul,
  info: ([a, b], attrs) => {
    const op = attrs.op;
    const [n0, n1] = attrs.names ?? ['input', 'other'];
    const dtype = expectSameDtype(op, [[n0, a!], [n1, b!]]);
    if (a!.shape.length < 2 || b!.shape.length < 2) {
      throw new ShapeError({ op, arg: 'input', expected: 'operands with at least 2 dimensions after promotion', got: `${fmtShape(a!.shape)} and ${fmtShape(b!.shape)}` });
    }
    const as = a!.shape;
    const bs = b!.shape;
    const M = as[as.length - 2]!;
    const K = as[as.length - 1]!;
    const K2 = bs[bs.length - 2]!;
    const N = bs[bs.length - 1]!;
    const [s0, s1] = attrs.shapes;
    if (K !== K2) {
      throw new ShapeError({
        op,
        arg: n1,
        expected: `${K} rows to match the ${K} columns of ${n0}`,
        got: `shape ${fmtShape(s1)}`,
        message: `${op}: shapes ${fmtShape(s0)} (${n0}) and ${fmtShape(s1)} (${n1}) cannot be multiplied: the contracted dimensions are ${K} and ${K2}`,
      });
    }
    const batchShape = broadcastShapes(op, as.slice(0, -2), bs.slice(0, -2), `${n0} batch dimensions`, `${n1} batch dimensions`);
    const aBatchStrides = batchStrides(batchShape, as.slice(0, -2), M * K);
    const bBatchStrides = batchStrides(batchShape, bs.slice(0, -2), K * N);
    let stacked = true;
    for (let d = batchShape.length - 1, st = M * K; d >= 0; st *= batchShape[d]!, d--) {
      if (aBatchStrides[d] !== st || bBatchStrides[d] !== 0) stacked = false;
    }
    return {
      outShapes: [[...batchShape, M, N]],
      outDtypes: [dtype],
      M,
      K,
      N,
      batchShape,
      aBatchStrides,
      bBatchStrides,
      outShape: [...batchShape, M, N],
      stacked,
    };
  },
  macs: (i) => i.batchShape.reduce((p, d) => p * d, 1) * i.M * i.K * i.N,
  // dA = G·Bᵀ and dB = Aᵀ·G at the broadcast batch shape; the tape sums broadcast batch dims
  vjp: ({ inputs: [a, b], needs }, [g]) => [
    needs[0] ? matmul(g!, transpose(b!, -1, -2)) : null,
    needs[1] ? matmul(transpose(a!, -1, -2), g!) : null,
  ],
});

function operandsOf(op: string, input: unknown, other: unknown, names: [string, string] = ['input', 'other']): [Tensor, Tensor] {
  const a = expectTensor(op, names[0], input);
  const b = expectTensor(op, names[1], other);
  return [a, b];
}

function rank0Error(op: string, arg: string, x: Tensor): ShapeError {
  return new ShapeError({ op, arg, expected: 'a tensor with at least 1 dimension', got: 'a 0-d tensor', message: `${op}: both arguments need at least 1 dimension, but ${arg} is 0-d` });
}

/**
 * torch.matmul: 1-d·1-d is a dot product (0-d result); a 1-d first operand is a row vector and a
 * 1-d second operand a column vector (the added dimension is removed afterwards); higher ranks
 * are batches of matrices whose batch dimensions broadcast.
 */
export function matmul(input: Tensor, other: Tensor): Tensor {
  const op = 'matmul';
  const [a, b] = operandsOf(op, input, other);
  if (a.shape.length === 0) throw rank0Error(op, 'input', a);
  if (b.shape.length === 0) throw rank0Error(op, 'other', b);
  const a2 = a.shape.length === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.shape.length === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const y = apply1(matmulOp, [a2, b2], { op, shapes: [a.shape, b.shape] });
  if (a.shape.length > 1 && b.shape.length > 1) return y;
  // drop the dimensions that promotion added: M for a 1-d input, N for a 1-d other
  const s = y.shape.slice(0, -2);
  if (a.shape.length > 1) s.push(y.shape[y.shape.length - 2]!);
  if (b.shape.length > 1) s.push(y.shape[y.shape.length - 1]!);
  return reshape(y, s);
}

function expectRanks(op: string, a: Tensor, b: Tensor, ra: number, rb: number, names: [string, string]): void {
  for (const [name, x, r] of [[names[0], a, ra], [names[1], b, rb]] as [string, Tensor, number][]) {
    if (x.shape.length !== r) {
      throw new ShapeError({
        op,
        arg: name,
        expected: `a ${r}-d tensor`,
        got: `shape ${fmtShape(x.shape)}`,
        message: `${op}: expected ${name} to be a ${r}-d tensor, got shape ${fmtShape(x.shape)}`,
      });
    }
  }
}

/** Matrix product of two 2-d tensors (no broadcasting). */
export function mm(input: Tensor, mat2: Tensor): Tensor {
  const [a, b] = operandsOf('mm', input, mat2, ['input', 'mat2']);
  expectRanks('mm', a, b, 2, 2, ['input', 'mat2']);
  return apply1(matmulOp, [a, b], { op: 'mm', shapes: [a.shape, b.shape], names: ['input', 'mat2'] });
}

/** Batched matrix product of [B, n, m] and [B, m, p] (batch sizes must be equal). */
export function bmm(input: Tensor, mat2: Tensor): Tensor {
  const [a, b] = operandsOf('bmm', input, mat2, ['input', 'mat2']);
  expectRanks('bmm', a, b, 3, 3, ['input', 'mat2']);
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError({
      op: 'bmm',
      arg: 'mat2',
      expected: `batch size ${a.shape[0]} like input`,
      got: `shape ${fmtShape(b.shape)}`,
      message: `bmm: batch sizes differ: input ${fmtShape(a.shape)} has ${a.shape[0]} but mat2 ${fmtShape(b.shape)} has ${b.shape[0]}`,
    });
  }
  return apply1(matmulOp, [a, b], { op: 'bmm', shapes: [a.shape, b.shape], names: ['input', 'mat2'] });
}

/** Matrix–vector product of [n, m] and [m]. */
export function mv(input: Tensor, vec: Tensor): Tensor {
  const [a, b] = operandsOf('mv', input, vec, ['input', 'vec']);
  expectRanks('mv', a, b, 2, 1, ['input', 'vec']);
  const y = apply1(matmulOp, [a, reshape(b, [b.shape[0]!, 1])], { op: 'mv', shapes: [a.shape, b.shape], names: ['input', 'vec'] });
  return reshape(y, [a.shape[0]!]);
}

/** Inner product of two 1-d tensors of equal length (a 0-d result). */
export function dot(input: Tensor, other: Tensor): Tensor {
  const [a, b] = operandsOf('dot', input, other, ['input', 'other']);
  expectRanks('dot', a, b, 1, 1, ['input', 'other']);
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError({
      op: 'dot',
      arg: 'other',
      expected: `${a.shape[0]} elements like input`,
      got: `shape ${fmtShape(b.shape)}`,
      message: `dot: input has ${a.shape[0]} elements but other has ${b.shape[0]}`,
    });
  }
  return reshape(apply1(matmulOp, [reshape(a, [1, a.shape[0]!]), reshape(b, [b.shape[0]!, 1])], { op: 'dot', shapes: [a.shape, b.shape] }), []);
}

/** Outer product of two 1-d tensors: out[i][j] = input[i]·vec2[j]. */
export function outer(input: Tensor, vec2: Tensor): Tensor {
  const [a, b] = operandsOf('outer', input, vec2, ['input', 'vec2']);
  expectRanks('outer', a, b, 1, 1, ['input', 'vec2']);
  expectSameDtype('outer', [['input', a], ['vec2', b]]);
  return mul(reshape(a, [a.shape[0]!, 1]), reshape(b, [1, b.shape[0]!]));
}

export interface AddmmOptions {
  beta?: number;
  alpha?: number;
}

/** beta·input + alpha·(mat1 @ mat2), input broadcast to the product's shape (beta = 0 ignores input). */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options?: AddmmOptions): Tensor {
  const op = 'addmm';
  expectTensor(op, 'input', input);
  const o = readOptions<AddmmOptions>(op, options, ['beta', 'alpha']);
  for (const k of ['beta', 'alpha'] as const) {
    const v = o[k];
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) throw new ValueError({ op, arg: `options.${k}`, expected: 'a number', got: fmtValue(v) });
  }
  const beta = o.beta ?? 1;
  const alpha = o.alpha ?? 1;
  const [a, b] = operandsOf(op, mat1, mat2, ['mat1', 'mat2']);
  expectRanks(op, a, b, 2, 2, ['mat1', 'mat2']);
  expectSameDtype(op, [['input', input], ['mat1', a], ['mat2', b]]);
  const attrs: MatmulAttrs = { op, shapes: [a.shape, b.shape], names: ['mat1', 'mat2'] };
  const outShape = matmulOp.info([a, b], attrs).outShapes[0]!;
  const fits = input.shape.length <= 2 && input.shape.every((d, i) => d === 1 || d === outShape[outShape.length - input.shape.length + i]);
  if (!fits) {
    throw new ShapeError({
      op,
      arg: 'input',
      expected: `a shape broadcastable to ${fmtShape(outShape)}`,
      got: fmtShape(input.shape),
      message: `addmm: input ${fmtShape(input.shape)} does not broadcast to the product's shape ${fmtShape(outShape)}`,
    });
  }
  const p = apply1(matmulOp, [a, b], attrs);
  const scaled = alpha === 1 ? p : mul(p, alpha);
  // like torch, beta = 0 ignores input entirely (NaN or Inf in it do not propagate)
  if (beta === 0) return scaled;
  return add(beta === 1 ? input : mul(input, beta), scaled);
}

// ---- linear ----------------------------------------------------------------------------------

export const linearOp = defineOp<void, LinearInfo>({
  name: 'linear',
  reference: matmulKernels.linear,
  info: (inputs) => {
    const op = 'linear';
    const [x, w, bias] = inputs;
    const named: [string, Tensor][] = [['input', x!], ['weight', w!]];
    if (bias) named.push(['bias', bias]);
    const dtype = expectSameDtype(op, named);
    if (dtype === 'int32') throw new DTypeError({ op, arg: 'input', expected: 'a float32 or float64 tensor', got: 'an int32 tensor' });
    if (x!.shape.length < 1) throw new ShapeError({ op, arg: 'input', expected: 'a tensor of shape (*, in_features)', got: 'a 0-d tensor' });
    if (w!.shape.length !== 2) {
      throw new ShapeError({ op, arg: 'weight', expected: 'a 2-d tensor (out_features, in_features)', got: `shape ${fmtShape(w!.shape)}` });
    }
    const [N, K] = w!.shape as [number, number];
    const inF = x!.shape[x!.shape.length - 1]!;
    if (inF !== K) {
      throw new ShapeError({
        op,
        arg: 'weight',
        expected: `${inF} input features (the last dimension of input)`,
        got: `shape ${fmtShape(w!.shape)}`,
        message: `linear: weight ${fmtShape(w!.shape)} has ${K} input features but input ${fmtShape(x!.shape)} has ${inF} (its last dimension)`,
      });
    }
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== N)) {
      throw new ShapeError({
        op,
        arg: 'bias',
        expected: `shape [${N}] (out_features of weight)`,
        got: `shape ${fmtShape(bias.shape)}`,
        message: `linear: bias must have shape [${N}] (out_features of weight ${fmtShape(w!.shape)}), got ${fmtShape(bias.shape)}`,
      });
    }
    const outShape = [...x!.shape.slice(0, -1), N];
    const M = x!.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    return { outShapes: [outShape], outDtypes: [dtype], M, K, N, hasBias: bias !== undefined, outShape };
  },
  macs: (i) => i.M * i.K * i.N,
  vjp: ({ inputs: [x, w], info, needs }, [g]) => {
    const g2 = reshape(g!, [info.M, info.N]);
    return [
      needs[0] ? reshape(matmul(g2, w!), x!.shape) : null,
      needs[1] ? matmul(t(g2), reshape(x!, [info.M, info.K])) : null,
      info.hasBias && needs[2] ? sum(g2, 0) : null,
    ];
  },
});

/** y = input · weightᵀ + bias, with input (*, in), weight (out, in), bias (out). */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const op = 'linear';
  expectTensor(op, 'input', input);
  expectTensor(op, 'weight', weight);
  if (bias !== undefined && bias !== null) expectTensor(op, 'bias', bias);
  return apply1(linearOp, bias ? [input, weight, bias] : [input, weight], undefined);
}
