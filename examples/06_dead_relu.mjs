// MISSION 6: a filter whose pre-activations are negative on every example gets zero gradient: a
// dead ReLU unit. TrainingDiagnostics finds it during training.
import * as ck from 'convkit';

const show = (label, v) => console.log(`${label} = ${JSON.stringify(v)}`);
ck.manualSeed(6);
const conv = new ck.nn.Conv2d(1, 3, 3);
const model = new ck.nn.Sequential(conv, new ck.nn.ReLU(), new ck.nn.Flatten(), new ck.nn.Linear(3 * 4 * 4, 2));
// inputs in [0, 1) and filter 1 with non-positive weights and a bias of -2: every pre-activation
// of that filter is at most -2
conv.loadStateDict({ weight: ck.mul(ck.abs(conv.weight.detach()), ck.tensor([1, -1, 1]).reshape([3, 1, 1, 1])), bias: ck.tensor([0.1, -2, 0.1]) });
const x = ck.rand([8, 1, 6, 6]);
const target = ck.tensor([0, 1, 0, 1, 1, 0, 1, 0], { dtype: 'int32' });

const pre = ck.noGrad(() => conv.forward(x));
const maxPre = [0, 1, 2].map((f) => ck.amax(ck.narrow(pre, 1, f, 1)).item());
show('largest pre-activation per filter', maxPre.map((v) => Number(v.toFixed(4))));

const diag = new ck.TrainingDiagnostics(model);
model.train();
const loss = ck.crossEntropy(model.forward(x), target);
loss.backward();
diag.afterBackward();
const gradNorm = [0, 1, 2].map((f) => ck.norm(ck.narrow(conv.weight.grad, 0, f, 1)).item());
const biasGrad = conv.bias.grad.toArray();
show('weight gradient norm per filter', gradNorm.map((v) => Number(v.toExponential(4))));
show('bias gradient per filter', biasGrad.map((v) => Number(v.toExponential(4))));
const relu = diag.report().layers.find((l) => l.units !== undefined);
console.log(`dead units after layer ${relu.name}: ${relu.deadUnits} of ${relu.units}`);
for (const w of diag.report().warnings.filter((w) => w.startsWith('dead'))) console.log(`warning: ${w}`);
console.log('why: ∂L/∂w = Σ ∂L/∂y · 1[pre > 0] · x, and 1[pre > 0] is 0 everywhere for filter 1');
