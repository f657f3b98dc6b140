/**
 * One GPU device and everything around it: the buffer pool, pipelines, and the command batch.
 *
 * Kernels never wait for the GPU. Each dispatch is recorded into one open command encoder (one
 * compute pass; WebGPU orders the dispatches of a pass), with its parameters in a host-side
 * uniform arena. The batch is submitted when a value is read back, or every `BATCH` dispatches
 * (submitting does not wait). So a training step synchronises once, when its loss is read.
 *
 * Errors are asynchronous on a GPU: validation, out-of-memory and internal errors are caught by
 * error scopes that stay open between submissions and are collected at every submission; the next
 * read awaits them and throws a BackendError instead of returning values. A lost device makes
 * every later call throw.
 */
import type { DType } from '../../dtype.js';
import { BackendError } from '../../errors.js';
import { BufferPool, MAP_READ, USAGE } from './buffer_pool.js';
import type { PoolStats } from './buffer_pool.js';
import type { Program } from './program.js';
import { packParams } from './program.js';

/** A tensor's buffer on the GPU: float32 or int32 values, `n` of them, from `owner`'s device. */
export interface GpuBuf {
  readonly buffer: GPUBuffer;
  readonly dtype: DType;
  readonly n: number;
  /** The runtime that allocated it (after a device loss, buffers of the old device are only dropped). */
  readonly owner: GpuRuntime;
  /** Set by `free`: a second free (a finalizer after an explicit free) is ignored. */
  freed: boolean;
}

export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  /** True for a software adapter (SwiftShader, WARP): correct, not fast. */
  readonly fallback: boolean;
}

/** Dispatches per submission: large enough to amortise a submit, small enough to start the GPU early. */
const BATCH = 256;
const UNIFORM_CHUNK = 64 * 1024;
const SCOPES: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];
/** The check flag with nothing recorded: code 0, lowest index "none". */
const CHECK_CLEAR = new Uint32Array([0, 0xffffffff, 0, 0]);

export class GpuRuntime {
  readonly pool: BufferPool;
  private readonly staging: BufferPool;
  /** Largest number of workgroups in one dispatch dimension. */
  readonly maxGroups: number;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatches = 0;
  private readonly uniformAlign: number;
  private readonly chunks: { buffer: GPUBuffer; host: ArrayBuffer; view: DataView }[] = [];
  private chunk = 0;
  private chunkUsed = 0;
  private checks: Promise<(GPUError | null)[]>[] = [];
  private readonly uncaptured: GPUError[] = [];
  private lostReason: string | null = null;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly layouts = new Map<string, [GPUBindGroupLayout, GPUPipelineLayout]>();
  /** Dispatches and submissions so far (tests count synchronisations with these). */
  readonly counters = { dispatches: 0, submits: 0, reads: 0 };
  /**
   * Device-side checks (value checks a shape rule cannot make without reading GPU memory): a
   * kernel that finds a bad element records [check code, lowest bad flat index] here with atomics,
   * and the next read throws that check's error instead of returning values.
   */
  readonly checkFlag: GPUBuffer;
  private readonly checkErrors: ((index: number) => Error)[] = [];

  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
  ) {
    const lim = device.limits;
    const maxBytes = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize);
    this.pool = new BufferPool(device, USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, maxBytes, 256 * 1024 * 1024);
    this.staging = new BufferPool(device, USAGE.MAP_READ | USAGE.COPY_DST, maxBytes, 64 * 1024 * 1024);
    this.maxGroups = lim.maxComputeWorkgroupsPerDimension;
    this.uniformAlign = lim.minUniformBufferOffsetAlignment;
    void device.lost.then((info) => {
      this.lostReason = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    });
    this.checkFlag = device.createBuffer({ size: 16, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, mappedAtCreation: true });
    new Uint32Array(this.checkFlag.getMappedRange()).set(CHECK_CLEAR);
    this.checkFlag.unmap();
    device.addEventListener('uncapturederror', (e) => {
      this.uncaptured.push((e as GPUUncapturedErrorEvent).error);
    });
    this.openScopes();
  }

  get lost(): boolean {
    return this.lostReason !== null;
  }

  /** Throws when the device can no longer run anything. */
  check(op: string): void {
    if (this.lostReason !== null) {
      throw new BackendError({
        op,
        arg: 'device',
        expected: 'a live GPU device',
        got: `a lost device (${this.lostReason})`,
        message: `${op}: the WebGPU device was lost (${this.lostReason}); select the backend again with setBackend("webgpu") or use another backend`,
      });
    }
  }

  // ---- memory ------------------------------------------------------------------------------

  alloc(dtype: DType, n: number): GpuBuf {
    this.check('webgpu alloc');
    if (dtype === 'float64') {
      throw new BackendError({ op: 'webgpu', arg: 'dtype', expected: 'float32 or int32 (WebGPU has no float64)', got: 'float64' });
    }
    return { buffer: this.pool.acquire(n * 4), dtype, n, owner: this, freed: false };
  }

  /** A buffer holding `src`. Safe to write at once: see pool.ts on when freed buffers are reused. */
  upload(src: Float32Array | Int32Array): GpuBuf {
    const b = this.alloc(src instanceof Int32Array ? 'int32' : 'float32', src.length);
    if (src.length > 0) this.device.queue.writeBuffer(b.buffer, 0, src.buffer, src.byteOffset, src.byteLength);
    return b;
  }

  free(b: GpuBuf): void {
    if (b.freed || this.lostReason !== null || b.owner !== this) return;
    b.freed = true;
    this.pool.release(b.buffer);
    // with no commands recorded, nothing can still read it before a later write
    if (this.encoder === null) this.pool.commit();
  }

  stats(): PoolStats {
    return this.pool.snapshot();
  }

  // ---- recording ---------------------------------------------------------------------------

  private openScopes(): void {
    for (const s of SCOPES) this.device.pushErrorScope(s);
  }

  private encoderNow(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private passNow(): GPUComputePassEncoder {
    this.pass ??= this.encoderNow().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private layout(key: string): [GPUBindGroupLayout, GPUPipelineLayout] {
    let l = this.layouts.get(key);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [...key].map((c, i) => ({
        binding: i,
        visibility: 4, // GPUShaderStage.COMPUTE
        buffer: { type: c === 'w' ? 'storage' : 'read-only-storage' },
      }));
      entries.push({ binding: key.length, visibility: 4, buffer: { type: 'uniform' } });
      const bgl = this.device.createBindGroupLayout({ entries });
      l = [bgl, this.device.createPipelineLayout({ bindGroupLayouts: [bgl] })];
      this.layouts.set(key, l);
    }
    return l;
  }

  private pipeline(p: Program): GPUComputePipeline {
    let pl = this.pipelines.get(p.code);
    if (!pl) {
      const module = this.device.createShaderModule({ code: p.code, label: p.name });
      pl = this.device.createComputePipeline({ layout: this.layout(p.layout)[1], compute: { module, entryPoint: 'main' }, label: p.name });
      this.pipelines.set(p.code, pl);
    }
    return pl;
  }

  /** A slot of the uniform arena for `bytes` of parameters. */
  private uniformSlot(bytes: number): { buffer: GPUBuffer; view: DataView; offset: number } {
    const size = Math.ceil(bytes / this.uniformAlign) * this.uniformAlign;
    if (this.chunkUsed + size > UNIFORM_CHUNK) {
      this.chunk++;
      this.chunkUsed = 0;
    }
    if (this.chunk === this.chunks.length) {
      const host = new ArrayBuffer(UNIFORM_CHUNK);
      const buffer = this.device.createBuffer({ size: UNIFORM_CHUNK, usage: USAGE.UNIFORM | USAGE.COPY_DST });
      this.chunks.push({ buffer, host, view: new DataView(host) });
    }
    const c = this.chunks[this.chunk]!;
    const offset = this.chunkUsed;
    this.chunkUsed += size;
    return { buffer: c.buffer, view: c.view, offset };
  }

  /**
   * Records one dispatch of `p` over `groups` workgroups (linear; laid out as a 2-d grid), with
   * `buffers` bound in declaration order and `params` as its parameter block.
   */
  dispatch(p: Program, buffers: readonly GPUBuffer[], params: readonly number[], groups: number): void {
    this.check(p.name);
    if (groups === 0) return;
    const x = Math.min(groups, this.maxGroups);
    const y = Math.ceil(groups / x);
    if (y > this.maxGroups) {
      throw new BackendError({ op: p.name, arg: 'size', expected: `at most ${this.maxGroups ** 2} workgroups`, got: `${groups}` });
    }
    const pipeline = this.pipeline(p);
    const u = this.uniformSlot(p.paramBytes);
    packParams(p, params, u.view, u.offset);
    const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    entries.push({ binding: buffers.length, resource: { buffer: u.buffer, offset: u.offset, size: p.paramBytes } });
    const bind = this.device.createBindGroup({ layout: this.layout(p.layout)[0], entries });
    const pass = this.passNow();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(x, y);
    this.counters.dispatches++;
    if (++this.dispatches >= BATCH) this.flush();
  }

  /** Records a buffer-to-buffer copy (ordered with the dispatches around it). */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number, dstOffset = 0): void {
    this.check('webgpu copy');
    if (bytes === 0) return;
    this.endPass();
    this.encoderNow().copyBufferToBuffer(src, 0, dst, dstOffset, bytes);
  }

  /** Registers a device-side check; kernels record its code (see `checkFlag`). */
  registerCheck(error: (index: number) => Error): number {
    this.checkErrors.push(error);
    return this.checkErrors.length;
  }

  /** Submits what was recorded (does not wait), and collects the errors it raised. */
  flush(): void {
    if (this.encoder === null) return;
    this.endPass();
    for (let i = 0; i <= this.chunk && i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      const used = i < this.chunk ? UNIFORM_CHUNK : this.chunkUsed;
      // parameters reach the GPU before the commands that read them: writeBuffer precedes submit
      if (used > 0) this.device.queue.writeBuffer(c.buffer, 0, c.host, 0, used);
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.counters.submits++;
    this.encoder = null;
    this.dispatches = 0;
    this.chunk = 0;
    this.chunkUsed = 0;
    this.pool.commit();
    const popped = SCOPES.map(() => this.device.popErrorScope());
    this.checks.push(Promise.all(popped));
    this.openScopes();
  }

  /** Throws the first GPU error raised since the last check, as a BackendError. */
  private async raiseErrors(op: string): Promise<void> {
    const found = (await Promise.all(this.checks.splice(0))).flat().filter((e): e is GPUError => e !== null);
    found.push(...this.uncaptured.splice(0));
    const e = found[0];
    if (e) {
      const kind = e.constructor.name === 'GPUOutOfMemoryError' ? 'out of GPU memory' : e.constructor.name === 'GPUValidationError' ? 'a WebGPU validation error' : 'a GPU error';
      throw new BackendError({
        op,
        arg: 'kernel',
        expected: 'GPU commands that run without error',
        got: `${kind}: ${e.message}`,
        message: `${op}: ${kind} in work recorded before this read (its results are not valid): ${e.message}`,
      });
    }
    this.check(op);
  }

  /** Waits for everything recorded so far and raises any error it produced (a synchronisation). */
  async sync(op = 'webgpu sync'): Promise<void> {
    await this.fetch(null, 0, op);
  }

  /** The buffer's first `n` values in a fresh typed array, after all recorded work (asynchronous). */
  async read(b: GpuBuf, n = b.n): Promise<Float32Array | Int32Array> {
    this.counters.reads++;
    const out = await this.fetch(b.buffer, n * 4, 'read');
    return b.dtype === 'int32' ? new Int32Array(out) : new Float32Array(out);
  }

  /**
   * One synchronisation: submits everything recorded with a copy of `bytes` of `src` and of the
   * check flag into a staging buffer, maps it, then raises GPU errors and failed device checks.
   */
  private async fetch(src: GPUBuffer | null, bytes: number, op: string): Promise<ArrayBuffer> {
    this.check(op);
    const at = Math.ceil(bytes / 8) * 8;
    const st = this.staging.acquire(at + 8, 'read-back buffer');
    if (src) this.copy(src, st, bytes);
    this.copy(this.checkFlag, st, 8, at);
    this.flush();
    try {
      await st.mapAsync(MAP_READ, 0, at + 8);
    } catch (e) {
      this.check(op);
      throw new BackendError({ op, arg: 'tensor', expected: 'a readable GPU buffer', got: e instanceof Error ? e.message : String(e) });
    }
    const range = st.getMappedRange(0, at + 8);
    const out = range.slice(0, bytes);
    const [code, index] = new Uint32Array(range.slice(at, at + 8));
    st.unmap();
    this.staging.release(st);
    this.staging.commit();
    await this.raiseErrors(op);
    if (code) {
      this.device.queue.writeBuffer(this.checkFlag, 0, CHECK_CLEAR);
      throw this.checkErrors[code - 1]!(index!);
    }
    return out;
  }

  /** Destroys the device (every later call throws); frees every buffer with it. */
  destroy(): void {
    if (this.lostReason !== null) return;
    this.encoder = null;
    this.pass = null;
    this.device.destroy();
    this.lostReason ??= 'destroyed';
  }
}
