// MISSION 9: a 2-d valid cross-correlation of a small integer image with a 2×2 kernel: the output,
// its largest and smallest values and where they occur, where it is zero, and every sum.
import * as ck from 'convkit';

const image = [[1, 2, 0, 3], [4, 1, 2, 0], [0, 3, 1, 2], [2, 0, 4, 1]];
const kernel = [[1, -1], [2, 0]];
console.log(ck.formatConvExplanation(ck.explainConv(image, kernel), { explain: true }));
