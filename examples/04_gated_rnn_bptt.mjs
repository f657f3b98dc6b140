// MISSION 4: c[t] = σ(W_c x[t] + W_h h[t−1]), h[t] = c[t] ⊙ h[t−1] + (1 − c[t]) ⊙ W_x x[t], trained
// by backpropagation through time, with the gradient norm at every step (vanishing gradients).
import * as ck from 'convkit';

const show = (label, v) => console.log(`${label} = ${JSON.stringify(v)}`);
const T = 6;
const nx = 3;
const nh = 4;
// deterministic weights and inputs, written as formulas so anyone can rebuild them
const mat = (r, c, f) => ck.tensor(Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => f(i, j))), { dtype: 'float64' });
const Wc = mat(nh, nx, (i, j) => 0.5 * Math.sin(i + 2 * j + 1));
const Wh = mat(nh, nh, (i, j) => 0.4 * Math.cos(2 * i - j));
const Wx = mat(nh, nx, (i, j) => 0.3 * Math.sin(3 * i + j + 2));
const xs = mat(T, nx, (t, j) => Math.cos(t + j));
const target = ck.tensor([0.5, -0.5, 0.25, 0], { dtype: 'float64' });

const cell = new ck.nn.GatedRNNCell(nx, nh, { dtype: 'float64' });
cell.loadStateDict({ Wc, Wh, Wx });
const xAt = (t) => ck.reshape(ck.narrow(xs, 0, t, 1), [nx]);
/** Runs steps from..T-1 starting at h and returns the loss ½‖h[T-1] − target‖². */
const rest = (h, from) => {
  for (let t = from; t < T; t++) h = cell.forward(xAt(t), h);
  return ck.mul(ck.sum(ck.square(ck.sub(h, target))), 0.5);
};

// forward through time, then backward through time into the weights
const loss = rest(ck.zeros([nh], { dtype: 'float64' }), 0);
loss.backward();
show('loss', loss.item());
show('dL/dWc', cell.Wc.grad.toArray());
show('dL/dWh', cell.Wh.grad.toArray());
show('dL/dWx', cell.Wx.grad.toArray());

// ‖∂L/∂h[t]‖ for every step: differentiate the rest of the sequence with respect to h[t]
const hs = [];
ck.noGrad(() => {
  let h = ck.zeros([nh], { dtype: 'float64' });
  for (let t = 0; t < T; t++) hs.push((h = cell.forward(xAt(t), h)));
});
const norms = hs.map((h, t) => ck.norm(ck.grad((hh) => rest(hh, t + 1))(h)).item());
show('||dL/dh[t]|| for t from 0 to 5', norms);
console.log(`going back ${T - 1} steps the norm falls from ${norms[T - 1].toPrecision(4)} to ${norms[0].toPrecision(4)} (x ${(norms[0] / norms[T - 1]).toExponential(2)}): each step multiplies by ∂h[t]/∂h[t−1], whose gates c < 1 shrink it: vanishing gradients`);

// a few steps of gradient descent: the loss goes down
const opt = new ck.optim.SGD(cell.parameters(), { lr: 0.5 });
const losses = [];
for (let i = 0; i < 20; i++) {
  opt.zeroGrad();
  const l = rest(ck.zeros([nh], { dtype: 'float64' }), 0);
  l.backward();
  opt.step();
  losses.push(l.item());
}
show('loss during 20 SGD steps (lr 0.5)', losses.map((v) => Number(v.toPrecision(6))));
