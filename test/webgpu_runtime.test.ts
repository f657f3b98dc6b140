/**
 * The WebGPU runtime on its own: device, uploads and reads, the buffer pool, batching, dispatches
 * above 65,535 workgroups, limits, and GPU errors turned into typed errors.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BackendError } from '../src/index.js';
import { acquireRuntime } from '../src/backends/webgpu/acquire.js';
import { program } from '../src/backends/webgpu/program.js';
import { sizeClass } from '../src/backends/webgpu/buffer_pool.js';
import { runtime } from './webgpu_helpers.js';

/** out[i] = x[i]·scale + i, one thread per element, 64 per workgroup. */
const affine = program({
  name: 'test affine',
  buffers: [
    { name: 'out', type: 'f32', write: true },
    { name: 'x', type: 'f32' },
  ],
  params: [
    ['n', 'u32'],
    ['scale', 'f32'],
  ],
  workgroupSize: [64],
  body: `
  let i = wg * 64u + li;
  if (i >= P.n) { return; }
  out[i] = x[i] * P.scale + f32(i);`,
});

describe('webgpu runtime', () => {
  it('finds an adapter and reports it', async () => {
    const rt = await runtime();
    assert.equal(typeof rt.adapter.vendor, 'string');
    assert.ok(rt.maxGroups >= 65535);
    assert.ok(rt.pool.maxBytes >= 128 * 1024 * 1024, `max binding ${rt.pool.maxBytes}`);
  });

  it('uploads and reads back float32 and int32 values exactly, odd and empty sizes included', async () => {
    const rt = await runtime();
    const f = new Float32Array([1.5, -2.25, 3e-30, Infinity, NaN, -0, 7]);
    const i = new Int32Array([0, -1, 2147483647, -2147483648, 5]);
    assert.deepEqual(await rt.read(rt.upload(f)), f);
    assert.deepEqual(await rt.read(rt.upload(i)), i);
    assert.deepEqual(await rt.read(rt.upload(new Float32Array(0))), new Float32Array(0));
  });

  it('runs a program over more than 65,535 workgroups (2-d grid) and covers every element once', async () => {
    const rt = await runtime();
    const n = 65536 * 64 + 5; // 65,537 workgroups of 64
    const x = new Float32Array(n);
    for (let k = 0; k < n; k++) x[k] = k % 7;
    const xb = rt.upload(x);
    const out = rt.alloc('float32', n);
    rt.dispatch(affine, [out.buffer, xb.buffer], [n, 2], Math.ceil(n / 64));
    const y = await rt.read(out);
    for (let k = 0; k < n; k++) {
      if (y[k] !== (k % 7) * 2 + k) assert.fail(`element ${k}: ${y[k]} != ${(k % 7) * 2 + k}`);
    }
    rt.free(xb);
    rt.free(out);
  });

  it('batches dispatches: many kernels, one submission at the read', async () => {
    const rt = await runtime();
    let cur = rt.upload(new Float32Array([1, 2, 3]));
    const before = { ...rt.counters };
    for (let s = 0; s < 20; s++) {
      const next = rt.alloc('float32', 3);
      rt.dispatch(affine, [next.buffer, cur.buffer], [3, 1], 1);
      rt.free(cur);
      cur = next;
    }
    assert.equal(rt.counters.submits, before.submits, 'nothing submitted before the read');
    const y = await rt.read(cur);
    assert.equal(rt.counters.submits, before.submits + 1);
    assert.equal(rt.counters.dispatches, before.dispatches + 20);
    // each step adds i: x + 20·i
    assert.deepEqual([...y], [1, 22, 43]);
    rt.free(cur);
  });

  it('reuses freed buffers after the submission that last used them; live count returns to baseline', async () => {
    const rt = await runtime();
    await rt.sync();
    const base = rt.stats();
    const a = rt.alloc('float32', 1000);
    const cls = sizeClass(4000);
    assert.equal(rt.stats().liveBytes, base.liveBytes + cls);
    const out = rt.alloc('float32', 1000);
    rt.dispatch(affine, [out.buffer, a.buffer], [1000, 1], 16); // recorded, not submitted: reads a
    rt.free(a);
    const b = rt.alloc('float32', 1000); // a must not come back while that dispatch is unsubmitted
    assert.notEqual(b.buffer, a.buffer);
    rt.free(b);
    rt.free(out);
    await rt.sync();
    const reused = rt.stats().reused;
    const c = rt.alloc('float32', 999); // same class
    assert.equal(rt.stats().reused, reused + 1);
    rt.free(c);
    await rt.sync();
    assert.equal(rt.stats().live, base.live);
    assert.equal(rt.stats().liveBytes, base.liveBytes);
  });

  it('size classes: at least the request, at most 25% over it, multiples of 16', () => {
    for (const n of [1, 16, 255, 256, 257, 1000, 4096, 4097, 123457, 2 ** 27 + 1]) {
      const c = sizeClass(n);
      assert.ok(c >= n && c % 16 === 0 && (n <= 256 || c <= n * 1.25), `${n} -> ${c}`);
    }
  });

  it('a tensor above maxStorageBufferBindingSize is a BackendError naming the limit', async () => {
    const rt = await runtime();
    const n = rt.pool.maxBytes / 4 + 1;
    assert.throws(
      () => rt.alloc('float32', n),
      (e: unknown) => e instanceof BackendError && /maxStorageBufferBindingSize/.test(e.message) && e.got === `${n * 4} bytes`,
    );
    assert.throws(() => rt.alloc('float64', 4), BackendError);
  });

  it('a WGSL error makes the next read reject with a BackendError, never return values', async () => {
    const rt = await runtime();
    const bad = program({
      name: 'test bad',
      buffers: [{ name: 'out', type: 'f32', write: true }],
      params: [],
      workgroupSize: [1],
      body: '  out[0] = undefinedName;',
    });
    const out = rt.alloc('float32', 1);
    rt.dispatch(bad, [out.buffer], [], 1);
    await assert.rejects(rt.read(out), (e: unknown) => e instanceof BackendError && /validation/.test(e.message) && /undefinedName/.test(e.message));
    // the error is reported once; the runtime keeps working
    const ok = rt.upload(new Float32Array([4]));
    assert.deepEqual([...(await rt.read(ok))], [4]);
  });

  it('a lost device is a BackendError on the next call', async () => {
    const other = await acquireRuntime(); // a second device, so the shared one stays usable
    other.destroy();
    assert.throws(() => other.alloc('float32', 4), (e: unknown) => e instanceof BackendError && /lost/.test(e.message));
    assert.throws(() => other.dispatch(affine, [], [1, 1], 1), BackendError);
  });
});
