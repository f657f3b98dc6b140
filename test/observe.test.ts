/** observeOps sees every executed op, including those inside composite functions and views. */
import { it, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import type { OpEvent } from '../src/index.js';

describe('observeOps', () => {
  it('reports ops in execution order with their plans, nested observers included', () => {
    const x = ck.randn([2, 3, 8, 8]);
    const w = ck.randn([4, 3, 3, 3]);
    const outer: string[] = [];
    const inner: OpEvent[] = [];
    ck.observeOps((e) => outer.push(e.name), () => {
      ck.observeOps((e) => inner.push(e), () => ck.relu(ck.conv2d(x, w, null, { padding: 1 })).reshape([2, -1]));
      ck.sum(x);
    });
    assert.deepEqual(inner.map((e) => e.name), ['conv', 'relu', 'reshape']);
    assert.deepEqual(outer, ['conv', 'relu', 'reshape', 'sum']);
    const conv = inner[0]!;
    assert.equal(conv.inputs[0], x);
    assert.deepEqual(conv.outputs[0]!.shape, [2, 4, 8, 8]);
    assert.equal(conv.def!.macs!(conv.info!), 2 * 4 * 8 * 8 * 3 * 3 * 3);
    assert.equal(inner[2]!.def, null);
    // after the scope, nothing is observed
    ck.relu(x);
    assert.equal(inner.length, 3);
  });
});
