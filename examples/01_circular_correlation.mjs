// MISSION 1: circular cross-correlation z[k] = Σ_i x[i]·y[(i+k) mod n] and its Jacobians.
import * as ck from 'convkit';

const show = (label, v) => console.log(`${label} = ${JSON.stringify(v)}`);
const num = (v) => (v < 0 ? `(${v})` : String(v));
const x = ck.tensor([1, -2, 3, 0.5, 4], { dtype: 'float64' });
const y = ck.tensor([2, 1, -1, 3, 0], { dtype: 'float64' });
const n = 5;

const z = ck.circularCorrelate(x, y);
show('x', x.toArray());
show('y', y.toArray());
show('z', z.toArray());
// the working of z[1]: Σ_i x[i]·y[(i+1) mod 5]
const terms = [...Array(n).keys()].map((i) => `${num(x.data[i])}·${num(y.data[(i + 1) % n])}`);
console.log(`z[1] = ${terms.join(' + ')} = ${z.data[1]}`);

// both Jacobians as explicit n × n matrices, by automatic differentiation
const [jx, jy] = ck.jacobian((a, b) => ck.circularCorrelate(a, b), [x, y]);
show('dz/dx', jx.toArray());
show('dz/dy', jy.toArray());
console.log('rule: dz/dx[k][i] = y[(i+k) mod n]  (row k is y rotated left by k)');
console.log('rule: dz/dy[k][j] = x[(j-k) mod n]  (row k is x rotated right by k)');
