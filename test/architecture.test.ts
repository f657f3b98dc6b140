/**
 * Models as data: architecture strings build real nn.Sequential models (residual blocks, batch
 * norm, dropout, activations, 1-3-d layers), the named models are strings that build exactly the
 * networks written out by hand, and errors name the layer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { nn, manualSeed, buildArchitecture, buildModel, modelArchitecture, MODELS, summary, summarizeArchitecture, zeros, randn, noGrad } from '../src/index.js';
import { ArchitectureError } from '../src/summary/index.js';
import { ShapeError } from '../src/errors.js';
import { checkArchitectureFor } from '../src/models/architecture.js';
import { assertThrowsTyped } from './helpers.js';

const { Conv2d, ReLU, MaxPool2d, Flatten, Linear, Dropout, Sequential } = nn;

/** The named models as they were written before they became strings. */
const BY_HAND: Record<string, () => nn.Sequential> = {
  digits: () => new Sequential(new Conv2d(1, 16, 5), new ReLU(), new MaxPool2d(2), new Conv2d(16, 32, 5), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(512, 128), new ReLU(), new Linear(128, 10)),
  'mnist-net': () => new Sequential(new Conv2d(1, 32, 3), new ReLU(), new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2), new Dropout(0.25), new Flatten(), new Linear(9216, 128), new ReLU(), new Dropout(0.5), new Linear(128, 10)),
  lenet: () => new Sequential(new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2), new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10)),
};

describe('named models are architecture strings', () => {
  for (const name of Object.keys(MODELS)) {
    it(`${name}: same modules, keys and initial weights as the hand-written network`, () => {
      manualSeed(3);
      const a = BY_HAND[name]!();
      manualSeed(3);
      const b = buildModel(name);
      assert.equal(String(b), String(a));
      const sa = a.stateDict();
      const sb = b.stateDict();
      assert.deepEqual(Object.keys(sb), Object.keys(sa));
      for (const k of Object.keys(sa)) assert.deepEqual([...sb[k]!.data], [...sa[k]!.data], k);
    });
  }
  it('modelArchitecture adapts the input shape and the class count; the layers in between follow', () => {
    const s = modelArchitecture('lenet', { inputShape: [3, 32, 32], numClasses: 5 });
    assert.equal(s, '3x32x32 | conv 6 k5 p2 | relu | maxpool 2 | conv 16 k5 | relu | maxpool 2 | flatten | fc 120 | relu | fc 84 | relu | fc 5');
    const m = buildArchitecture(s);
    // 32 -> 32 -> 16 -> 12 -> 6: the first fc reads 16*6*6 = 576 features
    assert.equal((m.at(7) as nn.Linear).inFeatures, 576);
    assert.deepEqual(m.forward(zeros([2, 3, 32, 32])).shape, [2, 5]);
    assertThrowsTyped(() => modelArchitecture('resnet'), ck.ValueError, /one of digits, mnist-net, lenet/);
  });
});

describe('buildArchitecture', () => {
  it('builds every layer kind with its options, in 1-d, 2-d and 3-d', () => {
    const m = buildArchitecture('3x16x16 | conv 8 k3 s1 p1 d1 g1 mode=reflect | bn | leakyrelu 0.2 | maxpool 2 ceil | convT 4 k2 s2 | avgpool 2 nopad | adaptiveavg 3 | dropout 0.1 | flatten | fc 12 nobias | gelu | fc 5 | logsoftmax');
    assert.deepEqual(m.forward(randn([2, 3, 16, 16])).shape, [2, 5]);
    const types = [...m].map((x) => x.constructor.name);
    assert.deepEqual(types, ['Conv2d', 'BatchNorm2d', 'LeakyReLU', 'MaxPool2d', 'ConvTranspose2d', 'AvgPool2d', 'AdaptiveAvgPool2d', 'Dropout', 'Flatten', 'Linear', 'GELU', 'Linear', 'LogSoftmax']);
    assert.equal((m.at(0) as nn.Conv2d).paddingMode, 'reflect');
    assert.equal((m.at(2) as nn.LeakyReLU).negativeSlope, 0.2);
    assert.equal((m.at(9) as nn.Linear).bias, null);
    assert.deepEqual(buildArchitecture('2x20 | conv 4 k3 | maxpool 2 | bn | sigmoid | fc 3').forward(randn([5, 2, 20])).shape, [5, 3]);
    const m3 = buildArchitecture('1x6x6x6 | conv 2 k3 p1 | maxpool 2 | avgpool 1 | adaptiveavg 2 | tanh | fc 2 | softmax');
    assert.deepEqual(m3.forward(randn([1, 1, 6, 6, 6])).shape, [1, 2]);
    assert.deepEqual([...m3].slice(1, 4).map((x) => x.constructor.name), ['MaxPool3d', 'AvgPool3d', 'AdaptiveAvgPool3d']);
  });

  it('a residual block adds its output to its input, and trains', () => {
    manualSeed(0);
    const m = buildArchitecture('2x5x5 | res( conv 2 k3 p1 | relu | conv 2 k3 p1 ) | flatten | fc 3');
    const block = m.at(0) as nn.Residual;
    assert.ok(block instanceof nn.Residual);
    const x = randn([1, 2, 5, 5]);
    const inner = noGrad(() => block.at(2).call(block.at(1).call(block.at(0).call(x))));
    assert.deepEqual([...noGrad(() => block.call(x)).data], [...ck.add(x, inner).data]);
    assert.deepEqual(Object.keys(m.stateDict()), ['0.0.weight', '0.0.bias', '0.2.weight', '0.2.bias', '2.weight', '2.bias']);
    const loss = ck.crossEntropy(m.forward(x), ck.tensor([1], { dtype: 'int32' }));
    loss.backward();
    assert.ok(block.at(0).stateDict()['weight'] !== undefined && (block.at(0) as nn.Conv2d).weight.grad !== null);
    // nested blocks
    const n = buildArchitecture('1x4x4 | res( conv 1 k3 p1 | res( relu | conv 1 k1 ) ) | fc 2');
    assert.deepEqual(n.forward(randn([3, 1, 4, 4])).shape, [3, 2]);
  });

  it('errors: a block that changes the shape, an unclosed block, a layer that does not fit', () => {
    assertThrowsTyped(() => buildArchitecture('2x5x5 | res( conv 3 k3 p1 ) | fc 2'), ShapeError, /^summary: layer 1 \("res\( conv 3 k3 p1 \)"\) at character 8: residual: the block's layers turn \[1, 2, 5, 5\] into \[1, 3, 5, 5\]/);
    assertThrowsTyped(() => buildArchitecture('2x5x5 | res( conv 2 k3 p1 | fc 2'), ArchitectureError, /unclosed "res\("/);
    assertThrowsTyped(() => buildArchitecture('2x5x5 | res( conv 2 k9 ) | fc 2'), ShapeError, /^summary: layer 2 \("conv 2 k9"\) at character 13: conv2d: output size would be below 1/);
    assertThrowsTyped(() => buildArchitecture('2x5x5 | res( flatten )'), ArchitectureError, /a residual block that changes the rank of its input in layer 1/);
    assertThrowsTyped(() => buildArchitecture('2x5x5 | leakyrelu x'), ArchitectureError, /bad negative slope "x"/);
  });

  it('layers are numbered in reading order, a block before its layers', () => {
    const a = ck.parseArchitecture('1x4x4 | res( relu | conv 1 k1 ) | tanh');
    const block = a.layers[0]!;
    assert.equal(block.type, 'residual');
    assert.equal(block.origin!.layer, 1);
    if (block.type === 'residual') assert.deepEqual(block.layers.map((l) => l.origin!.layer), [2, 3]);
    assert.equal(a.layers[1]!.origin!.layer, 4);
  });

  it('the summary of the built model equals the summary of the string', () => {
    const src = '3x12x12 | conv 8 k3 p1 | bn | relu | res( conv 8 k3 p1 | bn | relu ) | maxpool 2 | fc 10';
    const s = summarizeArchitecture(src);
    const m = summary(buildArchitecture(src), [1, 3, 12, 12]);
    assert.deepEqual(m.rows.map((r) => [r.outputShape, r.params, r.macs, r.depth]), s.rows.map((r) => [r.outputShape, r.params, r.macs, r.depth]));
    assert.equal(m.totals.macs, s.totals.macs);
  });

  it('checkArchitectureFor names the data the string must fit', () => {
    assert.doesNotThrow(() => checkArchitectureFor('3x8x8 | fc 4', [3, 8, 8], 4, 'folder:x'));
    assertThrowsTyped(() => checkArchitectureFor('1x8x8 | fc 4', [3, 8, 8], 4, 'folder:x'), ShapeError, /reads inputs of 1x8x8 but folder:x has inputs of 3x8x8; start the string with "3x8x8 \|"/);
    assertThrowsTyped(() => checkArchitectureFor('3x8x8 | fc 10', [3, 8, 8], 4, 'folder:x'), ShapeError, /has 4 classes; end the string with "fc 4"/);
  });
});
