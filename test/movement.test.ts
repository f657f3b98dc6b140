/** Movement ops: hand-derived values (pad in every mode, permute, slicing, joining, indexing) and errors. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { DTypeError, ShapeError, Tensor, ValueError, tensor } from '../src/index.js';
import { assertThrowsTyped, describeBackends, onBackend } from './helpers.js';

const arr = (t: Tensor): number[] => [...t.data];
const shp = (t: Tensor): number[] => [...t.shape];
const ar = (n: number, shape?: number[]): Tensor => ck.reshape(ck.arange(0, n, 1, { dtype: 'float32' }), shape ?? [n]);
const ix = (v: ck.NestedArray): Tensor => tensor(v, { dtype: 'int32' });
/** Gradient of sum(f(x)) w.r.t. x (each output element read once). */
const gsum = (f: (x: Tensor) => Tensor, x: Tensor): number[] => arr(ck.grad((y: Tensor) => ck.sum(f(y)))(x) as Tensor);

describeBackends('movement', (b) => {
  const t = (name: string, fn: () => void): void => {
    it(name, () => onBackend(b, fn));
  };

  // ---- pad ------------------------------------------------------------------------------------

  t('pad 1-d in every mode, and the gradient counts how often each element is read', () => {
    const x = ar(4);
    const cases: [string, number[], number[], number[]][] = [
      // mode, pads, output, gradient of sum
      ['reflect', [2, 1], [2, 1, 0, 1, 2, 3, 2], [1, 2, 3, 1]],
      ['replicate', [2, 1], [0, 0, 0, 1, 2, 3, 3], [3, 1, 1, 2]],
      ['circular', [2, 1], [2, 3, 0, 1, 2, 3, 0], [2, 1, 2, 2]],
      ['circular', [4, 0], [0, 1, 2, 3, 0, 1, 2, 3], [2, 2, 2, 2]],
      // negative pads crop first; circular then wraps around what is left
      ['circular', [2, -1], [1, 2, 0, 1, 2], [1, 2, 2, 0]],
      ['reflect', [-1, 2], [1, 2, 3, 2, 1], [0, 2, 2, 1]],
      ['replicate', [-3, 2], [3, 3, 3], [0, 0, 0, 3]],
    ];
    for (const [mode, pads, out, grad] of cases) {
      const y = ck.pad(x, pads, { mode: mode as ck.PadMode });
      assert.deepEqual(arr(y), out, `${mode} ${pads}`);
      assert.deepEqual(gsum((z) => ck.pad(z, pads, { mode: mode as ck.PadMode }), x), grad, `grad ${mode} ${pads}`);
    }
    assert.deepEqual(arr(ck.pad(x, [2, 1], { value: 9 })), [9, 9, 0, 1, 2, 3, 9]);
    assert.deepEqual(arr(ck.pad(x, [-1, -2])), [1]);
    assert.deepEqual(gsum((z) => ck.pad(z, [-1, 2]), x), [0, 1, 1, 1]);
    assert.deepEqual(shp(ck.pad(x, [-2, -2])), [0]);
  });

  t('pad 2-d reflect mirrors rows and columns; constant pads any leading dimension', () => {
    const y = ck.pad(ar(9, [1, 3, 3]), [1, 1, 1, 1], { mode: 'reflect' });
    assert.deepEqual(shp(y), [1, 5, 5]);
    assert.deepEqual(arr(y), [4, 3, 4, 5, 4, 1, 0, 1, 2, 1, 4, 3, 4, 5, 4, 7, 6, 7, 8, 7, 4, 3, 4, 5, 4]);
    const c = ck.pad(ar(2, [2, 1]), [0, 0, 1, 0], { mode: 'constant', value: -1 });
    assert.deepEqual(arr(c), [-1, 0, 1]);
    const i = ck.pad(ix([1, 2]), [1, 0], { value: 7 });
    assert.equal(i.dtype, 'int32');
    assert.deepEqual(arr(i), [7, 1, 2]);
  });

  t('pad errors name the mode, the dimension and the numbers', () => {
    const x = ar(12, [1, 3, 4]);
    assertThrowsTyped(() => ck.pad(x, [4, 0], { mode: 'reflect' }), ValueError,
      'pad: reflect padding must be less than the input size at dimension 2 (pads (4, 0), input [1, 3, 4]): got 4 >= 4');
    assertThrowsTyped(() => ck.pad(x, [0, 0, 1, 3], { mode: 'reflect' }), ValueError, /at dimension 1 \(pads \(1, 3\), input \[1, 3, 4\]\): got 3 >= 3/);
    assertThrowsTyped(() => ck.pad(x, [5, 0], { mode: 'circular' }), ValueError,
      'pad: circular padding must be at most the input size at dimension 2 (pads (5, 0), input [1, 3, 4]): got 5 > 4');
    assertThrowsTyped(() => ck.pad(x, [-2, 3], { mode: 'circular' }), ValueError, /circular padding must be at most the input size .* got 3 > 2/);
    assertThrowsTyped(() => ck.pad(x, [-3, -1], { mode: 'replicate' }), ValueError,
      'pad: padding leaves an output size of 4 + -3 + -1 = 0 at dimension 2 (pads (-3, -1), input [1, 3, 4]); mode "replicate" needs at least 1');
    assertThrowsTyped(() => ck.pad(x, [-3, -2]), ValueError, /output size of 4 \+ -3 \+ -2 = -1/);
    assertThrowsTyped(() => ck.pad(x, [1, 2, 3]), ValueError,
      'pad: pad must have an even length (before, after pairs from the last dimension), got 3 values: [1, 2, 3]');
    assertThrowsTyped(() => ck.pad(x, [1, 1, 1, 1, 1, 1, 1, 1]), ShapeError,
      'pad: pad [1, 1, 1, 1, 1, 1, 1, 1] pads 4 dimensions but the input [1, 3, 4] has only 3');
    assertThrowsTyped(() => ck.pad(x, [1.5, 1]), ValueError, 'pad: pad must be an array of integers (before, after pairs from the last dimension), got [1.5, 1]');
    assertThrowsTyped(() => ck.pad(x, [NaN, 1]), ValueError, /got \[NaN, 1\]/);
    assertThrowsTyped(() => ck.pad(x, [1, 1], { mode: 'zeros' as ck.PadMode }), ValueError,
      'pad: options.mode must be one of "constant", "reflect", "replicate", "circular", got "zeros"');
    assertThrowsTyped(() => ck.pad(x, [1, 1], { mode: 'reflect', value: 2 }), ValueError,
      'pad: options.value is only used by mode "constant", got value 2 with mode "reflect"');
    assertThrowsTyped(() => ck.pad(x, [1, 1], { padding_mode: 'reflect' } as never), ValueError, 'pad: unknown option "padding_mode" (allowed: mode, value)');
    assertThrowsTyped(() => ck.pad([1, 2] as never, [1, 1]), ValueError, 'pad: input must be a Tensor, got [1, 2]');
    assertThrowsTyped(() => ck.pad(ck.zeros([0]), [1, 1], { mode: 'replicate' }), ValueError,
      'pad: mode "replicate" needs a non-empty dimension to replicate, but dimension 0 (pads (1, 1), input [0]) has size 0');
  });

  // ---- layout ---------------------------------------------------------------------------------

  t('permute, transpose and t move elements', () => {
    const x = ar(24, [2, 3, 4]);
    const p = ck.permute(x, [2, 0, 1]);
    assert.deepEqual(shp(p), [4, 2, 3]);
    // p[k][i][j] = x[i][j][k] = 12 i + 4 j + k
    assert.deepEqual(arr(p).slice(0, 8), [0, 4, 8, 12, 16, 20, 1, 5]);
    assert.deepEqual(arr(ck.transpose(ar(6, [2, 3]), 0, 1)), [0, 3, 1, 4, 2, 5]);
    assert.deepEqual(arr(ck.transpose(x, -1, 0)).slice(0, 4), [0, 12, 4, 16]);
    assert.deepEqual(arr(ck.t(ar(6, [3, 2]))), [0, 2, 4, 1, 3, 5]);
    const v = ar(3);
    assert.equal(ck.t(v), v);
    assertThrowsTyped(() => ck.permute(x, [0, 1]), ShapeError, 'permute: dims [0, 1] has 2 entries but the input [2, 3, 4] has 3 dimensions');
    assertThrowsTyped(() => ck.permute(x, [0, 1, 1]), ValueError, 'permute: dims must be distinct dimensions, got [0, 1, 1]');
    assertThrowsTyped(() => ck.permute(x, [0, 1, 3]), ValueError, 'permute: dims must be an integer in [-3, 2] for a tensor of rank 3, got 3');
    assertThrowsTyped(() => ck.transpose(x, 0, 3), ValueError, 'transpose: dim1 must be an integer in [-3, 2] for a tensor of rank 3, got 3');
    assertThrowsTyped(() => ck.t(x), ShapeError, 't: expected a tensor with at most 2 dimensions, got shape [2, 3, 4]; use transpose(input, dim0, dim1)');
  });

  t('flatten, squeeze and unsqueeze reshape without copying', () => {
    const x = ar(24, [2, 3, 4]);
    assert.deepEqual(shp(ck.flatten(x)), [24]);
    assert.deepEqual(shp(ck.flatten(x, 1)), [2, 12]);
    assert.deepEqual(shp(ck.flatten(x, 0, -2)), [6, 4]);
    assert.equal(ck.flatten(x, 1).data, x.data);
    assert.deepEqual(shp(ck.flatten(ck.tensor(5))), [1]);
    assertThrowsTyped(() => ck.flatten(x, 2, 1), ValueError, 'flatten: startDim 2 (dimension 2) comes after endDim 1 (dimension 1)');
    const y = ck.zeros([1, 3, 1, 2]);
    assert.deepEqual(shp(ck.squeeze(y)), [3, 2]);
    assert.deepEqual(shp(ck.squeeze(y, 2)), [1, 3, 2]);
    assert.deepEqual(shp(ck.squeeze(y, 1)), [1, 3, 1, 2]);
    assert.deepEqual(shp(ck.squeeze(y, [0, -2])), [3, 2]);
    assert.deepEqual(shp(ck.unsqueeze(ar(6, [2, 3]), -1)), [2, 3, 1]);
    assert.deepEqual(shp(ck.unsqueeze(ar(6, [2, 3]), 0)), [1, 2, 3]);
    assertThrowsTyped(() => ck.unsqueeze(ar(6, [2, 3]), 3), ValueError, 'unsqueeze: dim must be an integer in [-3, 2] for a tensor of rank 3, got 3');
    assertThrowsTyped(() => ck.squeeze(y, 4), ValueError, /squeeze: dim must be an integer in \[-4, 3\]/);
  });

  t('flip, roll, repeat, tile', () => {
    const x = ar(6, [2, 3]);
    assert.deepEqual(arr(ck.flip(x, [1])), [2, 1, 0, 5, 4, 3]);
    assert.deepEqual(arr(ck.flip(x, [0, -1])), [5, 4, 3, 2, 1, 0]);
    assert.deepEqual(arr(ck.roll(x, 1)), [5, 0, 1, 2, 3, 4]);
    assert.deepEqual(arr(ck.roll(x, 1, 1)), [2, 0, 1, 5, 3, 4]);
    assert.deepEqual(arr(ck.roll(x, [-1, 4], [0, 1])), [5, 3, 4, 2, 0, 1]);
    assert.deepEqual(arr(ck.roll(x, [1, 1], [1, 1])), [1, 2, 0, 4, 5, 3]);
    assertThrowsTyped(() => ck.roll(x, [1, 2], [0]), ValueError, 'roll: shifts [1, 2] and dims [0] must have the same length');
    assertThrowsTyped(() => ck.roll(x, [1, 2]), ValueError, 'roll: shifts must be one shift when dims is omitted, got [1, 2]');
    assertThrowsTyped(() => ck.flip(x, [0, 0]), ValueError, 'flip: dims must be distinct dimensions, got [0, 0]');
    assert.deepEqual(arr(ck.repeat(tensor([1, 2]), [2, 2])), [1, 2, 1, 2, 1, 2, 1, 2]);
    assert.deepEqual(shp(ck.repeat(x, [2, 1, 2])), [2, 2, 6]);
    assert.deepEqual(arr(ck.tile(x, [2])), [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5]);
    assertThrowsTyped(() => ck.repeat(x, [2]), ShapeError, 'repeat: repeats [2] has fewer entries than the input [2, 3] has dimensions');
    assertThrowsTyped(() => ck.tile(x, [-1]), ValueError, 'tile: dims must be an array of non-negative integers, got [-1]');
  });

  t('clone copies; to converts dtypes (truncating to int32) and returns the input for its own dtype', () => {
    const x = tensor([1.5, -1.5, 2.7, 0.1]);
    const c = ck.clone(x);
    assert.notEqual(c.data, x.data);
    assert.deepEqual(arr(c), arr(x));
    const i = ck.to(x, 'int32');
    assert.equal(i.dtype, 'int32');
    assert.deepEqual(arr(i), [1, -1, 2, 0]);
    const d = ck.to(tensor([0.1], { dtype: 'float64' }), 'float32');
    assert.equal(d.data[0], Math.fround(0.1));
    assert.equal(ck.to(x, 'float32'), x);
    assert.equal(ck.to(ix([3]), 'float64').dtype, 'float64');
    assertThrowsTyped(() => ck.to(x, 'float16' as never), ValueError, 'to: dtype must be "float32", "float64" or "int32", got "float16"');
    // float -> float conversions carry the gradient back in the input's dtype
    const g = ck.grad((z: Tensor) => ck.sum(ck.mul(ck.to(z, 'float64'), 3)))(x) as Tensor;
    assert.equal(g.dtype, 'float32');
    assert.deepEqual(arr(g), [3, 3, 3, 3]);
  });

  // ---- slicing and joining ----------------------------------------------------------------------

  t('slice follows Python slice rules; narrow takes start and length', () => {
    const x = ar(10);
    assert.deepEqual(arr(ck.slice(x, 0, 1, 8, 3)), [1, 4, 7]);
    assert.deepEqual(arr(ck.slice(x, 0, -3)), [7, 8, 9]);
    assert.deepEqual(arr(ck.slice(x, 0, null, -7)), [0, 1, 2]);
    assert.deepEqual(arr(ck.slice(x, 0, -100, 100, 4)), [0, 4, 8]);
    assert.deepEqual(shp(ck.slice(x, 0, 8, 2)), [0]);
    assert.deepEqual(arr(ck.slice(ar(12, [3, 4]), -1, 1, 3)), [1, 2, 5, 6, 9, 10]);
    assert.deepEqual(arr(ck.narrow(x, 0, -3, 2)), [7, 8]);
    assert.deepEqual(arr(ck.narrow(ar(12, [3, 4]), 0, 1, 1)), [4, 5, 6, 7]);
    assert.deepEqual(gsum((z) => ck.slice(z, 0, 1, 8, 3), x), [0, 1, 0, 0, 1, 0, 0, 1, 0, 0]);
    assertThrowsTyped(() => ck.slice(x, 0, 0, 5, 0), ValueError, 'slice: step must be a positive integer (negative steps are not supported; use flip), got 0');
    assertThrowsTyped(() => ck.slice(x, 0, 1.5), ValueError, 'slice: start must be an integer or undefined, got 1.5');
    assertThrowsTyped(() => ck.narrow(x, 0, 8, 3), ValueError, 'narrow: start 8 + length 3 exceeds dimension 0 of size 10');
    assertThrowsTyped(() => ck.narrow(x, 0, -11, 1), ValueError, 'narrow: start must be an integer in [-10, 10] for dimension 0 of size 10, got -11');
    assertThrowsTyped(() => ck.slice(ck.tensor(1), 0, 0), ShapeError, 'slice: input must be a tensor with at least one dimension, got a 0-d tensor');
    assertThrowsTyped(() => ck.narrow(x, 1, 0, 1), ValueError, 'narrow: dim must be an integer in [-1, 0] for a tensor of rank 1, got 1');
  });

  t('cat and stack', () => {
    const a = tensor([[1, 2]]);
    const c = tensor([[3, 4], [5, 6]]);
    assert.deepEqual(arr(ck.cat([a, c])), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(arr(ck.cat([c, tensor([[7], [8]])], 1)), [3, 4, 7, 5, 6, 8]);
    assert.deepEqual(arr(ck.cat([c, ck.zeros([0]), a], -2)), [3, 4, 5, 6, 1, 2], 'legacy empty 1-d tensors are skipped');
    assert.deepEqual(arr(ck.stack([tensor([1, 2]), tensor([3, 4])])), [1, 2, 3, 4]);
    const s = ck.stack([tensor([1, 2]), tensor([3, 4])], -1);
    assert.deepEqual(shp(s), [2, 2]);
    assert.deepEqual(arr(s), [1, 3, 2, 4]);
    assert.deepEqual(shp(ck.stack([ck.tensor(1), ck.tensor(2), ck.tensor(3)])), [3]);
    const w = tensor([1, 2, 3]).requiresGrad_(true);
    const y = ck.cat([ck.mul(w, 2), w, ck.zeros([0])]);
    ck.sum(ck.mul(y, tensor([1, 2, 3, 4, 5, 6]))).backward();
    assert.deepEqual(arr(w.grad!), [2 + 4, 4 + 5, 6 + 6]);
    assertThrowsTyped(() => ck.cat([a, tensor([[1, 2, 3]])]), ShapeError,
      'cat: sizes must match except in dimension 0: tensors[1] has shape [1, 3] but tensors[0] has [1, 2] (dimension 1)');
    assertThrowsTyped(() => ck.cat([a, tensor([1, 2])]), ShapeError, 'cat: tensors[1] has shape [2] but tensors[0] has 2 dimensions [1, 2]');
    assertThrowsTyped(() => ck.cat([a, tensor([[1, 2]], { dtype: 'float64' })]), DTypeError,
      'cat: mixed dtypes: tensors[0] is float32 but tensors[1] is float64; convert one with .to()');
    assertThrowsTyped(() => ck.cat([]), ValueError, 'cat: tensors must be a non-empty array of tensors, got []');
    assertThrowsTyped(() => ck.cat([a, 3 as never]), ValueError, 'cat: tensors[1] must be a Tensor, got 3');
    assertThrowsTyped(() => ck.cat([ck.tensor(1)]), ShapeError, 'cat: zero-dimensional tensors cannot be concatenated; use stack');
    assertThrowsTyped(() => ck.cat([a], 2), ValueError, 'cat: dim must be an integer in [-2, 1] for a tensor of rank 2, got 2');
    assertThrowsTyped(() => ck.stack([tensor([1, 2]), tensor([1, 2, 3])]), ShapeError,
      'stack: every tensor must have the same shape, but tensors[0] is [2] and tensors[1] is [3]');
    assertThrowsTyped(() => ck.stack([tensor([1, 2])], 2), ValueError, 'stack: dim must be an integer in [-2, 1] for a tensor of rank 2, got 2');
  });

  t('split and chunk', () => {
    const x = ar(5);
    assert.deepEqual(ck.split(x, 2).map(arr), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(ck.split(x, [1, 0, 4]).map(arr), [[0], [], [1, 2, 3, 4]]);
    assert.deepEqual(ck.split(ar(6, [2, 3]), 2, 1).map(arr), [[0, 1, 3, 4], [2, 5]]);
    assert.deepEqual(ck.chunk(x, 3).map(arr), [[0, 1], [2, 3], [4]]);
    assert.deepEqual(ck.chunk(ar(6), 4).map(shp), [[2], [2], [2]]);
    assert.deepEqual(ck.chunk(ck.zeros([0, 2]), 3).map(shp), [[0, 2], [0, 2], [0, 2]]);
    // the gradient of split is cat of the pieces' gradients (zeros for unused pieces)
    const w = ar(5).requiresGrad_(true);
    const [p, , q] = ck.split(w, 2);
    ck.add(ck.sum(ck.mul(p!, 2)), ck.sum(ck.mul(q!, 3))).backward();
    assert.deepEqual(arr(w.grad!), [2, 2, 0, 0, 3]);
    assertThrowsTyped(() => ck.split(x, [2, 2]), ValueError, 'split: sizes [2, 2] sum to 4 but dimension 0 of the input [5] has size 5');
    assertThrowsTyped(() => ck.split(x, 0), ValueError, 'split: splitSizeOrSections must be a positive integer (0 only splits an empty dimension), got 0');
    assertThrowsTyped(() => ck.chunk(x, 0), ValueError, 'chunk: chunks must be a positive integer, got 0');
  });

  // ---- indexing --------------------------------------------------------------------------------

  t('indexSelect, gather and scatterAdd', () => {
    const x = ar(6, [2, 3]);
    assert.deepEqual(arr(ck.indexSelect(x, 1, ix([2, 0, 2]))), [2, 0, 2, 5, 3, 5]);
    assert.deepEqual(shp(ck.indexSelect(x, 0, ix(1))), [1, 3]);
    assert.deepEqual(gsum((z) => ck.indexSelect(z, 1, ix([2, 0, 2])), x), [1, 0, 2, 1, 0, 2]);
    // torch.gather's documented example
    const g = tensor([[1, 2], [3, 4]]);
    assert.deepEqual(arr(ck.gather(g, 1, ix([[0, 0], [1, 0]]))), [1, 1, 4, 3]);
    assert.deepEqual(gsum((z) => ck.gather(z, 1, ix([[0, 0], [1, 0]])), g), [2, 0, 1, 1]);
    assert.deepEqual(arr(ck.gather(ar(12, [3, 4]), 0, ix([[2, 1, 0]]))), [8, 5, 2]);
    assert.deepEqual(arr(ck.scatterAdd(ck.zeros([3]), 0, ix([0, 2, 0, 2, 2]), tensor([1, 2, 3, 4, 5]))), [4, 0, 11]);
    const s = ck.scatterAdd(ck.ones([2, 3]), 1, ix([[2], [0]]), tensor([[10, 20], [30, 40]]));
    assert.deepEqual(arr(s), [1, 1, 11, 31, 1, 1]);
    const src = tensor([[10, 20], [30, 40]]).requiresGrad_(true);
    const r = ck.scatterAdd(ck.zeros([2, 3]), 1, ix([[2], [0]]), src);
    ck.sum(ck.mul(r, tensor([[1, 2, 3], [4, 5, 6]]))).backward();
    assert.deepEqual(arr(src.grad!), [3, 0, 4, 0], 'src elements outside the index get no gradient');
  });

  t('indexing errors: dtype, rank, shape and out-of-range indices', () => {
    const x = ar(6, [2, 3]);
    assertThrowsTyped(() => ck.indexSelect(x, 1, ix([0, 3])), ValueError,
      'indexSelect: index 3 (at position 1 of index) is out of range for dimension 1 with size 3');
    assertThrowsTyped(() => ck.indexSelect(x, 0, ix([-1])), ValueError, /index -1 \(at position 0 of index\) is out of range for dimension 0 with size 2/);
    assertThrowsTyped(() => ck.indexSelect(x, 0, tensor([0])), DTypeError, 'indexSelect: index must be an int32 tensor of indices, got a float32 tensor');
    assertThrowsTyped(() => ck.indexSelect(x, 0, ix([[0]])), ShapeError, 'indexSelect: index must be a 0-d or 1-d tensor, got shape [1, 1]');
    assertThrowsTyped(() => ck.gather(x, 0, ix([[0, 2]])), ValueError, 'gather: index 2 (at position 1 of index) is out of range for dimension 0 with size 2');
    assertThrowsTyped(() => ck.gather(x, 0, ix([0, 1])), ShapeError, 'gather: index [2] must have as many dimensions as input [2, 3]');
    assertThrowsTyped(() => ck.gather(x, 0, ix([[0, 0, 0, 0]])), ShapeError,
      'gather: index [1, 4] is larger than input [2, 3] at dimension 1 (only dimension 0 may differ)');
    assertThrowsTyped(() => ck.scatterAdd(x, 1, ix([[0, 1]]), tensor([[1]])), ShapeError, 'scatterAdd: index [1, 2] is larger than src [1, 1] at dimension 1');
    assertThrowsTyped(() => ck.scatterAdd(x, 1, ix([[0]]), tensor([[1]], { dtype: 'float64' })), DTypeError,
      'scatterAdd: mixed dtypes: input is float32 but src is float64; convert one with .to()');
    assertThrowsTyped(() => ck.gather(x, 2, ix([[0]])), ValueError, 'gather: dim must be an integer in [-2, 1] for a tensor of rank 2, got 2');
  });
});
