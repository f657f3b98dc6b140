/** Tensor methods delegate to the functional ops, PyTorch style. */
import { it, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as ck from '../src/index.js';
import { ROOT } from './helpers.js';

describe('tensor methods', () => {
  it('chain like PyTorch and keep autograd', () => {
    const x = ck.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const y = x.reshape([3, 2]).T.mul(2).add(1).relu().sum();
    assert.equal(y.item(), 2 * 21 + 6);
    y.backward();
    assert.deepEqual(x.grad!.toArray(), [[2, 2, 2], [2, 2, 2]]);
    assert.deepEqual(x.double().dtype, 'float64');
    assert.deepEqual(x.argmax(1).toArray(), [2, 2]);
    assert.deepEqual([...x.detach().softmax(1).sum(1).data].map((v) => Math.round(v * 1e6) / 1e6), [1, 1]);
    assert.deepEqual(x.unsqueeze(0).shape, [1, 2, 3]);
    assert.deepEqual(x.matmul(x.T).toArray(), [[14, 32], [32, 77]]);
  });
});

describe('browser-safe core', () => {
  it('nothing under src/ except io/, cli/ and node/ imports node:*', () => {
    const src = new URL('src/', ROOT);
    const offenders: string[] = [];
    const walk = (dir: URL, rel: string): void => {
      for (const name of readdirSync(dir)) {
        const u = new URL(name, dir);
        const r = rel + name;
        if (statSync(u).isDirectory()) {
          if (r !== 'io' && r !== 'cli' && r !== 'node') walk(new URL(name + '/', dir), r + '/');
        } else if (name.endsWith('.ts') && /from\s+['"]node:|import\(\s*['"]node:|require\(\s*['"]node:/.test(readFileSync(u, 'utf8'))) {
          offenders.push(r);
        }
      }
    };
    walk(src, '');
    assert.deepEqual(offenders, []);
  });
});
