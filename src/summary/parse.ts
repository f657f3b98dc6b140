/**
 * The architecture-string language: a whole network on one line, e.g.
 *
 *   "3x128x128 | conv 32 k8 s2 p3 | maxpool 2 | conv 64 k3 p1 | flatten | fc 10"
 *
 * The first segment is the input shape without the batch: C×L (1-d layers), C×H×W (2-d) or
 * C×D×H×W (3-d), or a single number of features (fully-connected only). Layers follow, separated
 * by `|`; a layer is a keyword and space-separated tokens. The spatial rank of conv/pool/bn layers
 * is the input's (conv on C×H×W is conv2d); after `flatten` or `fc` the data is flat.
 *
 * Grammar (EBNF; tokens are separated by white space, keywords are case-sensitive; an option is
 * one token, its prefix and value written together: k3, k3x5, s2, p=same, mode=reflect):
 *
 *   architecture = input , { "|" , layer } ;
 *   input        = int , [ "x" , int , [ "x" , int , [ "x" , int ] ] ] ;   ("×" also accepted)
 *   layer        = conv | convT | maxpool | avgpool | adaptive | fc | "flatten"
 *                | "relu" | "sigmoid" | "tanh" | "gelu" | "softmax" | "logsoftmax"
 *                | leaky | bn | dropout | res ;
 *   res          = "res(" , layer , { "|" , layer } , ")" ;   (output added to input: same shape)
 *   conv         = "conv" , int , { convopt } ;           (k is required)
 *   convopt      = "k" size | "s" size | "p" size | "p=" ( "same" | "valid" | "full" )
 *                | "d" size | "g" int | "nobias"
 *                | "mode=" ( "zeros" | "reflect" | "replicate" | "circular" ) ;
 *   convT        = "convT" , int , { "k" size | "s" size | "p" size | "op" size | "d" size
 *                | "g" int | "nobias" } ;                  (k is required)
 *   maxpool      = "maxpool" , size , { "s" size | "p" size | "d" size | "ceil" } ;
 *   avgpool      = "avgpool" , size , { "s" size | "p" size | "ceil" | "nopad" } ;
 *   adaptive     = "adaptiveavg" , size ;
 *   fc           = ( "fc" | "linear" ) , int , [ "nobias" ] ;   (flattens a spatial input first)
 *   bn           = "bn" , [ "noaffine" ] ;
 *   dropout      = "dropout" , [ number ] ;                (default 0.5)
 *   leaky        = "leakyrelu" , [ number ] ;              (negative slope, default 0.01)
 *   size         = int , { "x" , int } ;                  (one value, or one per spatial dimension)
 *   int          = digit , { digit } ;
 *
 * Notes: pool strides default to the kernel size; `nopad` is countIncludePad = false; `op` is a
 * transposed convolution's outputPadding; `p=same` follows conv2d's 'same' rule. Each option may
 * appear once per layer. `res( ... )` is a residual block: its layers run in order and their output
 * is added to the block's input (so they must keep its shape); blocks nest. Layers are numbered in
 * reading order, a block and then its layers.
 *
 * Errors are `ArchitectureError`s (a ValueError) giving the layer number (the input is layer 0),
 * the layer's text, the 0-based character offset of the bad token and what was expected, e.g.
 *   parseArchitecture('3x32x32 | conv 32 k3 | conv 64 z3') throws
 *   summary: unknown option "z3" in layer 2 ("conv 64 z3") at character 31; expected k<size>, ...
 */
import { ValueError } from '../errors.js';
import type { ConvPadding, PaddingMode } from '../ops/conv_geometry.js';
import type { IntOrTuple, LayerOrigin, LayerSpec } from './spec.js';

/** A syntax or meaning error in an architecture string, with its position. */
export class ArchitectureError extends ValueError {
  /** 0-based character offset of the offending token. */
  readonly offset: number;
  /** Layer number (0 = the input shape). */
  readonly layer: number;
  readonly token: string;
  constructor(f: { expected: string; got: string; message: string; offset: number; layer: number; token: string }) {
    super({ op: 'summary', arg: 'architecture', expected: f.expected, got: f.got, message: f.message });
    this.offset = f.offset;
    this.layer = f.layer;
    this.token = f.token;
  }
}

export interface Architecture {
  /** The input shape without the batch dimension, e.g. [3, 128, 128]. */
  readonly inputShape: readonly number[];
  readonly layers: readonly LayerSpec[];
}

interface Token {
  readonly text: string;
  readonly offset: number;
}

interface Segment {
  readonly text: string;
  readonly offset: number;
  readonly layer: number;
  readonly tokens: readonly Token[];
}

/**
 * Splits src[from, to) at the "|" outside parentheses into segments (offsets absolute in src),
 * numbered later in reading order (a residual block, then its layers, then what follows it).
 */
function segments(src: string, from: number, to: number): Omit<Segment, 'layer'>[] {
  const out: Omit<Segment, 'layer'>[] = [];
  let start = from;
  let depth = 0;
  for (let i = from; i <= to; i++) {
    if (i < to) {
      if (src[i] === '(') depth++;
      else if (src[i] === ')') depth--;
      if (src[i] !== '|' || depth > 0) continue;
    }
    const raw = src.slice(start, i);
    const tokens: Token[] = [];
    const re = /\S+/g;
    for (let m = re.exec(raw); m !== null; m = re.exec(raw)) tokens.push({ text: m[0], offset: start + m.index });
    const lead = raw.length - raw.trimStart().length;
    out.push({ text: raw.trim(), offset: start + lead, tokens });
    start = i + 1;
  }
  return out;
}

function where(seg: Segment): string {
  return seg.layer === 0 ? `the input shape ("${seg.text}")` : `layer ${seg.layer} ("${seg.text}")`;
}

function fail(seg: Segment, offset: number, token: string, what: string, expected: string): ArchitectureError {
  return new ArchitectureError({
    expected,
    got: token === '' ? 'nothing' : `"${token}"`,
    message: `summary: ${what} in ${where(seg)} at character ${offset}; expected ${expected}`,
    offset,
    layer: seg.layer,
    token,
  });
}

const INT = /^\d+$/;
const SIZE = /^\d+(x\d+)*$/;

/** Parses `3` or `3x5` (after a prefix) into one value or one per spatial dimension. */
function size(seg: Segment, tok: Token, body: string, rank: number, what: string, min: number): IntOrTuple {
  const expected = `${what} as an integer${min > 0 ? ' >= ' + min : ''} or ${rank} of them joined by "x" (e.g. ${tok.text.slice(0, tok.text.length - body.length)}${rank === 1 ? '3' : Array(rank).fill('3').join('x')})`;
  if (!SIZE.test(body)) throw fail(seg, tok.offset, tok.text, `bad value "${tok.text}"`, expected);
  const v = body.split('x').map(Number);
  if (v.some((x) => x < min) || (v.length !== 1 && v.length !== rank)) throw fail(seg, tok.offset, tok.text, `bad value "${tok.text}"`, expected);
  return v.length === 1 ? v[0]! : v;
}

function count(seg: Segment, tok: Token | undefined, what: string, after: string): number {
  const expected = `${what} (a positive integer) after "${after}"`;
  if (tok === undefined) throw fail(seg, seg.offset + seg.text.length, '', `missing ${what}`, expected);
  if (!INT.test(tok.text) || Number(tok.text) < 1) throw fail(seg, tok.offset, tok.text, `bad ${what} "${tok.text}"`, expected);
  return Number(tok.text);
}

type Opts = Record<string, IntOrTuple | string | boolean>;

interface OptionRule {
  /** Token prefix ('k', 's', 'p=', ...) or whole word ('nobias'). */
  readonly key: string;
  readonly name: string;
  /** 'size' (int or tuple), 'int', a word list for key=value, or 'flag'. */
  readonly kind: 'size' | 'int' | 'flag' | readonly string[];
  readonly min: number;
  readonly hint: string;
}

const R = (key: string, name: string, kind: OptionRule['kind'], min: number, hint: string): OptionRule => ({ key, name, kind, min, hint });
const K = R('k', 'kernelSize', 'size', 1, 'k<size>');
const S = R('s', 'stride', 'size', 1, 's<stride>');
const P = R('p', 'padding', 'size', 0, 'p<pad>');
const D = R('d', 'dilation', 'size', 1, 'd<dilation>');
const G = R('g', 'groups', 'int', 1, 'g<groups>');
const NOBIAS = R('nobias', 'nobias', 'flag', 0, 'nobias');
const CONV_RULES = [K, S, P, R('p=', 'paddingWord', ['same', 'valid', 'full'], 0, 'p=same|valid|full'), D, G, NOBIAS, R('mode=', 'paddingMode', ['zeros', 'reflect', 'replicate', 'circular'], 0, 'mode=zeros|reflect|replicate|circular')];
const CONVT_RULES = [K, S, R('op', 'outputPadding', 'size', 0, 'op<outpad>'), P, D, G, NOBIAS];
const MAXPOOL_RULES = [S, P, D, R('ceil', 'ceil', 'flag', 0, 'ceil')];
const AVGPOOL_RULES = [S, P, R('ceil', 'ceil', 'flag', 0, 'ceil'), R('nopad', 'nopad', 'flag', 0, 'nopad')];
const FC_RULES = [NOBIAS];
const BN_RULES = [R('noaffine', 'noaffine', 'flag', 0, 'noaffine')];

/** Reads option tokens against `rules` (first matching prefix wins; each option at most once). */
function options(seg: Segment, toks: readonly Token[], rules: readonly OptionRule[], rank: number): Opts {
  const o: Opts = {};
  const expected = rules.map((r) => r.hint).join(', ');
  for (const tok of toks) {
    const rule = rules.find((r) =>
      r.kind === 'flag' ? tok.text === r.key : tok.text.startsWith(r.key) && (Array.isArray(r.kind) || /^\d/.test(tok.text.slice(r.key.length))),
    );
    if (rule === undefined) {
      const what = rules.length === 0 ? `unexpected token "${tok.text}"` : `unknown option "${tok.text}"`;
      throw fail(seg, tok.offset, tok.text, what, rules.length === 0 ? 'nothing more in this layer' : expected);
    }
    const slot = rule.name === 'paddingWord' ? 'padding' : rule.name;
    if (slot in o) throw fail(seg, tok.offset, tok.text, `repeated option "${tok.text}"`, `each of ${expected} at most once`);
    const body = tok.text.slice(rule.key.length);
    if (rule.kind === 'flag') o[slot] = true;
    else if (rule.kind === 'size') o[slot] = size(seg, tok, body, rank, rule.hint, rule.min);
    else if (rule.kind === 'int') {
      if (!INT.test(body) || Number(body) < rule.min) throw fail(seg, tok.offset, tok.text, `bad value "${tok.text}"`, `${rule.hint} with a positive integer`);
      o[slot] = Number(body);
    } else {
      if (!rule.kind.includes(body)) throw fail(seg, tok.offset, tok.text, `bad value "${tok.text}"`, rule.hint);
      o[slot] = body;
    }
  }
  return o;
}

function requireKernel(seg: Segment, o: Opts): IntOrTuple {
  const k = o['kernelSize'];
  if (k === undefined) throw fail(seg, seg.offset + seg.text.length, '', 'missing kernel size', 'k<size>, e.g. k3 or k3x5');
  return k as IntOrTuple;
}

/** Builds a spec object, leaving out options that were not given (exactOptionalPropertyTypes). */
function spec<T extends LayerSpec>(base: T, extra: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out as T;
}

const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'gelu', 'softmax'] as const;
const KEYWORDS = 'conv, convT, maxpool, avgpool, adaptiveavg, fc, linear, flatten, relu, leakyrelu, sigmoid, tanh, gelu, softmax, logsoftmax, bn, dropout, res(';
const PROB = /^(\d+\.?\d*|\.\d+)$/;

function parseInput(seg: Segment): number[] {
  const expected = 'an input shape C, CxL, CxHxW or CxDxHxW of positive integers (no batch), e.g. 3x128x128';
  const tok = seg.tokens[0];
  if (tok === undefined) throw fail(seg, seg.offset, '', 'missing input shape', expected);
  if (seg.tokens.length > 1) throw fail(seg, seg.tokens[1]!.offset, seg.tokens[1]!.text, `unexpected token "${seg.tokens[1]!.text}"`, `"|" after the input shape`);
  const dims = tok.text.split(/[x×]/);
  if (dims.length > 4 || !dims.every((d) => INT.test(d) && Number(d) > 0)) throw fail(seg, tok.offset, tok.text, `bad input shape "${tok.text}"`, expected);
  return dims.map(Number);
}

/** Parses an architecture string into an input shape (no batch) and layer specs. */
export function parseArchitecture(src: string): Architecture {
  if (typeof src !== 'string') throw new ValueError({ op: 'summary', arg: 'architecture', expected: 'a string', got: typeof src });
  let n = 1;
  const next = (): number => n++;
  const segs = segments(src, 0, src.length);
  const inputShape = parseInput({ ...segs[0]!, layer: 0 });
  const { layers } = parseLayers(src, segs.slice(1), inputShape.length - 1, next);
  return { inputShape, layers };
}

/** A residual block's segment: `res(` ... `)`; returns the inner range or null. */
function blockRange(src: string, seg: Segment): { from: number; to: number } | null {
  if (!/^res\s*\(/.test(seg.text)) return null;
  const open = src.indexOf('(', seg.offset);
  const end = seg.offset + seg.text.length;
  if (src[end - 1] !== ')') {
    throw fail(seg, end, '', 'unclosed "res("', 'a closing ")" ending the residual block, e.g. res( conv 8 k3 p1 | relu )');
  }
  return { from: open + 1, to: end - 1 };
}

/** Parses layer segments on an input of spatial rank `rank` (0 = flat); returns specs and the rank after. */
function parseLayers(src: string, raws: readonly Omit<Segment, 'layer'>[], rank0: number, next: () => number): { layers: LayerSpec[]; rank: number } {
  let rank = rank0;
  const layers: LayerSpec[] = [];
  for (const raw of raws) {
    const seg: Segment = { ...raw, layer: next() };
    const [kw, ...rest] = seg.tokens;
    if (kw === undefined) throw fail(seg, seg.offset, '', 'empty layer', `a layer (${KEYWORDS})`);
    const origin: LayerOrigin = { text: seg.text, layer: seg.layer, offset: seg.offset };
    const block = blockRange(src, seg);
    if (block !== null) {
      const inner = segments(src, block.from, block.to);
      const body = parseLayers(src, inner, rank, next);
      if (body.rank !== rank) {
        throw fail(seg, seg.offset, seg.text, 'a residual block that changes the rank of its input', 'layers that keep the input\'s shape (their output is added to the input)');
      }
      layers.push({ type: 'residual', layers: body.layers, origin });
      continue;
    }
    if (kw.text.startsWith('res(') || kw.text === 'res') throw fail(seg, kw.offset, kw.text, 'a residual block not written as res( ... )', 'res( layer | layer ... ) as the whole layer');
    const needSpatial = (): void => {
      if (rank === 0) throw fail(seg, kw.offset, kw.text, `"${kw.text}" on a flat input`, 'a spatial input (CxL, CxHxW or CxDxHxW); this layer comes after flatten/fc or a features-only input');
    };
    const r = rank as 1 | 2 | 3;
    switch (kw.text) {
      case 'conv': {
        needSpatial();
        const out = count(seg, rest[0], 'output channels', 'conv');
        const o = options(seg, rest.slice(1), CONV_RULES, r);
        layers.push(spec({ type: `conv${r}d`, outChannels: out, kernelSize: requireKernel(seg, o), origin }, {
          stride: o['stride'], padding: o['padding'] as ConvPadding | undefined, dilation: o['dilation'], groups: o['groups'],
          bias: o['nobias'] ? false : undefined, paddingMode: o['paddingMode'] as PaddingMode | undefined,
        }));
        break;
      }
      case 'convT': {
        needSpatial();
        const out = count(seg, rest[0], 'output channels', 'convT');
        const o = options(seg, rest.slice(1), CONVT_RULES, r);
        layers.push(spec({ type: `convTranspose${r}d`, outChannels: out, kernelSize: requireKernel(seg, o), origin }, {
          stride: o['stride'], padding: o['padding'], outputPadding: o['outputPadding'], dilation: o['dilation'], groups: o['groups'],
          bias: o['nobias'] ? false : undefined,
        }));
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        needSpatial();
        const first = rest[0];
        if (first === undefined) throw fail(seg, seg.offset + seg.text.length, '', 'missing kernel size', `a kernel size after "${kw.text}", e.g. ${kw.text} 2`);
        const kernelSize = size(seg, first, first.text, r, 'a kernel size', 1);
        const max = kw.text === 'maxpool';
        const o = options(seg, rest.slice(1), max ? MAXPOOL_RULES : AVGPOOL_RULES, r);
        const common = { stride: o['stride'], padding: o['padding'], ceilMode: o['ceil'] ? true : undefined };
        layers.push(max
          ? spec({ type: `maxPool${r}d`, kernelSize, origin }, { ...common, dilation: o['dilation'] })
          : spec({ type: `avgPool${r}d`, kernelSize, origin }, { ...common, countIncludePad: o['nopad'] ? false : undefined }));
        break;
      }
      case 'adaptiveavg': {
        needSpatial();
        const first = rest[0];
        if (first === undefined) throw fail(seg, seg.offset + seg.text.length, '', 'missing output size', 'an output size after "adaptiveavg", e.g. adaptiveavg 1 or adaptiveavg 7x7');
        const outputSize = size(seg, first, first.text, r, 'an output size', 1);
        options(seg, rest.slice(1), [], r);
        layers.push({ type: `adaptiveAvgPool${r}d`, outputSize, origin });
        break;
      }
      case 'fc':
      case 'linear': {
        const out = count(seg, rest[0], 'output features', kw.text);
        const o = options(seg, rest.slice(1), FC_RULES, r);
        if (rank > 0) layers.push({ type: 'flatten', name: 'Flatten (auto)', origin });
        layers.push(spec({ type: 'linear', outFeatures: out, origin }, { bias: o['nobias'] ? false : undefined }));
        rank = 0;
        break;
      }
      case 'flatten':
        options(seg, rest, [], r);
        layers.push({ type: 'flatten', origin });
        rank = 0;
        break;
      case 'bn': {
        const o = options(seg, rest, BN_RULES, r);
        layers.push(spec({ type: `batchNorm${rank === 0 ? 1 : r}d`, origin }, { affine: o['noaffine'] ? false : undefined }));
        break;
      }
      case 'dropout':
      case 'leakyrelu': {
        const dropout = kw.text === 'dropout';
        const p = rest[0];
        let v: number | undefined;
        if (p !== undefined) {
          v = Number(p.text);
          const bad = dropout ? !PROB.test(p.text) || !(v >= 0 && v <= 1) : !Number.isFinite(v) || p.text.trim() === '';
          if (bad) {
            throw dropout
              ? fail(seg, p.offset, p.text, `bad dropout probability "${p.text}"`, 'a probability between 0 and 1, e.g. dropout 0.5')
              : fail(seg, p.offset, p.text, `bad negative slope "${p.text}"`, 'a number, e.g. leakyrelu 0.1');
          }
        }
        options(seg, rest.slice(1), [], r);
        layers.push(dropout ? spec({ type: 'dropout', origin }, { p: v }) : spec({ type: 'leakyRelu', origin }, { negativeSlope: v }));
        break;
      }
      case 'logsoftmax':
        options(seg, rest, [], r);
        layers.push({ type: 'logSoftmax', origin });
        break;
      default: {
        const act = ACTIVATIONS.find((a) => a === kw.text);
        if (act === undefined) throw fail(seg, kw.offset, kw.text, `unknown layer "${kw.text}"`, `one of ${KEYWORDS}`);
        options(seg, rest, [], r);
        layers.push({ type: act, origin });
      }
    }
  }
  return { layers, rank };
}
