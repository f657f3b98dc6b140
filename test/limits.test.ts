/**
 * Every allocation's size is checked in the shape rule against the documented per-tensor limit
 * MAX_NUMEL: huge shapes are a ShapeError naming the op and the element count, never a raw V8
 * RangeError or gigabytes silently allocated.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { MAX_NUMEL, ShapeError } from '../src/index.js';
import { decodeImage } from '../src/data/index.js';
import { encode } from 'fast-png';
import { assertThrowsTyped, describeBackends, onBackend } from './helpers.js';

it('MAX_NUMEL is 2^28 elements', () => assert.equal(MAX_NUMEL, 268_435_456));

it('creation functions refuse shapes past the limit before allocating', () => {
  assertThrowsTyped(() => ck.zeros([2 ** 40]), ShapeError, 'zeros: a tensor of shape [1099511627776] would hold 1,099,511,627,776 elements, more than the limit of 268,435,456 per tensor (MAX_NUMEL)');
  // 2^31 float32 elements would be 8.6 GB
  assertThrowsTyped(() => ck.zeros([2 ** 31]), ShapeError, /zeros: a tensor of shape \[2147483648\] would hold 2,147,483,648 elements/);
  assertThrowsTyped(() => ck.ones([65536, 65536]), ShapeError, /ones: a tensor of shape \[65536, 65536\] would hold 4,294,967,296 elements/);
  assertThrowsTyped(() => ck.full([MAX_NUMEL + 1], 1), ShapeError, /full: .* 268,435,457 elements/);
  assertThrowsTyped(() => ck.rand([1e5, 1e5]), ShapeError, /rand: .* 10,000,000,000 elements/);
  assertThrowsTyped(() => ck.randn([1e5, 1e5]), ShapeError, /randn: /);
  assertThrowsTyped(() => ck.randint(0, 2, [1e5, 1e5]), ShapeError, /randint: /);
  assertThrowsTyped(() => ck.eye(1e5), ShapeError, /eye: a tensor of shape \[100000, 100000\]/);
  assertThrowsTyped(() => ck.arange(0, 1e12), ShapeError, 'arange: a tensor of shape [1000000000000] would hold 1,000,000,000,000 elements, more than the limit of 268,435,456 per tensor (MAX_NUMEL)');
  assertThrowsTyped(() => ck.linspace(0, 1, 2 ** 30), ShapeError, /linspace: .* 1,073,741,824 elements/);
  assertThrowsTyped(() => ck.zeros([2 ** 29, 1]), ShapeError, /zeros: a tensor of shape \[536870912, 1\]/);
});

describeBackends('op outputs past the limit', (b) => {
  it('a convolution with padding 40000 is a ShapeError naming conv2d', () =>
    onBackend(b, () => {
      const x = ck.ones([1, 1, 3, 3]);
      const w = ck.ones([1, 1, 3, 3]);
      assertThrowsTyped(() => ck.conv2d(x, w, null, { padding: 40000 }), ShapeError, 'conv2d: a tensor of shape [1, 1, 80001, 80001] would hold 6,400,160,001 elements, more than the limit of 268,435,456 per tensor (MAX_NUMEL)');
    }));

  it('broadcasting, expand, outer products and pads past the limit are ShapeErrors', () =>
    onBackend(b, () => {
      const col = ck.zeros([100000, 1]);
      const row = ck.zeros([1, 100000]);
      assertThrowsTyped(() => ck.add(col, row), ShapeError, /add: a tensor of shape \[100000, 100000\] would hold 10,000,000,000 elements/);
      assertThrowsTyped(() => ck.expand(ck.zeros([1]), [1e5, 1e5]), ShapeError, /expand: |broadcastTo: /);
      assertThrowsTyped(() => ck.outer(ck.zeros([100000]), ck.zeros([100000])), ShapeError, /would hold 10,000,000,000 elements/);
      assertThrowsTyped(() => ck.matmul(col, row), ShapeError, /matmul: a tensor of shape \[100000, 100000\]/);
      assertThrowsTyped(() => ck.pad(ck.zeros([1, 1]), [50000, 50000, 50000, 50000]), ShapeError, /pad: a tensor of shape \[100001, 100001\]/);
    }));
});

it('an image resized to a huge size is refused before decoding', () => {
  const png = encode({ width: 2, height: 2, data: new Uint8Array(4), channels: 1, depth: 8 });
  assertThrowsTyped(() => decodeImage(png, { size: [100000, 100000] }), ShapeError, /decodeImage: a tensor of shape \[1, 100000, 100000\] would hold 10,000,000,000 elements/);
});
