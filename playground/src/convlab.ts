/**
 * The conv lab: one 2-d convolution with the user's geometry, every number computed by convkit
 * (float64, small integer inputs so everything is exact): the output-size formula, the grids, the
 * convolution matrix, the Jacobians, and the backward pass as a full correlation with the flipped
 * kernel, checked against autograd. Plus the 1-d numpy/scipy modes and circular correlation.
 */
import {
  circularCorrelate, conv2d, convInfo, convOutFormula, convTranspose2d, convMatrix, convolve, correlate, correlateNd,
  flip, jacobian, pad, reshape, roll, tensor, vjp,
} from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { ConvOptions } from '../../src/ops/conv.js';
import { fmtNum, parseConvParams, parseNumberList, randomInts } from './logic.js';
import type { ConvLabParams } from './logic.js';
import { $, el, figure, heatCanvas, heatCells } from './ui.js';

const F64 = { dtype: 'float64' } as const;
const arr = (t: Tensor): number[] => Array.from(t.data as ArrayLike<number>);
const maxAbsDiff = (a: Tensor, b: Tensor): number => {
  const x = arr(a);
  const y = arr(b);
  if (x.length !== y.length) return Infinity;
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const check = (label: string, d: number): string => `${label}: max |difference| = ${d === 0 ? '0 (exact)' : fmtNum(d)} ${d < 1e-9 ? '✓' : '✗'}`;

/** Inserts (s − 1) zeros between the entries of a 2-d grid along both axes ("dilating" it). */
function dilate2d(v: readonly number[], h: number, w: number, s: number): { data: number[]; h: number; w: number } {
  const H = (h - 1) * s + 1;
  const W = (w - 1) * s + 1;
  const data = new Array<number>(H * W).fill(0);
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) data[i * s * W + j * s] = v[i * w + j]!;
  return { data, h: H, w: W };
}

let seed = 1;

function readForm(): Record<string, string> {
  const form = $('lab-form') as HTMLFormElement;
  const out: Record<string, string> = {};
  for (const e of Array.from(form.elements)) {
    const f = e as HTMLInputElement | HTMLSelectElement;
    if (f.name) out[f.name] = f.value;
  }
  return out;
}

function showErrors(messages: string[]): void {
  const box = $('lab-errors');
  box.textContent = '';
  box.hidden = messages.length === 0;
  for (const m of messages) box.append(el('p', { text: m }));
}

function render(report: (outSize: string | null) => void): void {
  const form = $('lab-form') as HTMLFormElement;
  for (const e of Array.from(form.elements)) (e as HTMLElement).removeAttribute('aria-invalid');
  const parsed = parseConvParams(readForm());
  const sections = ['lab-grids', 'lab-matrix', 'lab-jacobian', 'lab-backward'];
  const clear = (): void => {
    for (const s of sections) $(s).textContent = '';
    for (const s of ['lab-formula', 'lab-back-check', 'lab-matrix-note', 'lab-jac-note', 'lab-back-note', 'lab-padding-note']) $(s).textContent = '';
  };
  if (!parsed.ok) {
    for (const e of parsed.errors) form.querySelector(`[name="${e.field}"]`)?.setAttribute('aria-invalid', 'true');
    showErrors(parsed.errors.map((e) => e.message));
    $('lab-out-size').textContent = '–';
    report(null);
    clear();
    return;
  }
  const p = parsed.params;
  try {
    renderConv(p, report);
    showErrors([]);
  } catch (e) {
    // geometry the library rejects: show its message (it names the op, the argument and the numbers)
    showErrors([`convkit: ${errText(e)}`]);
    $('lab-out-size').textContent = 'invalid';
    report('invalid');
    clear();
  }
}

function renderConv(p: ConvLabParams, report: (outSize: string | null) => void): void {
  const { inH: H, inW: W, kH, kW } = p;
  const x = tensor(randomInts(H * W, 0, 9, seed), { shape: [1, 1, H, W], ...F64 });
  const w = tensor(randomInts(kH * kW, -2, 2, seed + 7), { shape: [1, 1, kH, kW], ...F64 });
  const conv = p.operation === 'convolution';
  // a true convolution is a cross-correlation with the kernel flipped along both spatial axes
  const kEff = conv ? flip(w, [2, 3]) : w;
  const opts: ConvOptions = { stride: p.stride, padding: p.padding, dilation: p.dilation, paddingMode: p.paddingMode };
  const geo = convInfo('conv2d', x, kEff, null, opts);
  const [pbH = 0, pbW = 0] = geo.padBefore;
  const [paH = 0, paW = 0] = geo.padAfter;
  const [oH = 0, oW = 0] = geo.outSize;
  const y = conv2d(x, kEff, opts);
  const outText = `${oH} × ${oW}`;
  $('lab-out-size').textContent = outText;
  report(`${oH}x${oW}`);
  $('lab-formula').textContent = [
    `H_out = ${convOutFormula(H, kH, p.stride, pbH, paH, p.dilation)}`,
    `W_out = ${convOutFormula(W, kW, p.stride, pbW, paW, p.dilation)}`,
    `        floor((in + pad_before + pad_after − dilation·(kernel − 1) − 1) / stride) + 1`,
  ].join('\n');
  $('lab-padding-note').textContent =
    typeof p.padding === 'string'
      ? `'${p.padding}' resolves to padding ${pbH}/${paH} (top/bottom) and ${pbW}/${paW} (left/right)${p.padding === 'same' && (pbH !== paH || pbW !== paW) ? ' — the odd element goes after' : ''}${p.padding === 'same' ? (p.stride > 1 ? `; with stride ${p.stride} 'same' follows TensorFlow's rule, out = ceil(in / stride)` : ' (PyTorch’s rule: total dilation·(k − 1))') : ''}.`
      : `Padding ${p.padding} on every side, filled with ${p.paddingMode === 'zeros' ? 'zeros' : `the ${p.paddingMode} mode`}.`;

  // ---- grids: padded input ⋆ kernel = output, with the receptive field of a hovered output cell
  const pads = [pbW, paW, pbH, paH];
  const mode = p.paddingMode === 'zeros' ? 'constant' : p.paddingMode;
  const xp = pad(x, pads, { mode });
  const Hp = H + pbH + paH;
  const Wp = W + pbW + paW;
  const isPad = (r: number, c: number): boolean => r < pbH || r >= pbH + H || c < pbW || c >= pbW + W;
  const inGrid = heatCells(arr(xp), Hp, Wp, { label: `padded input ${Hp} by ${Wp}`, padMask: isPad });
  const kGrid = heatCells(arr(w), kH, kW, { label: 'kernel' });
  const outGrid = heatCells(arr(y), oH, oW, { label: `output ${oH} by ${oW}`, focusable: true });
  const grids = $('lab-grids');
  grids.textContent = '';
  grids.append(
    figure(`input ${H}×${W}${Hp !== H || Wp !== W ? ` padded to ${Hp}×${Wp} (dashed: padding)` : ''}`, inGrid),
    el('span', { class: 'op-sign', 'aria-hidden': 'true', text: conv ? '∗' : '⋆' }),
    figure(`kernel ${kH}×${kW}${p.dilation > 1 ? `, dilation ${p.dilation}` : ''}`, kGrid),
  );
  if (conv) grids.append(figure('flipped kernel (what slides)', heatCells(arr(kEff), kH, kW, { label: 'flipped kernel' })));
  grids.append(el('span', { class: 'op-sign', 'aria-hidden': 'true', text: '=' }), figure(`output ${oH}×${oW}${p.stride > 1 ? `, stride ${p.stride}` : ''}`, outGrid));
  const highlight = (r: number, c: number): void => {
    for (const s of inGrid.querySelectorAll('.hl')) s.classList.remove('hl');
    for (let i = 0; i < kH; i++)
      for (let j = 0; j < kW; j++) {
        const rr = r * p.stride + i * p.dilation;
        const cc = c * p.stride + j * p.dilation;
        inGrid.children[rr * Wp + cc]?.classList.add('hl');
      }
  };
  outGrid.addEventListener('pointerover', (e) => {
    const t = e.target as HTMLElement;
    if (t.dataset['r'] !== undefined) highlight(Number(t.dataset['r']), Number(t.dataset['c']));
  });
  outGrid.addEventListener('focusin', (e) => {
    const t = e.target as HTMLElement;
    if (t.dataset['r'] !== undefined) highlight(Number(t.dataset['r']), Number(t.dataset['c']));
  });
  outGrid.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (t.dataset['r'] === undefined) return;
    let r = Number(t.dataset['r']);
    let c = Number(t.dataset['c']);
    if (e.key === 'ArrowRight') c = Math.min(oW - 1, c + 1);
    else if (e.key === 'ArrowLeft') c = Math.max(0, c - 1);
    else if (e.key === 'ArrowDown') r = Math.min(oH - 1, r + 1);
    else if (e.key === 'ArrowUp') r = Math.max(0, r - 1);
    else return;
    e.preventDefault();
    const next = outGrid.children[r * oW + c] as HTMLElement;
    t.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
  outGrid.addEventListener('pointerleave', () => inGrid.querySelectorAll('.hl').forEach((s) => s.classList.remove('hl')));

  // ---- the convolution matrix M (vec(y) = M·vec(x)) and the Jacobians
  const rows = oH * oW;
  const cols = H * W;
  const M = convMatrix([1, 1, H, W], kEff, opts);
  const My = reshape(M, [rows, cols]);
  const xv = arr(x);
  const mData = arr(My);
  const prod = Array.from({ length: rows }, (_, r) => xv.reduce((s, v, c) => s + mData[r * cols + c]! * v, 0));
  const dMy = Math.max(...prod.map((v, i) => Math.abs(v - arr(y)[i]!)), 0);
  const kind =
    p.paddingMode === 'circular' && p.stride === 1 ? 'circulant-like (circular padding, stride 1)' : p.paddingMode === 'zeros' ? 'doubly-block Toeplitz (zero padding)' : `folded at the borders by ${p.paddingMode} padding`;
  $('lab-matrix-note').textContent = `convMatrix([1, 1, ${H}, ${W}], kernel, options): ${rows} × ${cols}, one row per output pixel, one column per input pixel; ${kind}. ${check('M·vec(x) vs conv2d', dMy)}`;
  const mBox = $('lab-matrix');
  mBox.textContent = '';
  mBox.append(rows * cols <= 400 ? heatCells(mData, rows, cols, { label: `convolution matrix ${rows} by ${cols}` }) : scaled(heatCanvas(mData, rows, cols, { label: `convolution matrix ${rows} by ${cols}` }), rows, cols));

  const Jx = jacobian((xx) => conv2d(xx, kEff, opts), x) as Tensor;
  const Jw = jacobian((ww) => conv2d(x, conv ? flip(ww, [2, 3]) : ww, opts), w) as Tensor;
  const jx = reshape(Jx, [rows, cols]);
  const jw = reshape(Jw, [rows, kH * kW]);
  $('lab-jac-note').textContent = `convkit's jacobian(): ∂y/∂x is ${rows} × ${cols} and equals the convolution matrix (${check('|J − M|', maxAbsDiff(jx, My))}); ∂y/∂w is ${rows} × ${kH * kW}: row k is the input window that output k reads${conv ? ' (reversed, since the kernel is flipped)' : ''} — im2col.`;
  const jBox = $('lab-jacobian');
  jBox.textContent = '';
  jBox.append(
    figure('∂y/∂x', rows * cols <= 400 ? heatCells(arr(jx), rows, cols, { label: 'Jacobian with respect to the input' }) : scaled(heatCanvas(arr(jx), rows, cols, { label: 'Jacobian with respect to the input' }), rows, cols)),
    figure('∂y/∂w', rows * kH * kW <= 400 ? heatCells(arr(jw), rows, kH * kW, { label: 'Jacobian with respect to the kernel' }) : scaled(heatCanvas(arr(jw), rows, kH * kW, { label: 'Jacobian with respect to the kernel' }), rows, kH * kW)),
  );

  // ---- backward: dL/dx_padded = full correlation of the (stride-dilated) upstream gradient with the
  // flipped (dilation-dilated) kernel; dL/dx = pad's adjoint of that (a crop for zero padding)
  const g = tensor(randomInts(rows, -2, 2, seed + 13), { shape: [1, 1, oH, oW], ...F64 });
  const dxAuto = vjp((xx) => conv2d(xx, kEff, opts), x)[1](g)[0]!;
  const dxpAuto = vjp((xx) => conv2d(xx, kEff, { stride: p.stride, dilation: p.dilation }), xp)[1](g)[0]!;
  const gD = dilate2d(arr(g), oH, oW, p.stride);
  const kD = dilate2d(arr(kEff), kH, kW, p.dilation);
  const kDt = tensor(kD.data, { shape: [kD.h, kD.w], ...F64 });
  const full = correlateNd(tensor(gD.data, { shape: [gD.h, gD.w], ...F64 }), flip(kDt, [0, 1]), 'full');
  const [fh = 0, fw = 0] = full.shape;
  // trailing rows/columns no window reached (stride not dividing evenly) get zero gradient
  const fullP = reshape(pad(full, [0, Wp - fw, 0, Hp - fh]), [1, 1, Hp, Wp]);
  const dxVia = vjp((xx) => pad(xx, pads, { mode }), x)[1](fullP)[0]!;
  const lines = [
    check('full correlation (upstream ⋆ flipped kernel) vs autograd ∂L/∂x_padded', maxAbsDiff(fullP, dxpAuto)),
    check(`${p.paddingMode === 'zeros' ? 'its crop' : `its fold back through ${p.paddingMode} padding (pad's adjoint)`} vs autograd ∂L/∂x`, maxAbsDiff(dxVia, dxAuto)),
  ];
  if (p.paddingMode === 'zeros' && pbH === paH && pbW === paW) {
    const opH = H - ((oH - 1) * p.stride - 2 * pbH + p.dilation * (kH - 1) + 1);
    const opW = W - ((oW - 1) * p.stride - 2 * pbW + p.dilation * (kW - 1) + 1);
    try {
      const ct = convTranspose2d(g, kEff, { stride: p.stride, padding: [pbH, pbW], dilation: p.dilation, outputPadding: [opH, opW] });
      lines.push(check(`convTranspose2d(upstream, kernel, output padding ${opH}, ${opW}) vs autograd ∂L/∂x`, maxAbsDiff(ct, dxAuto)));
    } catch (e) {
      lines.push(`convTranspose2d: ${errText(e)}`);
    }
  }
  $('lab-back-check').textContent = lines.join('\n');
  $('lab-back-note').textContent = `Upstream gradient ∂L/∂y (random integers)${p.stride > 1 ? `, with ${p.stride - 1} zero(s) inserted between entries for stride ${p.stride}` : ''}, fully correlated with the kernel flipped in both axes${p.dilation > 1 ? ` (dilated by ${p.dilation})` : ''}, gives the gradient with respect to the padded input; convkit's correlateNd computes it and autograd agrees.`;
  const back = $('lab-backward');
  back.textContent = '';
  back.append(
    figure(`∂L/∂y${p.stride > 1 ? ' (stride-dilated)' : ''}`, heatCells(gD.data, gD.h, gD.w, { label: 'upstream gradient' })),
    el('span', { class: 'op-sign', 'aria-hidden': 'true', text: '⋆' }),
    figure('flipped kernel', heatCells(arr(flip(kDt, [0, 1])), kD.h, kD.w, { label: 'flipped kernel' })),
    el('span', { class: 'op-sign', 'aria-hidden': 'true', text: '=' }),
    figure(`full correlation = ∂L/∂x_padded (${Hp}×${Wp})`, heatCells(arr(fullP), Hp, Wp, { label: 'gradient with respect to the padded input', padMask: isPad })),
    el('span', { class: 'op-sign', 'aria-hidden': 'true', text: '→' }),
    figure(`∂L/∂x (${H}×${W})`, heatCells(arr(dxAuto), H, W, { label: 'gradient with respect to the input' })),
  );
}

/** A heat-map canvas scaled up to a readable size (big matrices). */
function scaled(c: HTMLCanvasElement, rows: number, cols: number): HTMLCanvasElement {
  const cell = Math.max(2, Math.min(12, Math.floor(560 / Math.max(rows, cols))));
  c.style.width = `${cols * cell}px`;
  c.style.imageRendering = 'pixelated';
  return c;
}

// ---- 1-d signals --------------------------------------------------------------------------------

function renderSignals(): void {
  const a = parseNumberList(($('sig-a') as HTMLInputElement).value);
  const v = parseNumberList(($('sig-v') as HTMLInputElement).value);
  const err = $('sig-error');
  const out = $('sig-out');
  out.textContent = '';
  if (!a || !v) {
    err.textContent = 'Enter 1 to 32 numbers for each signal, separated by commas or spaces.';
    err.hidden = false;
    return;
  }
  err.hidden = true;
  try {
    const at = tensor(a, F64);
    const vt = tensor(v, F64);
    const table = el('table', {}, el('caption', { class: 'hint', text: 'numpy semantics: convolve flips v, correlate does not' }), el('tr', {}, el('th', { text: 'mode' }), el('th', { text: 'convolve(a, v)' }), el('th', { text: 'correlate(a, v)' }), el('th', { text: 'length' })));
    for (const mode of ['full', 'same', 'valid'] as const) {
      const c = convolve(at, vt, mode);
      const r = correlate(at, vt, mode);
      table.append(el('tr', {}, el('td', { text: mode }), el('td', { class: 'num', text: `[${arr(c).map(fmtNum).join(', ')}]` }), el('td', { class: 'num', text: `[${arr(r).map(fmtNum).join(', ')}]` }), el('td', { class: 'num', text: String(c.numel) })));
    }
    out.append(table);
    // circular cross-correlation needs equal lengths: the shorter is zero-padded
    const n = Math.max(a.length, v.length);
    const xa = [...a, ...new Array<number>(n - a.length).fill(0)];
    const ya = [...v, ...new Array<number>(n - v.length).fill(0)];
    const x = tensor(xa, F64);
    const y = tensor(ya, F64);
    const z = circularCorrelate(x, y);
    const [jx, jy] = jacobian((p, q) => circularCorrelate(p, q), [x, y]) as Tensor[];
    // shift equivariance: z'[k] = Σᵢ x[i−1]·y[(i+k) mod n] = z[k+1], i.e. shifting x by one shifts z back by one
    const zShift = circularCorrelate(roll(x, 1), y);
    out.append(
      el('p', { text: `Circular cross-correlation z[k] = Σᵢ x[i]·y[(i + k) mod ${n}] of x = a, y = v${a.length !== v.length ? ' (zero-padded to equal length)' : ''}: z = [${arr(z).map(fmtNum).join(', ')}]` }),
      el('p', { text: `Shift equivariance: correlating roll(x, 1) gives [${arr(zShift).map(fmtNum).join(', ')}] = roll(z, −1); ${check('difference', maxAbsDiff(zShift, roll(z, -1)))}` }),
      el('div', { class: 'grids' }, figure('∂z/∂x (circulant in y)', heatCells(arr(jx!), n, n, { label: 'Jacobian of z with respect to x' })), figure('∂z/∂y (circulant in x)', heatCells(arr(jy!), n, n, { label: 'Jacobian of z with respect to y' }))),
    );
  } catch (e) {
    err.textContent = `convkit: ${errText(e)}`;
    err.hidden = false;
  }
}

export function initConvLab(report: (outSize: string | null) => void): void {
  const form = $('lab-form') as HTMLFormElement;
  const go = (): void => render(report);
  form.addEventListener('input', go);
  form.addEventListener('change', go);
  form.addEventListener('submit', (e) => e.preventDefault());
  $('btn-lab-random').addEventListener('click', () => {
    seed = (seed * 7919 + 13) % 100_003;
    go();
  });
  const sig = $('sig-form') as HTMLFormElement;
  sig.addEventListener('input', renderSignals);
  sig.addEventListener('submit', (e) => e.preventDefault());
  go();
  renderSignals();
}
