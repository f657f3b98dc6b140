// Deterministic data shared by every system: a seeded xorshift generator filling Float32Arrays.
// Weights are scaled like PyTorch's default init (uniform ±1/sqrt(fan_in)) so activations stay O(1).
import { CONVS, MNIST, RESBLOCK, CHAIN, CHAIN_NUMEL } from './workloads.mjs';

export function uniform(n, seed, scale = 1) {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Input [b, cin, h, w] and weight [cout, cin/groups, k, k] of a conv workload. */
export function convData(id, b) {
  const c = CONVS[id];
  const fanIn = (c.cin / c.groups) * c.k * c.k;
  return {
    x: uniform(b * c.cin * c.h * c.w, 1),
    w: uniform(c.cout * fanIn, 2, 1 / Math.sqrt(fanIn)),
  };
}

/** MNIST-net parameters in PyTorch layout (conv OIHW, linear [out, in]) and a batch of b images + labels. */
export function mnistParams() {
  const { conv1, conv2, fc1, fc2 } = MNIST;
  const f1 = conv1.cin * 9, f2 = conv2.cin * 9;
  return {
    c1w: uniform(conv1.cout * f1, 11, 1 / Math.sqrt(f1)), c1b: uniform(conv1.cout, 12, 1 / Math.sqrt(f1)),
    c2w: uniform(conv2.cout * f2, 13, 1 / Math.sqrt(f2)), c2b: uniform(conv2.cout, 14, 1 / Math.sqrt(f2)),
    f1w: uniform(fc1.out * fc1.in, 15, 1 / Math.sqrt(fc1.in)), f1b: uniform(fc1.out, 16, 1 / Math.sqrt(fc1.in)),
    f2w: uniform(fc2.out * fc2.in, 17, 1 / Math.sqrt(fc2.in)), f2b: uniform(fc2.out, 18, 1 / Math.sqrt(fc2.in)),
  };
}

export function mnistBatch(b) {
  const x = uniform(b * 28 * 28, 21);
  for (let i = 0; i < x.length; i++) x[i] = (x[i] + 1) / 2; // grey levels in [0, 1]
  const labels = new Int32Array(b);
  for (let i = 0; i < b; i++) labels[i] = (i * 7 + 3) % 10;
  return { x, labels };
}

/** R1: input and target [b, 64, 32, 32], the two conv weights [64, 64, 3, 3] (BN starts at γ 1, β 0). */
export function resData(b) {
  const { c, h, w, k } = RESBLOCK;
  const fanIn = c * k * k;
  return {
    x: uniform(b * c * h * w, 31),
    target: uniform(b * c * h * w, 32),
    w1: uniform(c * fanIn, 33, 1 / Math.sqrt(fanIn)),
    w2: uniform(c * fanIn, 34, 1 / Math.sqrt(fanIn)),
  };
}

/** E1: x, y in [-1, 1), z in [1, 2) (a divisor away from 0), b per row. */
export function chainData() {
  const z = uniform(CHAIN_NUMEL, 43);
  for (let i = 0; i < z.length; i++) z[i] = 1.5 + z[i] / 2;
  return { x: uniform(CHAIN_NUMEL, 41), y: uniform(CHAIN_NUMEL, 42), z, b: uniform(CHAIN.bShape[0] * CHAIN.bShape[1], 44) };
}
