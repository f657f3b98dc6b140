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
  ['relu', 'eltwise', 'reluUnit', false],
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
  conv: ['N', 'CIN', 'COUT', 'G', ['L', 3], ['K', 3], ['O', 3], ['S', 3], ['D', 3], ['P', 3], 'X', 'W', 'B', 'Y', 'APACK', 'SCR', 'SCRSTRIDE', 'CHUNK', 'NCHUNK', 'GPACK', 'FLAGS', 'QROWS'],
  // packing A (rows of 4) and B (panels of 8) for the GEMM, and the GEMM's bands of units
  packA: ['SRC', 'RS', 'CS', 'M', 'K', 'DST', 'PER', 'BLOCKS'],
  packB: ['SRC', 'RS', 'CS', 'K', 'N', 'DST', 'PER', 'PANELS'],
  gemm: ['A', 'B', 'C', 'LDC', 'MBLOCKS', 'NPANELS', 'K', 'ACC', 'BANDM', 'BANDN', 'UNITSN'],
  linearSmall: ['X', 'W', 'B', 'Y', 'M', 'K', 'N', 'PER'],
  maxPool2: ['X', 'Y', 'IDX', 'H', 'W', 'OH', 'OW', 'PER', 'PLANES'],
  relu: ['X', 'Y', 'G', 'N', 'PER', 'MODE'],
  // reductions (assembly/reduce.ts): MODE 0 inner (last run reduced) / 1 outer (last run kept);
  // BASE/REL tables of element offsets (0: affine, i·BSTRIDE / i·RSTRIDE); STATIN/STATOUT per-output statistics between passes;
  // PART 16 bytes per (part, output); SCR + slot·SCRSTRIDE a thread's column accumulators
  reduce: ['X', 'X2', 'Y', 'Y2', 'IDX', 'MODE', 'KIND', 'FIN', 'L', 'NSEG', 'NOUT', 'BASE', 'REL', 'PARTS', 'PER', 'CB', 'NCH', 'STATIN', 'STATOUT', 'PART', 'DIV', 'SCR', 'SCRSTRIDE', 'BSTRIDE', 'RSTRIDE'],
  // codes, not blocks: the field indices are the values (one table for both sides)
  redKind: ['SUM', 'SQDEV', 'SUMEXP', 'MAX', 'ARGMAX', 'ARGMIN', 'DOT'],
  redFin: ['RAW', 'DIV', 'SQRTDIV', 'LSE', 'STAT'],
  // softmax family and fused cross-entropy over [OUTER, SIZE, INNER] fibres (assembly/softmax.ts)
  softmax: ['X', 'X2', 'X3', 'Y', 'OUTER', 'LEN', 'INNER', 'MODE', 'PER', 'CB', 'SCR', 'SCRSTRIDE'],
  smMode: ['SOFTMAX', 'LOG_SOFTMAX', 'SOFTMAX_BWD', 'LOG_SOFTMAX_BWD', 'CE', 'CE_BWD'],
  // class-index losses (assembly/loss.ts); EPS: address of ε (f64); unit -1 computes TOTAL alone
  classLoss: ['X', 'T', 'W', 'Y', 'TOTAL', 'OUTER', 'C', 'INNER', 'IGNORE', 'MODE', 'PER', 'EPS'],
  clMode: ['Q', 'NLL', 'NLL_BWD'],
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
  poolMode: ['MAX', 'AVG', 'MAX_BWD', 'GATHER', 'AVG_BWD'],
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
  dispatch += '\n/** Runs unit `unit` of job `fn` (ids: JOBS in scripts/wasm_abi.mjs). */\nexport function dispatch(fn: i32, args: usize, unit: i32, slot: i32): void {\n  switch (fn) {\n';
  JOBS.forEach(([, , fn, slot], id) => {
    dispatch += `    case ${id}: ${fn}(args, unit${slot ? ', slot' : ''}); break;\n`;
  });
  dispatch += '    default: unreachable();\n  }\n}\n';
  ts += `\n/** Job ids of the module's \`run\`. */\nexport const JOB = { ${JOBS.map(([name], id) => `${name}: ${id}`).join(', ')} } as const;\n`;
  return { 'assembly/abi.ts': as, 'assembly/dispatch.ts': dispatch, 'src/backends/wasm/abi.ts': ts };
}
