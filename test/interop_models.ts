/**
 * convkit twins of the PyTorch models in scripts/fixtures_interop.py (same layers, same fields in
 * the same order, so the same state-dict keys), used by the interop tests and by
 * scripts/interop_convkit.mjs.
 */
import type { Tensor } from '../src/index.js';
import { flatten, narrow, relu, squeeze } from '../src/index.js';
import { nn } from '../src/index.js';
import { buildModel } from '../src/models/index.js';

export class Norms extends nn.Module {
  conv = new nn.Conv2d(3, 8, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(8);
  pool = new nn.MaxPool2d(2);
  fc = new nn.Linear(128, 16);
  bn1 = new nn.BatchNorm1d(16, { momentum: null });
  ln = new nn.LayerNorm(16);
  out = new nn.Linear(16, 5);
  forward(x: Tensor): Tensor {
    const h = this.pool.call(relu(this.bn.call(this.conv.call(x))));
    const z = this.ln.call(this.bn1.call(this.fc.call(flatten(h, 1))));
    return this.out.call(relu(z));
  }
}

export class Recurrent extends nn.Module {
  gru = new nn.GRU(4, 6, { numLayers: 2 });
  lstm = new nn.LSTM(6, 5);
  fc = new nn.Linear(5, 3);
  forward(x: Tensor): Tensor {
    const [y] = this.gru.call(x);
    const [z] = this.lstm.call(y);
    return this.fc.call(squeeze(narrow(z, 0, z.shape[0]! - 1, 1), 0));
  }
}

/** Every model the interop fixtures cover, with the input shape they are run on. */
export const INTEROP_MODELS: Record<string, { build: () => nn.Module; input: number[] }> = {
  digits: { build: () => buildModel('digits'), input: [2, 1, 28, 28] },
  'mnist-net': { build: () => buildModel('mnist-net'), input: [2, 1, 28, 28] },
  lenet: { build: () => buildModel('lenet'), input: [2, 1, 28, 28] },
  norms: { build: () => new Norms(), input: [3, 3, 8, 8] },
  recurrent: { build: () => new Recurrent(), input: [5, 2, 4] },
};
