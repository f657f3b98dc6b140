// The workloads of the shared ANCHORS.md, plus R1 and E1 of issues 9 and 10. Every system builds
// its tensors from the same deterministic pseudo-random data (see rand.mjs), so outputs can be
// compared across systems.

/** Convolution layers, NCHW float32; weights [Cout, Cin/groups, K, K]. */
export const CONVS = {
  W1: { n: 64, cin: 32, cout: 64, h: 26, w: 26, k: 3, stride: 1, pad: 0, groups: 1 },
  W2: { n: 32, cin: 64, cout: 64, h: 32, w: 32, k: 3, stride: 1, pad: 1, groups: 1 },
  W3: { n: 16, cin: 128, cout: 128, h: 16, w: 16, k: 3, stride: 1, pad: 1, groups: 1 },
  W4: { n: 8, cin: 3, cout: 64, h: 224, w: 224, k: 7, stride: 2, pad: 3, groups: 1 },
  W5: { n: 32, cin: 128, cout: 128, h: 32, w: 32, k: 3, stride: 1, pad: 1, groups: 128 },
};

export const outSize = (size, k, stride, pad) => Math.floor((size + 2 * pad - k) / stride) + 1;

/** FLOPs of one forward call at batch n (2 × MACs; no bias). */
export function convFlops(c, n = c.n) {
  const ho = outSize(c.h, c.k, c.stride, c.pad);
  const wo = outSize(c.w, c.k, c.stride, c.pad);
  return 2 * n * c.cout * ho * wo * (c.cin / c.groups) * c.k * c.k;
}

/**
 * PyTorch's MNIST example net without dropout: conv 1→32 3×3, ReLU, conv 32→64 3×3, ReLU,
 * max-pool 2, flatten, linear 9216→128, ReLU, linear 128→10 (softmax cross-entropy for training).
 */
export const MNIST = {
  conv1: { cin: 1, cout: 32, k: 3 },
  conv2: { cin: 32, cout: 64, k: 3 },
  fc1: { in: 9216, out: 128 },
  fc2: { in: 128, out: 10 },
};

/** Forward FLOPs per image of the MNIST net (convs + linears; activations/pooling not counted). */
export const MNIST_FWD_FLOPS_PER_IMAGE = 2 * (32 * 26 * 26 * 1 * 9 + 64 * 24 * 24 * 32 * 9 + 9216 * 128 + 128 * 10);
/**
 * FLOPs of one training step per image: the 4.584 GFLOP per batch-64 step of ANCHORS.md (≈ 3 ×
 * forward; kept as the published constant so images/s ↔ GFLOP/s match the earlier peer figures).
 */
export const MNIST_TRAIN_FLOPS_PER_IMAGE = 4.584e9 / 64;

/**
 * R1, the residual block of issues 9/10: conv 64→64 3×3 p1 (no bias) → BatchNorm2d → ReLU → conv
 * 3×3 p1 → BatchNorm2d, + input, ReLU; batch 32, 32×32. One SGD step (lr 0.01) of mse(block(x),
 * target) with the input a fresh leaf that requires grad (as inside a network: both convs compute
 * their input gradient, so the step does 3 × the forward conv work, as the FLOP count says).
 */
export const RESBLOCK = { n: 32, c: 64, h: 32, w: 32, k: 3, pad: 1 };
/** Conv FLOPs of one training step per image: 3 × forward × 2 convs (BN, ReLU, add not counted). */
export const RES_TRAIN_FLOPS_PER_IMAGE = 3 * 2 * convFlops({ ...RESBLOCK, cin: RESBLOCK.c, cout: RESBLOCK.c, stride: 1, groups: 1 }, 1);

/**
 * E1, the element-wise chain of issue 9: 24 ops over x, y, z ([60, 40000] = 2.4 M float32) and a
 * per-row b ([60, 1], broadcast). Each entry is [op, operand]: the running value t becomes
 * op(t, operand) (operand: a tensor name or a number; none for unary ops); t starts as x. Every
 * system interprets this same list (bench/torch_bench.py too).
 */
export const CHAIN = {
  shape: [60, 40000],
  bShape: [60, 1],
  ops: [
    ['add', 'y'], ['mul', 0.5], ['sub', 'b'], ['relu'], ['add', 1], ['div', 'z'], ['sigmoid'], ['mul', 'x'],
    ['tanh'], ['exp'], ['neg'], ['maximum', 'y'], ['sub', 0.25], ['mul', 'y'], ['div', 3], ['add', 'b'],
    ['sigmoid'], ['sub', 'x'], ['relu'], ['div', 'z'], ['tanh'], ['mul', 2], ['neg'], ['add', 'x'],
  ],
};
export const CHAIN_NUMEL = CHAIN.shape[0] * CHAIN.shape[1];

/** Systems (peer modules) that run the R1 and E1 rows; the other peers' columns show "–" there. */
const R_PEERS = ['convkit', 'pytorch'];

/**
 * All cells of the main table. `mode`: fwd (GFLOP/s), fwdbwd (GFLOP/s, 3× forward FLOPs),
 * train (T1, R1: images/s and GFLOP/s), infer (T2: images/s at batch 64 / latency at batch 1),
 * chain (E1: ms and time ÷ the TypedArray.set floor). `peers`: only these peer modules run the cell.
 */
export function allCells() {
  const cells = [];
  for (const id of Object.keys(CONVS)) cells.push({ workload: id, mode: 'fwd' });
  for (const id of Object.keys(CONVS)) cells.push({ workload: id, mode: 'fwdbwd' });
  cells.push({ workload: 'T1', mode: 'train', batch: 64 });
  cells.push({ workload: 'T2', mode: 'infer', batch: 64 });
  cells.push({ workload: 'T2', mode: 'infer', batch: 1 });
  cells.push({ workload: 'R1', mode: 'train', batch: RESBLOCK.n, peers: R_PEERS });
  cells.push({ workload: 'E1', mode: 'chain', batch: 1, peers: R_PEERS });
  return cells;
}

export const cellKey = (c) => `${c.workload}:${c.mode}${c.mode === 'infer' ? `:b${c.batch}` : ''}`;

/** Nominal batch of a cell (before any reduction for slow systems). */
export const nominalBatch = (cell) => cell.batch ?? CONVS[cell.workload].n;

/** FLOPs of one call of a cell at batch b. */
export function cellFlops(cell, b) {
  if (cell.mode === 'fwd') return convFlops(CONVS[cell.workload], b);
  if (cell.mode === 'fwdbwd') return 3 * convFlops(CONVS[cell.workload], b);
  if (cell.workload === 'R1') return RES_TRAIN_FLOPS_PER_IMAGE * b;
  if (cell.mode === 'train') return MNIST_TRAIN_FLOPS_PER_IMAGE * b;
  if (cell.mode === 'infer') return MNIST_FWD_FLOPS_PER_IMAGE * b;
  return null; // E1: element-wise work is not counted in FLOPs
}

/** Whether the system runs the cell (cells restricted to some peers show "–" elsewhere). */
export const runsCell = (system, cell) => !cell.peers || cell.peers.includes(system.peer);
