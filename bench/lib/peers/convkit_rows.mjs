// convkit's R1 (residual block training step, with the share of the step spent outside
// convolutions) and E1 (the element-wise chain and its TypedArray.set floor); see workloads.mjs.
import { CHAIN, RESBLOCK } from '../workloads.mjs';
import { chainData, resData } from '../rand.mjs';
import { loadParams } from './convkit.mjs';

/** Op names of convolutions: the forward `conv`, its input gradient `convTranspose`, `convWeightGrad`. */
const CONV_OP = /^conv/;

/**
 * R1: one SGD step (lr 0.01) of mse(block(x), target), x a fresh leaf requiring grad. `profile`
 * runs one step under `observeOps`: the observer is called after every op, so the time since the
 * previous call (or the step's start) is charged to that op — the op's own work plus the
 * JavaScript that led up to it. insideMs sums the conv ops' intervals; totalMs is the whole step
 * (zeroGrad to the loss read back), so 1 − insideMs ÷ totalMs is the share outside convolutions.
 */
export function prepareResBlock(ck, batch) {
  const { nn } = ck;
  const { c, h, w, k, pad } = RESBLOCK;
  const main = new nn.Sequential(
    new nn.Conv2d(c, c, k, { padding: pad, bias: false }), new nn.BatchNorm2d(c), new nn.ReLU(),
    new nn.Conv2d(c, c, k, { padding: pad, bias: false }), new nn.BatchNorm2d(c),
  );
  const d = resData(batch);
  const params = [...main.parameters()];
  // conv weights from the shared data; batch-norm weight 1 and bias 0 as constructed
  const convs = params.filter((p) => p.shape.length === 4);
  loadParams(ck, convs, [d.w1, d.w2], 'residual block');
  const shape = [batch, c, h, w];
  const x = ck.tensor(d.x, { shape });
  const target = ck.tensor(d.target, { shape });
  const opt = new ck.optim.SGD(params, { lr: 0.01 });
  const step = () => {
    opt.zeroGrad();
    const xg = x.detach().requiresGrad_();
    const loss = ck.mseLoss(ck.relu(ck.add(main.forward(xg), xg)), target);
    loss.backward();
    opt.step();
    return loss.item();
  };
  const profile = () => {
    const byOp = new Map();
    let inside = 0;
    let ops = 0;
    const t0 = performance.now();
    let last = t0;
    ck.observeOps((e) => {
      const t = performance.now();
      const dt = t - last;
      last = t;
      ops++;
      if (CONV_OP.test(e.name)) inside += dt;
      byOp.set(e.name, (byOp.get(e.name) ?? 0) + dt);
    }, step);
    const totalMs = performance.now() - t0;
    const top = [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, ms]) => ({ name, ms }));
    return { insideMs: inside, totalMs, ops, top, method: 'observeOps intervals' };
  };
  return { run: step, profile };
}

/** E1: the chain of CHAIN.ops, its result read back; `floor`: one TypedArray.set of 2.4 M float32 per op. */
export function prepareChain(ck) {
  const d = chainData();
  const t = {
    x: ck.tensor(d.x, { shape: CHAIN.shape }), y: ck.tensor(d.y, { shape: CHAIN.shape }),
    z: ck.tensor(d.z, { shape: CHAIN.shape }), b: ck.tensor(d.b, { shape: CHAIN.bShape }),
  };
  const OPS = { add: ck.add, sub: ck.sub, mul: ck.mul, div: ck.div, maximum: ck.maximum, relu: ck.relu, sigmoid: ck.sigmoid, tanh: ck.tanh, exp: ck.exp, neg: ck.neg };
  const run = () => {
    let v = t.x;
    for (const [op, a] of CHAIN.ops) v = a === undefined ? OPS[op](v) : OPS[op](v, typeof a === 'number' ? a : t[a]);
    return v.data[0];
  };
  // the floor: each op's output bytes moved once (read 9.6 MB, write 9.6 MB) through a ring of three
  // preallocated buffers, each copy reading what the previous one wrote (as each op reads its
  // predecessor's output); the chain's own allocations are not in the floor: they are its cost
  const ring = [0, 1, 2].map(() => new Float32Array(d.x.length));
  const floor = () => {
    let src = d.x;
    for (let i = 0; i < CHAIN.ops.length; i++) {
      const dst = ring[i % 3];
      dst.set(src);
      src = dst;
    }
    return src[0];
  };
  return { run, floor };
}
