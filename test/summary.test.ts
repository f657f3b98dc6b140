/**
 * The model summary: hand-derived shapes, parameters and MACs; the working (every formula evaluates
 * to the number the table shows); agreement with the real ops; the architecture-string grammar
 * and its errors.
 */
import { it, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { ShapeError, ValueError } from '../src/errors.js';
import { ArchitectureError, fmtInt, formatSummary, parseArchitecture, summarize, summarizeArchitecture } from '../src/summary/index.js';
import type { LayerSpec, SummaryResult, SummaryRow } from '../src/summary/index.js';
import { assertThrowsTyped } from './helpers.js';

/** Evaluates a working formula: integers, + - * /, parentheses, floor(...) and ceil(...). */
function evalFormula(f: string): number {
  assert.match(f, /^[0-9+\-*/() ,]*$|floor|ceil/, `unexpected characters in formula ${f}`);
  assert.match(f.replace(/floor|ceil/g, ''), /^[0-9+\-*/() ]*$/, `unexpected characters in formula ${f}`);
  // the formula is our own arithmetic text (checked above): evaluate it with floor/ceil bound
  const fn = new Function('floor', 'ceil', `return (${f});`) as (fl: (x: number) => number, ce: (x: number) => number) => number;
  return fn(Math.floor, Math.ceil);
}

/** Every line's formula evaluates to its value, and the text ends with that value. */
function checkWorking(r: SummaryResult): void {
  for (const row of r.rows) {
    assert.ok(row.explain.length > 0, `${row.name} has no working`);
    for (const e of row.explain) {
      if (e.formula !== '') assert.equal(evalFormula(e.formula), e.value, `${row.name}: ${e.text}`);
      assert.ok(e.text.startsWith(`${e.quantity} = `), e.text);
      assert.ok(e.text.endsWith(` = ${fmtInt(e.value)}`) || e.text.endsWith(` = ${e.value}`), e.text);
    }
    const get = (q: string): number | undefined => row.explain.find((e) => e.quantity === q)?.value;
    if (get('params') !== undefined) assert.equal(get('params'), row.params, row.name);
    if (get('MACs') !== undefined) assert.equal(get('MACs'), row.macs, row.name);
    assert.equal(get('activation memory'), row.activationMemory, row.name);
    const axes = row.explain.filter((e) => e.quantity.endsWith('_out')).map((e) => e.value);
    if (axes.length > 0) assert.deepEqual(axes, row.outputShape.slice(2), row.name);
  }
}

const col = (r: SummaryResult, k: keyof SummaryRow): unknown[] => r.rows.map((row) => row[k]);
const scalars = (r: SummaryResult): number[] => r.rows.map((row) => row.outputShape.slice(1).reduce((p, d) => p * d, 1));

describe('summary: MISSION numbers', () => {
  it('96 filters of 5x5x3 with bias = 7,296 params', () => {
    const r = summarizeArchitecture('3x227x227 | conv 96 k5');
    // 96 * 5*5*3 + 96 = 7,200 + 96
    assert.equal(r.rows[0]!.params, 7296);
  });

  it('FC 4·4·256 → 4·4·256 = 16,781,312 params', () => {
    // 4096 * 4096 + 4096 = 16,777,216 + 4,096; auto-flatten of 256x4x4 first
    const r = summarizeArchitecture('256x4x4 | fc 4096');
    assert.deepEqual(col(r, 'type'), ['flatten', 'linear']);
    assert.equal(r.totals.params, 16781312);
    assert.equal(summarizeArchitecture('4096 | fc 4096').totals.params, 16781312);
  });

  it('conv (3,3,10,20) on 48x64x10, valid, stride 1', () => {
    const r = summarizeArchitecture('10x48x64 | conv 20 k3 p=valid', { explain: true });
    const row = r.rows[0]!;
    assert.deepEqual(row.outputShape, [1, 20, 46, 62]);
    // 46 * 62 * 20 * (3*3*10) = 2,852 * 20 * 90
    assert.equal(row.macs, 5133600);
    // 3*3*10*20 + 20
    assert.equal(row.params, 1820);
    assert.equal(r.totals.flops, 2 * 5133600);
    checkWorking(r);
  });

  it('the CNN "3x128x128 | conv 32 k8 s2 p3 | maxpool 2 | conv 64 k3 p1"', () => {
    const r = summarizeArchitecture('3x128x128 | conv 32 k8 s2 p3 | maxpool 2 | conv 64 k3 p1', { explain: true });
    assert.deepEqual(col(r, 'outputShape'), [[1, 32, 64, 64], [1, 32, 32, 32], [1, 64, 32, 32]]);
    assert.deepEqual(scalars(r), [131072, 32768, 65536]);
    // 32*3*8*8 + 32 = 6,176; pools have none; 64*32*3*3 + 64 = 18,496
    assert.deepEqual(col(r, 'params'), [6176, 0, 18496]);
    // 32*64*64 * 3*8*8 = 25,165,824; 0; 64*32*32 * 32*3*3 = 18,874,368
    assert.deepEqual(col(r, 'macs'), [25165824, 0, 18874368]);
    // max pool: one comparison per tap: 32*32*32 outputs * 4 taps
    assert.deepEqual(r.rows[1]!.otherOps, [{ kind: 'comparisons', count: 131072, what: 'window taps (max)' }]);
    assert.deepEqual(col(r, 'activationMemory'), [131072 * 4, 32768 * 4, 65536 * 4]);
    checkWorking(r);
    const texts = r.rows.map((row) => row.explain.map((e) => e.text));
    assert.equal(texts[0]![0], 'H_out = floor((128 + 2*3 - 1*(8-1) - 1)/2 + 1) = 64');
    assert.equal(texts[0]![2], 'params = 32 * (3/1) * 8 * 8 + 32 = 6,176');
    assert.equal(texts[2]![2], 'params = 64 * (32/1) * 3 * 3 + 64 = 18,496');
    assert.equal(texts[2]![3], 'MACs = 64 * 32 * 32 * (32/1) * 3 * 3 = 18,874,368');
    assert.equal(texts[1]![0], 'H_out = floor((64 + 2*0 - 1*(2-1) - 1)/2 + 1) = 32');
    assert.equal(texts[1]![2], 'comparisons = 1 * 32 * 32 * 32 * (2*2) = 131,072');
  });

  it('the PyTorch MNIST example net: 1,199,882 params and hand-derived MACs', () => {
    const src = '1x28x28 | conv 32 k3 | relu | conv 64 k3 | relu | maxpool 2 | flatten | fc 128 | relu | fc 10';
    const r = summarizeArchitecture(src, { explain: true });
    assert.deepEqual(col(r, 'outputShape'), [
      [1, 32, 26, 26], [1, 32, 26, 26], [1, 64, 24, 24], [1, 64, 24, 24], [1, 64, 12, 12], [1, 9216], [1, 128], [1, 128], [1, 10],
    ]);
    // params: conv1 32*1*9 + 32 = 320; conv2 64*32*9 + 64 = 18,496; fc1 9216*128 + 128 = 1,179,776;
    // fc2 128*10 + 10 = 1,290; total 1,199,882
    assert.deepEqual(col(r, 'params'), [320, 0, 18496, 0, 0, 0, 1179776, 0, 1290]);
    assert.equal(r.totals.params, 1199882);
    assert.equal(r.totals.trainable, 1199882);
    // MACs: conv1 32*26*26 * 1*9 = 194,688; conv2 64*24*24 * 32*9 = 36,864 * 288 = 10,616,832;
    // fc1 9216*128 = 1,179,648; fc2 128*10 = 1,280; total 11,992,448; FLOPs 23,984,896
    assert.deepEqual(col(r, 'macs'), [194688, 0, 10616832, 0, 0, 0, 1179648, 0, 1280]);
    assert.equal(r.totals.macs, 11992448);
    assert.equal(r.totals.flops, 23984896);
    assert.ok(r.totals.macsComplete);
    // relu: one elementwise op per element (32*26*26 = 21,632), not MACs
    assert.deepEqual(r.rows[1]!.otherOps, [{ kind: 'elementwise', count: 21632, what: 'relu' }]);
    // flatten is a view: no new activation memory
    assert.equal(r.rows[5]!.activationMemory, 0);
    checkWorking(r);
    const text = formatSummary(r);
    assert.match(text, /Total params: 1,199,882/);
    assert.match(text, /Total MACs \(multiply-accumulates\): 11,992,448/);
    assert.match(text, /Total FLOPs \(= 2 x MACs\): 23,984,896/);
    assert.match(text, /H_out = floor\(\(28 \+ 2\*0 - 1\*\(3-1\) - 1\)\/1 \+ 1\) = 26/);
    assert.match(text, /FLOPs = 2 \* 11992448 = 23,984,896/);
    // a batch of 64 scales MACs and activations, not params; the working shows the batch
    const b = summarizeArchitecture(src, { explain: true, batch: 64 });
    assert.equal(b.totals.params, 1199882);
    assert.equal(b.totals.macs, 64 * 11992448);
    assert.equal(b.totals.activationMemory, 64 * r.totals.activationMemory);
    assert.equal(b.rows[0]!.explain.find((e) => e.quantity === 'MACs')!.text, 'MACs = 64 * 32 * 26 * 26 * (1/1) * 3 * 3 = 12,460,032');
    checkWorking(b);
  });
});

describe('summary: convolution variants', () => {
  it('grouped conv: params and MACs use Cin/groups', () => {
    const r = summarizeArchitecture('32x16x16 | conv 64 k3 p1 g4', { explain: true });
    // 64 * (32/4) * 9 + 64 = 4,672; MACs 64*16*16 * 8*9 = 1,179,648
    assert.equal(r.rows[0]!.params, 4672);
    assert.equal(r.rows[0]!.macs, 1179648);
    assert.equal(r.rows[0]!.explain[3]!.text, 'MACs = 64 * 16 * 16 * (32/4) * 3 * 3 = 1,179,648');
    checkWorking(r);
  });

  it('depthwise conv (groups = channels)', () => {
    const r = summarizeArchitecture('32x16x16 | conv 32 k3 p1 g32 nobias');
    // 32 * 1 * 9 = 288; MACs 32*16*16 * 1*9 = 73,728; no bias additions
    assert.equal(r.rows[0]!.params, 288);
    assert.equal(r.rows[0]!.macs, 73728);
    assert.deepEqual(r.rows[0]!.otherOps, []);
  });

  it('dilated conv', () => {
    const r = summarizeArchitecture('3x32x32 | conv 8 k3 d2', { explain: true });
    // H = floor((32 - 2*(3-1) - 1)/1 + 1) = 28; params 8*3*9 + 8 = 224; MACs 8*28*28*3*9 = 169,344
    assert.deepEqual(r.rows[0]!.outputShape, [1, 8, 28, 28]);
    assert.equal(r.rows[0]!.params, 224);
    assert.equal(r.rows[0]!.macs, 169344);
    assert.equal(r.rows[0]!.explain[0]!.text, 'H_out = floor((32 + 2*0 - 2*(3-1) - 1)/1 + 1) = 28');
    checkWorking(r);
  });

  it('transposed conv counts MACs from the input', () => {
    const r = summarizeArchitecture('16x8x8 | convT 8 k4 s2 p1', { explain: true });
    // out = (8-1)*2 - 2*1 + 1*(4-1) + 0 + 1 = 16; params 16*8*16 + 8 = 2,056;
    // MACs = Cin * in * (Cout/g) * k = 16 * 8*8 * 8 * 16 = 131,072
    const row = r.rows[0]!;
    assert.deepEqual(row.outputShape, [1, 8, 16, 16]);
    assert.equal(row.params, 2056);
    assert.equal(row.macs, 131072);
    assert.equal(row.explain[0]!.text, 'H_out = (8-1)*2 - 2*1 + 1*(4-1) + 0 + 1 = 16');
    assert.equal(row.explain[2]!.text, 'params = 16 * (8/1) * 4 * 4 + 8 = 2,056');
    assert.equal(row.explain[3]!.text, 'MACs = 16 * 8 * 8 * (8/1) * 4 * 4 = 131,072');
    checkWorking(r);
    // grouped, with output padding: out = (5-1)*2 + 2 + 1 + 1 = 12; params 8*(4/2)*9 + 4 = 148; MACs 8*25*2*9 = 3,600
    const g = summarizeArchitecture('8x5x5 | convT 4 k3 s2 op1 g2', { explain: true });
    assert.deepEqual(g.rows[0]!.outputShape, [1, 4, 12, 12]);
    assert.equal(g.rows[0]!.params, 148);
    assert.equal(g.rows[0]!.macs, 3600);
    checkWorking(g);
  });

  it('conv1d and conv3d', () => {
    const a = summarizeArchitecture('4x100 | conv 8 k5 s2', { explain: true });
    // L = floor((100 - 4 - 1)/2 + 1) = 48; params 8*4*5 + 8 = 168; MACs 8*48*4*5 = 7,680
    assert.deepEqual(a.rows[0]!.outputShape, [1, 8, 48]);
    assert.equal(a.rows[0]!.type, 'conv1d');
    assert.deepEqual([a.rows[0]!.params, a.rows[0]!.macs], [168, 7680]);
    assert.equal(a.rows[0]!.explain[0]!.text, 'L_out = floor((100 + 2*0 - 1*(5-1) - 1)/2 + 1) = 48');
    const b = summarizeArchitecture('2x8x8x8 | conv 4 k3', { explain: true });
    // 6x6x6; params 4*2*27 + 4 = 220; MACs 4*216*2*27 = 46,656
    assert.deepEqual(b.rows[0]!.outputShape, [1, 4, 6, 6, 6]);
    assert.deepEqual([b.rows[0]!.params, b.rows[0]!.macs], [220, 46656]);
    checkWorking(a);
    checkWorking(b);
  });

  it("'same' (asymmetric) and 'full' padding show both pads", () => {
    const r = summarizeArchitecture('1x10x10 | conv 2 k4 p=same', { explain: true });
    // total padding 3: 1 before, 2 after
    assert.equal(r.rows[0]!.explain[0]!.text, 'H_out = floor((10 + 1 + 2 - 1*(4-1) - 1)/1 + 1) = 10');
    const f = summarizeArchitecture('1x5 | conv 1 k3 p=full', { explain: true });
    assert.equal(f.rows[0]!.explain[0]!.text, 'L_out = floor((5 + 2*2 - 1*(3-1) - 1)/1 + 1) = 7');
    checkWorking(r);
    checkWorking(f);
  });

  it('linear on a >2-d input: MACs = prod(leading dims) * in * out', () => {
    const r = summarize([2, 5, 7, 16], [{ type: 'linear', outFeatures: 8 }], { explain: true });
    assert.deepEqual(r.rows[0]!.outputShape, [2, 5, 7, 8]);
    // 2*5*7 * 16 * 8 = 8,960; params 16*8 + 8 = 136
    assert.equal(r.rows[0]!.macs, 8960);
    assert.equal(r.rows[0]!.params, 136);
    assert.equal(r.rows[0]!.explain[1]!.text, 'MACs = 2 * 5 * 7 * 16 * 8 = 8,960');
    checkWorking(r);
  });
});

describe('summary: other layers', () => {
  it('batch norm: 2C params, 2C buffers, MACs of the ops it runs in eval mode', () => {
    const r = summarize([2, 16, 8, 8], [{ type: 'batchNorm2d' }, { type: 'batchNorm2d', affine: false, trackRunningStats: false }], { explain: true });
    assert.deepEqual(col(r, 'params'), [32, 0]);
    assert.deepEqual(col(r, 'buffers'), [32, 0]);
    // eval with running statistics: scale = gamma * rsqrt(var + eps) (16 products), shift = beta -
    // mean * scale (16 products), then y = x * scale + shift: one multiply-add per element,
    // 2*16*8*8 = 2,048; without running statistics the batch statistics are computed
    // (normStandardize counts 3 per element: 6,144)
    assert.deepEqual(col(r, 'macs'), [2048 + 16 + 16, 3 * 2048]);
    assert.equal(r.rows[0]!.explain.find((e) => e.quantity === 'MACs')!.text, 'MACs = 2 * 16 + 2048 = 2,080');
    // var + eps, beta - mean*scale: additions; rsqrt: one evaluation per channel
    assert.deepEqual(r.rows[0]!.otherOps, [
      { kind: 'additions', count: 16, what: 'add' },
      { kind: 'elementwise', count: 16, what: 'rsqrt' },
      { kind: 'additions', count: 16, what: 'sub' },
    ]);
    checkWorking(r);
  });

  it('average, ceil-mode and adaptive pools count taps from the pool plan', () => {
    const r = summarizeArchitecture('64x32x32 | avgpool 3 s2 p1 ceil | adaptiveavg 1 | fc 10 | softmax | dropout 0.2', { explain: true });
    // 17 windows per axis: taps 2 + 15*3 + 1 = 48 per axis -> 48*48*64 = 147,456 additions
    assert.deepEqual(r.rows[0]!.outputShape, [1, 64, 17, 17]);
    assert.deepEqual(r.rows[0]!.otherOps, [
      { kind: 'additions', count: 147456, what: 'window taps (sum)' },
      { kind: 'divisions', count: 64 * 17 * 17, what: 'one per output (mean)' },
    ]);
    assert.equal(r.rows[0]!.explain[0]!.text, 'H_out = ceil((32 + 2*1 - 1*(3-1) - 1)/2 + 1) = 17');
    assert.deepEqual(r.rows[1]!.outputShape, [1, 64, 1, 1]);
    assert.equal(r.rows[1]!.otherOps[0]!.count, 64 * 17 * 17);
    assert.deepEqual(col(r, 'type'), ['avgPool2d', 'adaptiveAvgPool2d', 'flatten', 'linear', 'softmax', 'dropout']);
    assert.deepEqual(col(r, 'macs'), [0, 0, 0, 640, 0, 0]);
    checkWorking(r);
  });

  it('a custom layer without stated MACs is flagged (macs null), never 0', () => {
    const layers: LayerSpec[] = [
      { type: 'conv2d', outChannels: 4, kernelSize: 3 },
      { type: 'custom', name: 'MyAttention', outputShape: [1, 4, 6, 6], params: 10 },
    ];
    const r = summarize([1, 2, 8, 8], layers, { explain: true });
    assert.equal(r.rows[1]!.macs, null);
    assert.match(r.rows[1]!.macsNote, /MyAttention/);
    assert.equal(r.totals.macsComplete, false);
    assert.equal(r.totals.macs, 4 * 36 * 2 * 9);
    const text = formatSummary(r);
    assert.match(text, /MyAttention \(MyAttention \(custom\)\)\s+\[1, 4, 6, 6\]\s+10\s+\?/);
    assert.match(text, /lower bound/);
  });

  it('agrees with the real ops on output shapes', () => {
    const cases: [string, (x: ck.Tensor) => ck.Tensor][] = [
      ['3x17x19 | conv 4 k3x5 s2 p1x2 d1x2', (x) => ck.conv2d(x, ck.zeros([4, 3, 3, 5]), null, { stride: 2, padding: [1, 2], dilation: [1, 2] })],
      ['4x9x9 | convT 6 k3 s3 p1 op2 g2', (x) => ck.convTranspose2d(x, ck.zeros([4, 3, 3, 3]), null, { stride: 3, padding: 1, outputPadding: 2, groups: 2 })],
      ['2x11x13 | maxpool 3 s2 p1 d2 ceil', (x) => ck.maxPool2d(x, 3, { stride: 2, padding: 1, dilation: 2, ceilMode: true })],
      ['2x11x13 | avgpool 3x2 s2 p1 ceil', (x) => ck.avgPool2d(x, [3, 2], { stride: 2, padding: 1, ceilMode: true })],
      ['2x11x13 | adaptiveavg 4x5', (x) => ck.adaptiveAvgPool2d(x, [4, 5])],
      ['3x9x8x7 | conv 2 k3 p=same d2', (x) => ck.conv3d(x, ck.zeros([2, 3, 3, 3, 3]), null, { padding: 'same', dilation: 2 })],
    ];
    for (const [src, f] of cases) {
      const r = summarizeArchitecture(src, { batch: 2 });
      const y = f(ck.zeros(r.inputShape));
      assert.deepEqual(r.outputShape, [...y.shape], src);
    }
  });
});

describe('summary: working equals the computed value for many configurations', () => {
  it('random convs, transposed convs and pools', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let checked = 0;
    for (let t = 0; t < 400; t++) {
      const r = 1 + rnd(3);
      const cin = [1, 2, 4, 6][rnd(4)]!;
      const g = cin % 2 === 0 && rnd(2) === 0 ? 2 : 1;
      const dims = Array.from({ length: r }, () => 5 + rnd(20));
      const k = 1 + rnd(4);
      const s = 1 + rnd(3);
      const d = 1 + rnd(2);
      const p = rnd(3);
      const kind = rnd(5);
      let layer: string;
      if (kind === 0) layer = `conv ${g * (1 + rnd(4))} k${k} s${s} p${p} d${d} g${g}`;
      else if (kind === 1) layer = `conv ${2 * (1 + rnd(3))} k${k} d${d} p=${['same', 'valid', 'full'][rnd(3)]}`;
      else if (kind === 2) layer = `convT ${g * (1 + rnd(3))} k${k} s${s} p${Math.min(p, k - 1)} d${d} g${g} op${rnd(Math.max(s, d))}`;
      else if (kind === 3) layer = `maxpool ${k} s${s} p${Math.min(p, Math.floor(k / 2))} d${d}${rnd(2) ? ' ceil' : ''}`;
      else layer = `avgpool ${k} s${s} p${Math.min(p, Math.floor(k / 2))}${rnd(2) ? ' ceil' : ''}`;
      const src = `${cin}x${dims.join('x')} | ${layer}`;
      let res: SummaryResult;
      try {
        res = summarizeArchitecture(src, { explain: true, batch: 1 + rnd(3) });
      } catch (e) {
        assert.ok(e instanceof ShapeError || e instanceof ValueError, `${src}: ${String(e)}`);
        continue;
      }
      checkWorking(res);
      const row = res.rows[0]!;
      // the MAC rule, independently: plain N·Cout·∏out·(Cin/g)·∏k, transposed N·Cin·∏in·(Cout/g)·∏k
      const N = row.inputShape[0]!;
      const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);
      const kk = k ** r;
      if (kind <= 1) assert.equal(row.macs, N * row.outputShape[1]! * prod(row.outputShape.slice(2)) * (cin / (kind === 0 ? g : 1)) * kk, src);
      if (kind === 2) assert.equal(row.macs, N * cin * prod(dims) * (row.outputShape[1]! / g) * kk, src);
      if (kind >= 3) assert.equal(row.macs, 0, src);
      checked++;
    }
    assert.ok(checked > 200, `only ${checked} configurations were valid`);
  });
});

describe('summary: architecture grammar', () => {
  it('parses every layer kind', () => {
    const a = parseArchitecture('3x32x32|conv 8 k3x5 s1x2 p1 d2 g1 nobias mode=reflect | convT 4 k2 s2 op1 | bn noaffine | maxpool 2 s1 p1 d1 ceil | avgpool 2 nopad | adaptiveavg 7x7 | linear 10 nobias | gelu | tanh | sigmoid | dropout');
    assert.deepEqual(a.inputShape, [3, 32, 32]);
    const strip = a.layers.map((l) => {
      const { origin: _o, ...rest } = l;
      return rest;
    });
    assert.deepEqual(strip, [
      { type: 'conv2d', outChannels: 8, kernelSize: [3, 5], stride: [1, 2], padding: 1, dilation: 2, groups: 1, bias: false, paddingMode: 'reflect' },
      { type: 'convTranspose2d', outChannels: 4, kernelSize: 2, stride: 2, outputPadding: 1 },
      { type: 'batchNorm2d', affine: false },
      { type: 'maxPool2d', kernelSize: 2, stride: 1, padding: 1, ceilMode: true, dilation: 1 },
      { type: 'avgPool2d', kernelSize: 2, countIncludePad: false },
      { type: 'adaptiveAvgPool2d', outputSize: [7, 7] },
      { type: 'flatten', name: 'Flatten (auto)' },
      { type: 'linear', outFeatures: 10, bias: false },
      { type: 'gelu' },
      { type: 'tanh' },
      { type: 'sigmoid' },
      { type: 'dropout' },
    ]);
    assert.deepEqual(a.layers[0]!.origin, { text: 'conv 8 k3x5 s1x2 p1 d2 g1 nobias mode=reflect', layer: 1, offset: 8 });
    assert.equal(parseArchitecture('8x100 | conv 4 k3 | bn | flatten | bn').layers[1]!.type, 'batchNorm1d');
    assert.equal(parseArchitecture('1x4x4x4 | maxpool 2').layers[0]!.type, 'maxPool3d');
  });

  it('errors state the layer, the character offset and what was expected', () => {
    const src = '3x32x32 | conv 32 k3 | conv 64 z3';
    assertThrowsTyped(
      () => parseArchitecture(src),
      ArchitectureError,
      `summary: unknown option "z3" in layer 2 ("conv 64 z3") at character ${src.indexOf('z3')}; expected k<size>, s<stride>, p<pad>, p=same|valid|full, d<dilation>, g<groups>, nobias, mode=zeros|reflect|replicate|circular`,
    );
    try {
      parseArchitecture(src);
    } catch (e) {
      assert.ok(e instanceof ValueError);
      const ae = e as ArchitectureError;
      assert.deepEqual([ae.offset, ae.layer, ae.token, ae.op, ae.arg], [31, 2, 'z3', 'summary', 'architecture']);
    }
    assertThrowsTyped(() => parseArchitecture('3x32x32 | conv 64'), ArchitectureError, 'summary: missing kernel size in layer 1 ("conv 64") at character 17; expected k<size>, e.g. k3 or k3x5');
    assertThrowsTyped(() => parseArchitecture('3x32x32 | pool 2'), ArchitectureError, /^summary: unknown layer "pool" in layer 1 \("pool 2"\) at character 10; expected one of conv, convT, maxpool/);
    assertThrowsTyped(() => parseArchitecture('3x32x32 | conv 8 k3x3x3'), ArchitectureError, 'summary: bad value "k3x3x3" in layer 1 ("conv 8 k3x3x3") at character 17; expected k<size> as an integer >= 1 or 2 of them joined by "x" (e.g. k3x3)');
    assertThrowsTyped(() => parseArchitecture('3x32x32 | conv 8 k3 k5'), ArchitectureError, /repeated option "k5" in layer 1 .* at character 20/);
    assertThrowsTyped(() => parseArchitecture('3x32x32 | conv x k3'), ArchitectureError, 'summary: bad output channels "x" in layer 1 ("conv x k3") at character 15; expected output channels (a positive integer) after "conv"');
    assertThrowsTyped(() => parseArchitecture('3x32x32 | conv 8 k3 p=half'), ArchitectureError, /bad value "p=half" .* expected p=same\|valid\|full$/);
    assertThrowsTyped(() => parseArchitecture('3x32x32 | fc 10 | conv 3 k3'), ArchitectureError, /^summary: "conv" on a flat input in layer 2 \("conv 3 k3"\) at character 18; expected a spatial input/);
    assertThrowsTyped(() => parseArchitecture('3x32x32 | relu 2'), ArchitectureError, 'summary: unexpected token "2" in layer 1 ("relu 2") at character 15; expected nothing more in this layer');
    assertThrowsTyped(() => parseArchitecture('3x32x32 | | relu'), ArchitectureError, /^summary: empty layer in layer 1 \(""\) at character 10/);
    assertThrowsTyped(() => parseArchitecture('3xx32 | relu'), ArchitectureError, /^summary: bad input shape "3xx32" in the input shape \("3xx32"\) at character 0/);
    assertThrowsTyped(() => parseArchitecture('3x32x32 | dropout 1.5'), ArchitectureError, /bad dropout probability "1.5" in layer 1/);
    assertThrowsTyped(() => parseArchitecture('3x32x32 | maxpool'), ArchitectureError, /missing kernel size in layer 1 \("maxpool"\)/);
  });

  it('shape errors from the ops name the layer of the string', () => {
    assertThrowsTyped(
      () => summarizeArchitecture('3x4x4 | relu | conv 8 k7'),
      ShapeError,
      'summary: layer 2 ("conv 8 k7") at character 15: conv2d: output size would be below 1 in spatial dimension 0: floor((4 + 2*0 - 1*(7-1) - 1)/1 + 1) = -2; the padded input is smaller than the dilated kernel',
    );
    assertThrowsTyped(() => summarizeArchitecture('3x8x8 | conv 8 k3 g2'), ShapeError, /^summary: layer 1 \("conv 8 k3 g2"\) at character 8: conv2d: groups = 2 must divide/);
    assertThrowsTyped(() => summarizeArchitecture('3x8x8 | maxpool 4 p3'), ValueError, /maxPool2d: padding \[3, 3\] must be at most half/);
    assertThrowsTyped(() => summarize([1, 3, 8, 8], [{ type: 'linear', outFeatures: 2, inFeatures: 7 }]), ShapeError, /^summary: layer 1 \(Linear\): linear: the layer has 7 input features/);
    assertThrowsTyped(() => summarize([0, 3], []), ValueError);
    assertThrowsTyped(() => summarizeArchitecture('3x8x8 | relu', { batch: 0 }), ValueError);
  });
});

describe('summary: inputs and formatting', () => {
  it('layer inputs must be batched', () => {
    assertThrowsTyped(() => summarize([3, 8, 8], [{ type: 'conv2d', outChannels: 2, kernelSize: 3 }]), ShapeError, /^summary: layer 1 \(Conv2d\): conv2d: expected a batched input \(N, C, H, W\) of rank 4, got shape \[3, 8, 8\]/);
    assertThrowsTyped(() => summarize([3, 8, 8], [{ type: 'maxPool2d', kernelSize: 2 }]), ShapeError, /maxPool2d: expected a batched input/);
  });

  it('formats a table with every row and the totals; working only when asked', () => {
    const r = summarizeArchitecture('3x128x128 | conv 32 k8 s2 p3 | maxpool 2 | conv 64 k3 p1');
    const text = formatSummary(r);
    assert.match(text, /Conv2d-1 \(conv2d 3→32 k8x8 s2x2 p3x3\)\s+\[1, 32, 64, 64\]\s+6,176\s+25,165,824\s+131,072/);
    assert.match(text, /MaxPool2d-2 \(maxPool2d k2x2\)\s+\[1, 32, 32, 32\]\s+--\s+0\s+131,072/);
    assert.match(text, /Total params: 24,672/);
    assert.match(text, /Total FLOPs \(= 2 x MACs\): 88,080,384/);
    assert.match(text, /Activation memory \(outputs kept for backward, float32\): 917,504 B \(0.88 MB\)/);
    assert.doesNotMatch(text, /Working/);
    const e = formatSummary(summarizeArchitecture('3x128x128 | conv 32 k8 s2 p3', { explain: true }));
    assert.match(e, /Working/);
    assert.match(e, / {4}params = 32 \* \(3\/1\) \* 8 \* 8 \+ 32 = 6,176 {2}\(weight \+ bias\)/);
  });
});

describe('summary: specs carrying nn-module fields', () => {
  it('inChannels / numFeatures / inFeatures are checked against the input', () => {
    assertThrowsTyped(() => summarize([1, 3, 8, 8], [{ type: 'conv2d', inChannels: 4, outChannels: 2, kernelSize: 3 }]), ShapeError, /conv2d: weight has 4 input channels per group but input has 3 channels/);
    assertThrowsTyped(() => summarize([1, 3, 8, 8], [{ type: 'batchNorm2d', numFeatures: 4 }]), ShapeError, /the layer has 4 features but the input \[1, 3, 8, 8\] has 3 channels/);
    const ok = summarize([1, 3, 8, 8], [
      { type: 'conv2d', inChannels: 3, outChannels: 6, kernelSize: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 3, bias: true, paddingMode: 'zeros', name: 'features.0' },
      { type: 'maxPool2d', kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false },
      { type: 'flatten', startDim: 1, endDim: -1 },
      { type: 'linear', inFeatures: 96, outFeatures: 5, bias: true },
    ]);
    // 6*(3/3)*9 + 6 = 60; 96*5 + 5 = 485
    assert.deepEqual(col(ok, 'params'), [60, 0, 0, 485]);
    assert.equal(ok.rows[0]!.name, 'features.0');
    assert.deepEqual(ok.outputShape, [1, 5]);
  });
});
