/** Test data for the CLI tests: a real test-set digit as 8-bit grey pixels. */
import { loadDigits } from '../src/io/index.js';

export const io = {
  firstTestDigit(): { image: Uint8Array; label: number } {
    const { test } = loadDigits();
    const s = test.get(0);
    const image = new Uint8Array(784);
    for (let i = 0; i < 784; i++) image[i] = Math.round(s.input.data[i]! * 255);
    return { image, label: s.target };
  },
};
