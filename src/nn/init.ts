/**
 * Parameter initialisation with PyTorch's default distributions, drawn from convkit's seedable
 * default generator (`manualSeed`): a seed gives reproducible models, but not torch's numbers
 * (different generator). Each function writes `t` in place and returns it.
 */
import { ValueError, fmtValue } from '../errors.js';
import { defaultGenerator } from '../random.js';
import type { Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { writeValues } from '../tensor.js';

/** Fills with U(low, high). */
export function uniform_(t: Tensor, low = 0, high = 1, generator: Generator = defaultGenerator): Tensor {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high)) {
    throw new ValueError({ op: 'uniform_', arg: 'high', expected: `a finite number >= low (${low})`, got: fmtValue(high) });
  }
  return writeValues(t, (d) => {
    for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * generator.random();
  });
}

export function constant_(t: Tensor, value: number): Tensor {
  return writeValues(t, (d) => d.fill(value));
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** torch's fan_in of a weight: size(1) times the receptive field (product of dims 2...). */
export function fanIn(t: Tensor): number {
  if (t.shape.length < 2) throw new ValueError({ op: 'fanIn', arg: 'tensor', expected: 'a tensor of at least 2 dimensions', got: `${t.shape.length} dimension(s)` });
  let f = t.shape[1]!;
  for (let i = 2; i < t.shape.length; i++) f *= t.shape[i]!;
  return f;
}

/**
 * kaiming_uniform_(a, mode='fan_in', nonlinearity='leaky_relu'): U(-b, b) with
 * b = gain·√(3/fan_in), gain = √(2/(1+a²)). With torch's layer default a = √5, b = 1/√fan_in.
 */
export function kaimingUniform_(t: Tensor, a = 0, generator: Generator = defaultGenerator): Tensor {
  const fan = fanIn(t);
  const bound = fan === 0 ? 0 : Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3 / fan);
  return uniform_(t, -bound, bound, generator);
}
