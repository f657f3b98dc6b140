/** The ops the tape needs (tape.ts imports no op; its callers pass these). */
import type { TapeOps } from './tape.js';
import { add } from '../ops/elementwise.js';
import { sumToShape } from '../ops/reduce.js';
import { onesLike, zeros } from '../creation.js';

export const tapeOps: TapeOps = {
  add,
  sumToShape,
  zeros: (shape, dtype) => {
    const z = zeros(shape, { dtype });
    z._fillIn = true;
    return z;
  },
  onesLike,
};
