// The one table of the WebAssembly module's interface: the jobs the thread pool runs and the i32
// parameter blocks they read. scripts/build_wasm.mjs generates from it both sides —
// assembly/abi.ts (AssemblyScript constants and the job dispatch) and src/backends/wasm/abi.ts
// (TypeScript constants) — so the host and the module cannot disagree on an index.
//
// JOBS: [name, AssemblyScript module, exported unit function, takes a scratch slot].
// A job's unit function is `(args: usize, unit: i32[, slot: i32]) => void`; its id is its index.
export const JOBS = [
  ['convForward', 'conv', 'convForwardUnit', true],
  ['convInput', 'conv', 'convInputUnit', true],
  ['convPackGrad', 'conv', 'convPackGradUnit', true],
  ['convWeight', 'conv', 'convWeightUnit', true],
  ['gemm', 'jobs', 'gemmUnit', false],
  ['packA', 'jobs', 'packAUnit', false],
  ['packB', 'jobs', 'packBUnit', false],
  ['convDirect', 'conv', 'convDirectUnit', true],
  ['convPackGradDirect', 'conv', 'convPackGradDirectUnit', true],
  ['convWeightDirect', 'conv', 'convWeightDirectUnit', true],
  ['dwDirect', 'conv', 'dwDirectUnit', true],
  ['dwWeight', 'conv', 'dwWeightUnit', true],
  ['maxPool2', 'pool', 'maxPool2Unit', false],
  ['linearSmall', 'jobs', 'linearSmallUnit', false],
  // Winograd F(2×2, 3×3): the weight transform (a unit per output channel) and the tiles
  ['winoWeights', 'winograd', 'winoWeightsUnit', false],
  ['wino', 'winograd', 'winoUnit', true],
  // element-wise maps, activations and optimizer steps (src/backends/wasm/eltwise*.ts, optim.ts)
  ['eltMap', 'eltwise', 'eltMapUnit', false],
  ['sgd', 'optim', 'sgdUnit', false],
  ['adam', 'optim', 'adamUnit', false],
  // reductions, softmax, losses, norms, movement and pools (src/backends/wasm/reduce*.ts and friends)
  ['reduce', 'reduce', 'reduceUnit', true],
  ['reduceFinish', 'reduce', 'reduceFinishUnit', false],
  ['softmax', 'softmax', 'softmaxUnit', true],
  ['classLoss', 'loss', 'classLossUnit', false],
  ['pointLoss', 'loss', 'pointLossUnit', false],
  ['gather', 'move', 'gatherUnit', true],
  ['fold', 'move', 'foldUnit', false],
  ['copySegs', 'move', 'copySegsUnit', false],
  ['normWrite', 'norm', 'normWriteUnit', false],
  ['pool', 'pool_window', 'poolUnit', false],
];

// BLOCKS: name → fields, in order. A field is NAME (one i32) or [NAME, n] (n consecutive i32s).
// Pointers are byte addresses stored as i32 (read back as u32). Generated: NAME_FIELD indices
// and NAME_SIZE (the block's length in i32s).
export const BLOCKS = {
  // every conv job: geometry padded to 3 spatial dimensions, operands, scratch and work split
  // (TAPS: the plan's tap ranges of the h and w axes, i32 lo_h[KH], hi_h[KH], lo_w[KW], hi_w[KW])
  conv: ['N', 'CIN', 'COUT', 'G', ['L', 3], ['K', 3], ['O', 3], ['S', 3], ['D', 3], ['P', 3], 'X', 'W', 'B', 'Y', 'APACK', 'SCR', 'SCRSTRIDE', 'CHUNK', 'NCHUNK', 'GPACK', 'FLAGS', 'QROWS', 'TAPS'],
  // packing A (rows of 4) and B (panels of 8) for the GEMM, and the GEMM's bands of units
  packA: ['SRC', 'RS', 'CS', 'M', 'K', 'DST', 'PER', 'BLOCKS'],
  packB: ['SRC', 'RS', 'CS', 'K', 'N', 'DST', 'PER', 'PANELS'],
  gemm: ['A', 'B', 'C', 'LDC', 'MBLOCKS', 'NPANELS', 'K', 'ACC', 'BANDM', 'BANDN', 'UNITSN'],
  linearSmall: ['X', 'W', 'B', 'Y', 'M', 'K', 'N', 'PER'],
  maxPool2: ['X', 'Y', 'IDX', 'H', 'W', 'OH', 'OW', 'PER', 'PLANES'],
  // Winograd F(2×2, 3×3) (assembly/winograd.ts): TH tile rows of TW tiles, padded to TWP (a
  // multiple of 4); units of ROWS tile rows = T tiles (a multiple of 8); U the transformed weights
  // (16 A-panel matrices), W the weights they come from (FLIP: transposed and rotated, for the
  // input gradient); SW the slab row length in floats
  wino: ['N', 'CIN', 'COUT', 'LH', 'LW', 'OH', 'OW', 'PH', 'PW', 'TH', 'TWP', 'ROWS', 'T', 'X', 'U', 'B', 'Y', 'SCR', 'SCRSTRIDE', 'FLIP', 'W', 'SW'],
  // an element-wise map over up to three operands walked with coalesced strides (0 = broadcast):
  // F: the parameters d0, d1 (f64), p0, p1 (f32x4 splats), i0, i1 (i32x4 splats) at byte offset 0
  // (assembly/eltwise_ops.ts reads them); OP: an ELT_OP code; the output is contiguous
  eltMap: [['F', 20], 'OP', 'NDIM', 'N', 'PER', 'Y', ['X', 3], ['SHAPE', 6], ['S0', 6], ['S1', 6], ['S2', 6]],
  // fused optimizer steps in f64 (the reference's arithmetic); F: f64 hyper-parameters (see optim.ts)
  sgd: [['F', 8], 'FLAGS', 'N', 'PER', 'P', 'G', 'B'],
  adam: [['F', 18], 'FLAGS', 'N', 'PER', 'P', 'G', 'M', 'V', 'VMAX'],
  // reductions (assembly/reduce.ts): MODE 0 inner (last run reduced) / 1 outer (last run kept);
  // BASE/REL tables of element offsets (0: affine, i·BSTRIDE / i·RSTRIDE); STATIN/STATOUT per-output statistics between passes;
  // PART 16 bytes per (part, output); SCR the threads' column accumulators (SCRATCH reduceCols)
  reduce: ['X', 'X2', 'Y', 'Y2', 'IDX', 'MODE', 'KIND', 'FIN', 'L', 'NSEG', 'NOUT', 'BASE', 'REL', 'PARTS', 'PER', 'CB', 'NCH', 'STATIN', 'STATOUT', 'PART', 'DIV', 'SCR', 'BSTRIDE', 'RSTRIDE'],
  // softmax family and fused cross-entropy over [OUTER, SIZE, INNER] fibres (assembly/softmax.ts)
  softmax: ['X', 'X2', 'X3', 'Y', 'OUTER', 'LEN', 'INNER', 'MODE', 'PER', 'CB', 'SCR'],
  // class-index losses (assembly/loss.ts); EPS: address of ε (f64); unit -1 computes TOTAL alone
  classLoss: ['X', 'T', 'W', 'Y', 'TOTAL', 'OUTER', 'C', 'INNER', 'IGNORE', 'MODE', 'PER', 'EPS'],
  pointLoss: ['X', 'T', 'Y', 'N', 'PER', 'MODE'],
  // movement (assembly/move.ts)
  gather: ['X', 'Y', 'OFF', 'RANK', 'SHAPE', 'MAPS', 'MOFF', 'LAST', 'STRIDE', 'FILL', 'ROWS', 'PER', 'A0', 'PRE', 'MID', 'SCR'],
  fold: ['X', 'Y', 'OUTER', 'NIN', 'NOUT', 'INNER', 'START', 'LIST', 'PER'],
  copySegs: ['TABLE', 'N', 'PER'],
  // the element-wise passes of the norm primitives (assembly/norm.ts)
  normWrite: ['X', 'X2', 'Y', 'G', 'B', 'ROWS', 'MODE', 'ST', 'W', 'BIAS', 'PER'],
  // pools over window tables (assembly/pool_window.ts): LO/HI the three dimensions' tables end to
  // end, DIV their f64 divisor factors, OVR a divisor override (0: none), [OWA, OWB) the W range of
  // full windows KS apart
  pool: ['X', 'Y', 'IDX', 'PLANES', 'ID', 'IH', 'IW', 'OD', 'OH', 'OW', 'LO', 'HI', 'S0', 'S1', 'S2', 'DIV', 'OVR', 'MODE', 'PER', 'OWA', 'OWB', 'KS'],
};

// ENUMS: name → list of codes. Generated: NAME_CODE = index (AssemblyScript, upper case) and
// NAME = { code: index } (TypeScript).
export const ENUMS = {
  // reductions (assembly/reduce.ts): what is accumulated, and how the result is finished
  redKind: ['SUM', 'SQDEV', 'SUMEXP', 'MAX', 'ARGMAX', 'ARGMIN', 'DOT'],
  redFin: ['RAW', 'DIV', 'SQRTDIV', 'LSE', 'STAT'],
  // softmax family and fused cross-entropy (assembly/softmax.ts)
  smMode: ['SOFTMAX', 'LOG_SOFTMAX', 'SOFTMAX_BWD', 'LOG_SOFTMAX_BWD', 'CE', 'CE_BWD'],
  // class-index losses (assembly/loss.ts)
  clMode: ['Q', 'NLL', 'NLL_BWD'],
  // window pools and their backward ops (assembly/pool_window.ts)
  poolMode: ['MAX', 'AVG', 'MAX_BWD', 'GATHER', 'AVG_BWD'],
  // element-wise map operations (assembly/eltwise*.ts); F/I: float32/int32 operands
  eltOp: [
    // no operand, one operand
    'fill', 'copy', 'f2i', 'i2f', 'negF', 'negI', 'absF', 'absI', 'signF', 'signI', 'squareF', 'squareI',
    'recip', 'sqrt', 'rsqrt', 'exp', 'log', 'log1p', 'expm1', 'sin', 'cos', 'floor', 'ceil', 'round',
    'roundUp', 'roundDown', 'powS', 'cube', 'powHalf', 'clampSF', 'clampSI',
    'relu', 'leaky', 'sigmoid', 'tanh', 'gelu', 'geluTanh', 'softplus', 'elu', 'silu',
    // two operands
    'addF', 'addI', 'subF', 'subI', 'mulF', 'mulI', 'div', 'addAlphaF', 'addAlphaI', 'pow',
    'maxF', 'maxI', 'minF', 'minI', 'eqF', 'eqI', 'neF', 'neI', 'ltF', 'ltI', 'leF', 'leI', 'gtF', 'gtI', 'geF', 'geI',
    'reluBwd', 'leakyBwd', 'sigmoidBwd', 'tanhBwd', 'geluBwd', 'geluTanhBwd', 'softplusBwd', 'eluBwd', 'siluBwd',
    // three operands
    'whereF', 'whereI', 'clampLoF', 'clampHiF', 'clampF', 'clampLoI', 'clampHiI', 'clampI',
  ],
};

// SCRATCH: a job's per-thread work area, as consecutive regions of float counts given by expressions
// over named integers (`up4`/`up8` round up to multiples of 4/8). Generated: in AssemblyScript, for
// each region `<layout>_<region>(args…)`, its float offset within the area (`_end` the whole size),
// from the values of the running unit; on the host, `<layout>Scratch({args})`, the area's size in
// floats from the largest values any unit will have. One formula for both sides.
export const SCRATCH = {
  // im2col forward: packed im2col panels (R × npad), then the output tile
  convForward: { args: ['R', 'cog', 'npad'], regions: [['bp', 'R * npad'], ['cbuf', 'up4(cog) * npad']] },
  // im2col input gradient: packed g panels (cog × bmax), then col (a block of rows × bmax)
  convInput: { args: ['cog', 'mpad', 'bmax'], regions: [['bp', 'cog * bmax'], ['col', 'mpad * bmax']] },
  // im2col weight gradient: packed im2col rows of one image, its product, the batch sum
  convWeight: { args: ['P', 'npad', 'cog'], regions: [['bp', 'P * npad'], ['cimg', 'up4(cog) * npad'], ['cacc', 'up4(cog) * npad']] },
  // stride-1 forward: the padded slab (ch channels × SH rows × WV), row offsets, output tile, panels
  convDirect: {
    args: ['ch', 'SH', 'WV', 'KW', 'dw', 'R', 'cog', 'vpad'],
    regions: [['slab', 'up4(ch * SH * WV + (KW - 1) * dw + 16)'], ['offs', 'up4(R)'], ['cbuf', 'up4(cog) * vpad'], ['bp', 'R * vpad']],
  },
  // stride-1 weight gradient: slab, offsets, per-image product and batch sum, packed A rows
  convWeightDirect: {
    args: ['ch', 'SH', 'WV', 'KW', 'dw', 'nr', 'cog', 'V'],
    regions: [['slab', 'up4(ch * SH * WV + (KW - 1) * dw + 16)'], ['offs', 'up4(nr)'], ['cimg', 'up4(nr) * up8(cog)'], ['cacc', 'up4(nr) * up8(cog)'], ['apk', 'up4(nr) * V']],
  },
  // depthwise weight gradient: the per-tap sums
  dwWeight: { args: ['KK'], regions: [['acc', 'up4(KK)']] },
  // Winograd: 4 slab rows, the 16 transformed input matrices V_ξ (B panels, Cin × T), the 16
  // products M_ξ (mpad × T)
  wino: { args: ['Cin', 'mpad', 'T', 'SW'], regions: [['slab', '4 * SW'], ['v', '16 * Cin * T'], ['m', '16 * mpad * T']] },
  // OUTER-mode reductions: per column of a chunk of CB, f64 sums (or f32 best values) and f64
  // second sums (or i32 indices)
  reduceCols: { args: ['CB'], regions: [['acc', '2 * CB'], ['acc2', '2 * CB']] },
  // softmax / cross-entropy over columns: per column the f32 shift, f64 sums, f64 second sums
  softmaxCols: { args: ['CB'], regions: [['m', 'up4(CB)'], ['s', '2 * up4(CB)'], ['t', '2 * up4(CB)']] },
  // movement gathers: the multi-index of the row a unit is at
  gatherRows: { args: ['RANK'], regions: [['idx', 'up4(RANK)']] },
};

function layout(fields) {
  const out = [];
  let at = 0;
  for (const f of fields) {
    const [name, n] = Array.isArray(f) ? f : [f, 1];
    out.push([name, at]);
    at += n;
  }
  return { fields: out, size: at };
}

const upper = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** The generated files: assembly/abi.ts, assembly/dispatch.ts and src/backends/wasm/abi.ts. */
export function generate() {
  const header = '// GENERATED by scripts/build_wasm.mjs from scripts/wasm_abi.mjs. Do not edit.\n';
  let as = header;
  let ts = header;
  let dispatch = header;
  const mods = new Map();
  for (const [, mod, fn] of JOBS) {
    if (!mods.has(mod)) mods.set(mod, []);
    if (!mods.get(mod).includes(fn)) mods.get(mod).push(fn);
  }
  for (const [mod, fns] of mods) dispatch += `import { ${fns.join(', ')} } from './${mod}';\n`;
  for (const [block, fields] of Object.entries(BLOCKS)) {
    const { fields: fs, size } = layout(fields);
    const B = upper(block);
    for (const [name, at] of fs) as += `export const ${B}_${name}: i32 = ${at};\n`;
    as += `export const ${B}_SIZE: i32 = ${size};\n`;
    ts += `\n/** Parameter block \`${block}\` (i32 indices). */\nexport const ${B} = { ${fs.map(([n, at]) => `${n}: ${at}`).join(', ')}, SIZE: ${size} } as const;\n`;
  }
  as += '\n@inline function up4(n: i32): i32 { return (n + 3) & ~3; }\n@inline function up8(n: i32): i32 { return (n + 7) & ~7; }\n';
  ts += '\nconst up4 = (n: number): number => (n + 3) & ~3;\nconst up8 = (n: number): number => (n + 7) & ~7;\n';
  for (const [name, { args, regions }] of Object.entries(SCRATCH)) {
    const params = args.map((a) => `${a}: i32`).join(', ');
    let acc = '0';
    as += `\n// scratch layout \`${name}\`: ${regions.map(([r]) => r).join(', ')} (float offsets)\n`;
    for (const [r, expr] of regions) {
      as += `@inline export function ${name}_${r}(${params}): i32 { return ${acc}; }\n`;
      acc = acc === '0' ? `(${expr})` : `${acc} + (${expr})`;
    }
    as += `@inline export function ${name}_end(${params}): i32 { return ${acc}; }\n`;
    ts += `\n/** Floats of the \`${name}\` scratch area (${regions.map(([r]) => r).join(', ')}) for the largest unit. */\nexport function ${name}Scratch(a: { ${args.map((x) => `${x}: number`).join('; ')} }): number {\n  const { ${args.join(', ')} } = a;\n  return ${acc};\n}\n`;
  }
  dispatch += '\n/** Runs unit `unit` of job `fn` (ids: JOBS in scripts/wasm_abi.mjs). */\nexport function dispatch(fn: i32, args: usize, unit: i32, slot: i32): void {\n  switch (fn) {\n';
  JOBS.forEach(([, , fn, slot], id) => {
    dispatch += `    case ${id}: ${fn}(args, unit${slot ? ', slot' : ''}); break;\n`;
  });
  dispatch += '    default: unreachable();\n  }\n}\n';
  for (const [name, codes] of Object.entries(ENUMS)) {
    const N = upper(name);
    codes.forEach((c, i) => {
      as += `export const ${N}_${upper(c)}: i32 = ${i};\n`;
    });
    ts += `\n/** Codes of \`${name}\`. */\nexport const ${N} = { ${codes.map((c, i) => `${c}: ${i}`).join(', ')} } as const;\n`;
  }
  ts += `\n/** Job ids of the module's \`run\`. */\nexport const JOB = { ${JOBS.map(([name], id) => `${name}: ${id}`).join(', ')} } as const;\n`;
  return { 'assembly/abi.ts': as, 'assembly/dispatch.ts': dispatch, 'src/backends/wasm/abi.ts': ts };
}
