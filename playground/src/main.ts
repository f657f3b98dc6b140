/**
 * The playground page: tabs, the Train panel (drives the worker), Draw (live predictions), Inside
 * (filters, activation maps, diagnostics); the Conv lab lives in convlab.ts.
 *
 * URL parameters (for quick runs and the end-to-end tests): ?steps=N stops training after N steps,
 * ?epochs=N, ?limit=N (first N training images), ?testlimit=N (first N test images), ?model=, ?seed=,
 * ?backend=. window.__playground exposes a
 * read-only snapshot of the page state for tests.
 */
import { getBackend, setBackend, formatSummary, summary } from '../../src/index.js';
import * as convkit from '../../src/index.js';
import { buildModel } from '../../src/models/index.js';
import type { DiagnosticsReport } from '../../src/train/diagnostics.js';
import { argmax, fmtNum, nextTabIndex, preprocessDigit, softmax } from './logic.js';
import { PageModel } from './infer.js';
import { renderActivations, renderDiagnostics, renderFilters } from './inside.js';
import type { EnvInfo, FromWorker, ModelName, OptimizerName, TrainConfig } from './protocol.js';
import { $, $canvas, $input, ctx2d, el, lineChart, paintHeat } from './ui.js';
import { initConvLab } from './convlab.js';

interface PlaygroundState {
  status: 'loading' | 'ready' | 'training' | 'paused' | 'done' | 'error';
  step: number;
  testAccuracy: number | null;
  trainAccuracy: number | null;
  prediction: { digit: number; probability: number; probs: number[] } | null;
  weightsStep: number;
  env: EnvInfo | null;
  errors: string[];
  labOutSize: string | null;
}
const state: PlaygroundState = { status: 'loading', step: 0, testAccuracy: null, trainAccuracy: null, prediction: null, weightsStep: -1, env: null, errors: [], labOutSize: null };
(globalThis as unknown as { __playground: PlaygroundState }).__playground = state;

const params = new URLSearchParams(location.search);
const intParam = (k: string): number | undefined => {
  const v = params.get(k);
  return v !== null && /^\d+$/.test(v) ? Number(v) : undefined;
};

// ---- tabs (ARIA tablist with roving tabindex) -------------------------------------------------

const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
const onShow = new Map<string, () => void>();
function selectTab(i: number, focus: boolean): void {
  tabs.forEach((t, k) => {
    const sel = k === i;
    t.setAttribute('aria-selected', String(sel));
    t.tabIndex = sel ? 0 : -1;
    $(t.getAttribute('aria-controls')!).hidden = !sel;
  });
  const tab = tabs[i]!;
  if (focus) tab.focus();
  if (location.hash !== `#${tab.id.slice(4)}`) history.replaceState(null, '', `${location.search}#${tab.id.slice(4)}`);
  onShow.get(tab.id)?.();
}
tabs.forEach((t, i) => {
  t.addEventListener('click', () => selectTab(i, false));
  t.addEventListener('keydown', (e) => {
    const n = nextTabIndex(e.key, i, tabs.length);
    if (n === null) return;
    e.preventDefault();
    selectTab(n, true);
  });
});

// ---- environment line --------------------------------------------------------------------------

try {
  setBackend('wasm');
} catch {
  // no WebAssembly SIMD here: the page's inference and the lab run on the reference backend
}
// The page itself runs only tiny computations (one image, the lab's small grids) and a browser's
// main thread must not block in Atomics.wait: keep its kernels on one thread; training threads
// live in the worker.
const setThreads = (convkit as unknown as Record<string, unknown>)['setNumThreads'];
if (typeof setThreads === 'function') (setThreads as (n: number) => void)(1);
function showEnv(env: EnvInfo | null): void {
  const iso = globalThis.crossOriginIsolated === true;
  const e = $('env');
  e.textContent = '';
  const b = env?.backend ?? getBackend();
  const what = b === 'webgpu' ? ` (GPU: ${env?.gpu ?? 'unknown adapter'})` : b === 'wasm' ? ' (WebAssembly SIMD)' : ' (pure TypeScript)';
  e.append(`backend: ${b}${what} · training threads: ${env ? env.threads : '…'} · crossOriginIsolated: ${iso}`);
  if (!iso || typeof SharedArrayBuffer !== 'function') e.append(' · ', el('span', { class: 'warn', text: 'SharedArrayBuffer unavailable: single-thread fallback' }));
  else if (env?.limitedBy) e.append(' · ', el('span', { class: 'warn', text: `single thread: ${env.limitedBy}` }));
  else if (env && env.threads <= 1) e.append(' · single-threaded wasm');
}
showEnv(null);

// ---- the worker --------------------------------------------------------------------------------

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
let samples: { label: number; pixels: Uint8Array }[] = [];
let pageModel: PageModel | null = null;
const lossPts: [number, number][] = [];
const accPts: [number, number][] = [];
/** Per-batch loss and accuracy, smoothed by an exponential moving average (the raw values are noisy). */
const batchLossPts: [number, number][] = [];
const batchAccPts: [number, number][] = [];
let smoothLoss = NaN;
let smoothAcc = NaN;
const SMOOTH = 0.1;
const testPts: [number, number][] = [];
let diagnostics: { step: number; report: DiagnosticsReport } | null = null;

const btnStart = $('btn-start') as HTMLButtonElement;
const btnPause = $('btn-pause') as HTMLButtonElement;
const btnStop = $('btn-stop') as HTMLButtonElement;
const status = $('train-status');

function setStatus(s: PlaygroundState['status'], text: string): void {
  state.status = s;
  status.textContent = text;
  status.classList.toggle('error', s === 'error');
  btnStart.disabled = s === 'loading' || s === 'training' || s === 'paused' || s === 'error';
  btnPause.disabled = !(s === 'training' || s === 'paused');
  btnStop.disabled = !(s === 'training' || s === 'paused');
  btnPause.textContent = s === 'paused' ? 'Resume' : 'Pause';
  btnPause.setAttribute('aria-pressed', String(s === 'paused'));
}

function fail(message: string): void {
  state.errors.push(message);
  setStatus('error', `Error: ${message}`);
}

worker.addEventListener('error', (e) => fail(`the training worker failed to start: ${e.message || 'unknown error'}`));
worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready':
      samples = m.samples;
      state.env = m.env;
      showEnv(m.env);
      setStatus('ready', `Ready: ${m.trainSize.toLocaleString('en')} training and ${m.testSize.toLocaleString('en')} test digits loaded in ${(m.loadMs / 1000).toFixed(1)} s. Press “Start training”.`);
      renderInside();
      break;
    case 'started':
      state.env = m.env;
      showEnv(m.env);
      setStatus('training', `Training ${m.config.model} with ${m.config.optimizer}, lr ${m.config.lr}, batch ${m.config.batchSize}, on ${m.trainSize.toLocaleString('en')} digits${m.config.maxSteps ? ` (stopping after ${m.config.maxSteps} steps)` : ''}…`);
      break;
    case 'progress': {
      state.step = m.step;
      state.trainAccuracy = m.accuracy;
      lossPts.push([m.step, m.loss]);
      accPts.push([m.step, m.accuracy]);
      smoothLoss = Number.isNaN(smoothLoss) ? m.batchLoss : SMOOTH * m.batchLoss + (1 - SMOOTH) * smoothLoss;
      smoothAcc = Number.isNaN(smoothAcc) ? m.batchAccuracy : SMOOTH * m.batchAccuracy + (1 - SMOOTH) * smoothAcc;
      batchLossPts.push([m.step, smoothLoss]);
      batchAccPts.push([m.step, smoothAcc]);
      $('s-step').textContent = String(m.step);
      $('s-loss').textContent = m.loss.toFixed(4);
      $('s-acc').textContent = `${(100 * m.accuracy).toFixed(1)}%`;
      $('s-ips').textContent = m.imagesPerSecond.toFixed(0);
      const p = $('epoch-progress') as HTMLProgressElement;
      p.max = m.batches;
      p.value = m.batch;
      $('epoch-label').textContent = `epoch ${m.epoch}/${m.epochs}, batch ${m.batch}/${m.batches}`;
      scheduleCharts();
      break;
    }
    case 'diagnostics':
      diagnostics = { step: m.step, report: m.report };
      if (!$('panel-inside').hidden) renderDiagnostics($('diagnostics'), m.report, m.step);
      break;
    case 'weights': {
      if (!pageModel || pageModel.name !== m.model) pageModel = new PageModel(m.model);
      pageModel.load(m.state, m.step);
      state.weightsStep = m.step;
      predict();
      if (!$('panel-inside').hidden) renderInside();
      break;
    }
    case 'epoch':
      state.testAccuracy = m.testAccuracy;
      testPts.push([m.step, m.testAccuracy]);
      $('s-test').textContent = `${(100 * m.testAccuracy).toFixed(2)}%`;
      status.textContent = `Epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)}, test accuracy ${(100 * m.testAccuracy).toFixed(2)}% on ${m.testExamples.toLocaleString('en')} held-out digits.`;
      scheduleCharts();
      break;
    case 'paused':
      setStatus('paused', `Paused at step ${m.step}. The Draw and Inside tabs use the weights of this step.`);
      break;
    case 'resumed':
      setStatus('training', `Training resumed from step ${m.step}…`);
      break;
    case 'done': {
      const acc = m.testAccuracy === null ? '' : ` Test accuracy ${(100 * m.testAccuracy).toFixed(2)}%.`;
      if (m.reason === 'non-finite') fail(m.message ?? 'the loss diverged');
      else setStatus('done', `${m.reason === 'stopped' ? 'Stopped' : 'Finished'} after ${m.step} steps.${acc} Try the Draw and Inside tabs.`);
      break;
    }
    case 'error':
      fail(m.message);
      break;
  }
});

// ---- Train panel -------------------------------------------------------------------------------

let chartsPending = false;
function scheduleCharts(): void {
  if (chartsPending) return;
  chartsPending = true;
  requestAnimationFrame(() => {
    chartsPending = false;
    drawCharts();
  });
}
function drawCharts(): void {
  if ($('panel-train').hidden) return;
  const lossC = $canvas('chart-loss');
  const accC = $canvas('chart-acc');
  lineChart(lossC, [{ points: batchLossPts, color: '#d1495b', label: 'batch (smoothed)' }, { points: lossPts, color: '#8a5a00', label: 'epoch mean' }], { yMin: 0, xLabel: 'step' });
  lineChart(accC, [{ points: batchAccPts, color: '#1f6feb', label: 'batch (smoothed)' }, { points: testPts, color: '#1a7f37', label: 'test', dots: true }], { yMin: 0, yMax: 1, yFormat: (v) => `${Math.round(v * 100)}%`, xLabel: 'step' });
  const last = (a: [number, number][]): string => (a.length ? fmtNum(a[a.length - 1]![1]) : 'no data yet');
  lossC.setAttribute('aria-label', `Loss chart over ${lossPts.length} steps; latest ${last(lossPts)}`);
  accC.setAttribute('aria-label', `Accuracy chart; latest train ${last(accPts)}, latest test ${last(testPts)}`);
}
onShow.set('tab-train', drawCharts);

function showSummary(): void {
  const name = ($('t-model') as HTMLSelectElement).value;
  try {
    $('model-summary').textContent = formatSummary(summary(buildModel(name, 10), [1, 1, 28, 28], { explain: true }));
  } catch (err) {
    $('model-summary').textContent = `summary failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}
$('t-model').addEventListener('change', showSummary);
// WebGPU is offered where the browser has an adapter for it (the worker asks again when training starts)
void (async () => {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (adapter) return;
  const opt = document.querySelector<HTMLOptionElement>('#t-backend option[value="webgpu"]')!;
  opt.disabled = true;
  // short option text (a select must not clip it on a phone); the full reason as its tooltip
  opt.textContent = gpu ? 'webgpu (no adapter)' : 'webgpu (unavailable)';
  opt.title = gpu ? 'this browser has WebGPU but offers no GPU adapter' : 'this browser has no WebGPU (navigator.gpu)';
  if (($('t-backend') as HTMLSelectElement).value === 'webgpu') ($('t-backend') as HTMLSelectElement).value = 'wasm';
})();
for (const k of ['model', 'seed', 'epochs', 'threads', 'backend'] as const) {
  const v = params.get(k);
  if (v !== null) ($(`t-${k}`) as HTMLInputElement | HTMLSelectElement).value = v;
}
showSummary();

function readConfig(): TrainConfig | string {
  const num = (id: string): number => Number($input(id).value);
  const lr = num('t-lr');
  const batchSize = num('t-bs');
  const epochs = num('t-epochs');
  const augment = num('t-aug');
  const seed = num('t-seed');
  if (!(lr > 0 && lr <= 1)) return 'The learning rate must be a number in (0, 1].';
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 512) return 'The batch size must be a whole number from 1 to 512.';
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 50) return 'Epochs must be a whole number from 1 to 50.';
  if (!Number.isInteger(augment) || augment < 0 || augment > 4) return 'The random shift must be a whole number from 0 to 4.';
  if (!Number.isSafeInteger(seed)) return 'The seed must be a whole number.';
  const config: TrainConfig = {
    model: ($('t-model') as HTMLSelectElement).value as ModelName,
    backend: ($('t-backend') as HTMLSelectElement).value === 'webgpu' ? 'webgpu' : 'wasm',
    optimizer: ($('t-opt') as HTMLSelectElement).value as OptimizerName,
    lr, batchSize, epochs, augment, seed,
    threads: Number(($('t-threads') as HTMLSelectElement).value),
  };
  const steps = intParam('steps');
  const limit = intParam('limit');
  if (steps !== undefined) config.maxSteps = steps;
  if (limit !== undefined) config.limit = limit;
  const testLimit = intParam('testlimit');
  if (testLimit !== undefined) config.testLimit = testLimit;
  return config;
}

$('train-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const c = readConfig();
  const err = $('train-form-error');
  if (typeof c === 'string') {
    err.textContent = c;
    err.hidden = false;
    return;
  }
  err.hidden = true;
  lossPts.length = accPts.length = testPts.length = batchLossPts.length = batchAccPts.length = 0;
  smoothLoss = smoothAcc = NaN;
  state.testAccuracy = null;
  $('s-test').textContent = '–';
  diagnostics = null;
  $('diagnostics').replaceChildren(el('p', { class: 'empty', text: 'No diagnostics yet — they arrive every 20 training steps.' }));
  setStatus('training', 'Starting…');
  worker.postMessage({ type: 'start', config: c });
});
btnPause.addEventListener('click', () => {
  if (state.status === 'paused') worker.postMessage({ type: 'resume' });
  else {
    worker.postMessage({ type: 'pause' });
    status.textContent = 'Pausing after this step…';
  }
});
btnStop.addEventListener('click', () => worker.postMessage({ type: 'stop' }));
addEventListener('resize', scheduleCharts);

// ---- Draw panel --------------------------------------------------------------------------------

const draw = $canvas('draw-canvas');
const dg = ctx2d(draw);
let drawn = false;
function clearDrawing(): void {
  dg.fillStyle = '#000';
  dg.fillRect(0, 0, draw.width, draw.height);
  drawn = false;
  current = null;
  paintHeat($canvas('draw-28'), new Float32Array(784), 28, 28, { grey: true, range: [0, 1] });
  state.prediction = null;
  $('prediction').textContent = '–';
  renderProbs(null);
}
let last: [number, number] | null = null;
const toCanvas = (e: PointerEvent): [number, number] => {
  const r = draw.getBoundingClientRect();
  return [((e.clientX - r.left) * draw.width) / r.width, ((e.clientY - r.top) * draw.height) / r.height];
};
function stroke(a: [number, number], b: [number, number]): void {
  dg.strokeStyle = '#fff';
  dg.lineWidth = 22;
  dg.lineCap = 'round';
  dg.lineJoin = 'round';
  dg.beginPath();
  dg.moveTo(a[0], a[1]);
  dg.lineTo(b[0], b[1]);
  dg.stroke();
  drawn = true;
  schedulePredict();
}
draw.addEventListener('pointerdown', (e) => {
  e.preventDefault();
  // a test digit on the canvas is not part of the drawing: start from black
  if (!drawn) {
    dg.fillStyle = '#000';
    dg.fillRect(0, 0, draw.width, draw.height);
  }
  draw.setPointerCapture(e.pointerId);
  last = toCanvas(e);
  stroke(last, last);
});
draw.addEventListener('pointermove', (e) => {
  if (!last) return;
  e.preventDefault();
  const p = toCanvas(e);
  stroke(last, p);
  last = p;
});
for (const ev of ['pointerup', 'pointercancel'] as const) draw.addEventListener(ev, () => (last = null));

/** The current 28×28 digit: the drawing when there is one, else the chosen test digit. */
let current: Float32Array | null = null;
let sampleIndex = 0;
function drawingPixels(): Float32Array {
  const img = dg.getImageData(0, 0, draw.width, draw.height).data;
  const grey = new Float32Array(draw.width * draw.height);
  for (let i = 0; i < grey.length; i++) grey[i] = img[4 * i]! / 255;
  return preprocessDigit(grey, draw.width, draw.height);
}
function useSample(): void {
  if (!samples.length) return;
  const s = samples[sampleIndex++ % samples.length]!;
  const px = Float32Array.from(s.pixels, (v) => v / 255);
  // show the sample on the drawing canvas too, scaled up
  const tmp = el('canvas', { width: '28', height: '28' });
  paintHeat(tmp, px, 28, 28, { grey: true, range: [0, 1] });
  dg.imageSmoothingEnabled = true;
  dg.fillStyle = '#000';
  dg.fillRect(0, 0, draw.width, draw.height);
  dg.drawImage(tmp, 0, 0, draw.width, draw.height);
  drawn = false;
  current = px;
  $('inside-digit-note').textContent = `Test digit, labelled ${s.label}.`;
  predict();
}
let predictPending = false;
function schedulePredict(): void {
  if (predictPending) return;
  predictPending = true;
  requestAnimationFrame(() => {
    predictPending = false;
    if (drawn) {
      current = drawingPixels();
      $('inside-digit-note').textContent = 'Your drawing from the Draw tab.';
    }
    predict();
  });
}
function renderProbs(probs: number[] | null): void {
  const ol = $('probs');
  ol.textContent = '';
  const top = probs ? argmax(probs) : -1;
  for (let d = 0; d < 10; d++) {
    const p = probs?.[d] ?? 0;
    const bar = el('span');
    bar.style.width = `${(100 * p).toFixed(1)}%`;
    ol.append(el('li', { class: d === top ? 'best' : '', 'aria-label': `${d}: ${(100 * p).toFixed(1)}%` }, el('span', { text: String(d) }), el('span', { class: 'bar' }, bar), el('span', { class: 'pct', text: probs ? `${(100 * p).toFixed(1)}%` : '–' })));
  }
}
function predict(): void {
  if (current) paintHeat($canvas('draw-28'), current, 28, 28, { grey: true, range: [0, 1] });
  const ds = $('draw-status');
  if (!pageModel) {
    ds.textContent = 'No model yet: start training in the Train tab (a few hundred steps are enough).';
    return;
  }
  ds.textContent = `Model ${pageModel.name}, weights from training step ${pageModel.step}${pageModel.step === 0 ? ' (untrained: random guesses)' : ''}.`;
  if (!current || current.every((v) => v === 0)) {
    ds.textContent += ' Draw a digit to see its class probabilities.';
    return;
  }
  try {
    const probs = softmax(pageModel.logits(current));
    const digit = argmax(probs);
    state.prediction = { digit, probability: probs[digit]!, probs };
    $('prediction').textContent = `${digit} (${(100 * probs[digit]!).toFixed(1)}%)`;
    renderProbs(probs);
  } catch (err) {
    ds.textContent = `Prediction failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (!$('panel-inside').hidden) renderInside();
}
$('btn-clear').addEventListener('click', clearDrawing);
$('btn-sample').addEventListener('click', useSample);
$('btn-inside-sample').addEventListener('click', () => {
  useSample();
  renderInside();
});
clearDrawing();
onShow.set('tab-draw', predict);

// ---- Inside panel ------------------------------------------------------------------------------

function renderInside(): void {
  const st = $('inside-status');
  if (!current && samples.length) useSample();
  if (current) paintHeat($canvas('inside-digit'), current, 28, 28, { grey: true, range: [0, 1] });
  if (diagnostics) renderDiagnostics($('diagnostics'), diagnostics.report, diagnostics.step);
  if (!pageModel) {
    st.textContent = samples.length ? 'No model yet: start training in the Train tab; the filters and activation maps appear with the first weights.' : 'Loading the digits…';
    return;
  }
  st.textContent = `Model ${pageModel.name} at training step ${pageModel.step}.`;
  renderFilters($('filters'), pageModel);
  renderActivations($('activations'), pageModel, current);
}
onShow.set('tab-inside', renderInside);

// ---- Conv lab and start-up -----------------------------------------------------------------

initConvLab((s) => (state.labOutSize = s));
addEventListener('error', (e) => state.errors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => state.errors.push(String(e.reason)));
const initial = tabs.findIndex((t) => t.id === `tab-${location.hash.slice(1)}`);
selectTab(initial >= 0 ? initial : 0, false);
