/**
 * Where a tensor's values live (docs/STORAGE.md). A `Storage` holds its values as at most one
 * host copy (a typed array) and at most one device copy (a buffer of a `Device`: the WebAssembly
 * heap, a GPU). All copies it holds are equal; a write leaves one copy, on the device that wrote,
 * and bumps `version`. Device buffers are freed when the storage is garbage-collected
 * (FinalizationRegistry), when a write replaces them, or when a device spills them to JavaScript
 * memory to stay under its high-water mark (see `Device.spilled`).
 */
import type { DType, Data } from './dtype.js';
import { BackendError } from './errors.js';

/** A place buffers live. `B` is its buffer handle (an object: storages key their finalizers by it). */
export interface Device<B = unknown> {
  readonly name: string;
  /** A buffer of `n` elements of `dtype` (contents undefined), or null when the device is out of memory. */
  alloc(dtype: DType, n: number): B | null;
  /** A buffer holding a copy of `src`, or null when the device is out of memory. */
  upload(src: Data): B | null;
  /** Whether `readSync` works here (false where reads are asynchronous only, as on a GPU). */
  readonly syncReads: boolean;
  /** A fresh host array with the buffer's values (only where `syncReads`). */
  readSync(b: B, dtype: DType, n: number): Data;
  /** The buffer's values in a fresh host array. */
  read(b: B, dtype: DType, n: number): Promise<Data>;
  free(b: B): void;
  /** Marks the buffer as used by the op being dispatched (least-recently-used bookkeeping). */
  touch(b: B): void;
  /** An in-place op wrote the buffer: data the device derived from it (caches) is stale. */
  written(b: B): void;
  /** The host array a buffer was spilled to (the buffer is then gone from the device), else null. */
  spilled(b: B): Data | null;
  /**
   * What the finalizer of a storage holds to free `b` later. It must not keep `b`'s memory (or a
   * spilled copy of it) reachable: the registry holds it until finalizers run, which in a loop that
   * never yields is never. The wasm device gives a block number; a GPU device may give the buffer.
   */
  finalizerToken(b: B): unknown;
  /** Frees the buffer behind a finalizer token, if it is still allocated. */
  finalize(token: unknown): void;
  /** An op is being dispatched to this device (buffers it touches from now on are in use). */
  beginOp(): void;
  /** Live buffers and bytes, and whatever else the device counts (see `memoryStats`). */
  stats(): DeviceStats;
  /** Live bytes above which the device spills least-recently-used buffers to JavaScript memory. */
  setHighWater(bytes: number): void;
}

export interface DeviceStats {
  /** Buffers holding tensors or kernel scratch, and their bytes. */
  readonly liveBuffers: number;
  readonly liveBytes: number;
  readonly [k: string]: number;
}

/** Storages made on devices while `collectBirths` runs (null: not collecting). */
let births: Storage[] | null = null;

/**
 * Runs `fn` and returns the device storages created meanwhile, for a caller that knows which of
 * them nothing outside can reach (the backward pass releases its internal gradients this way).
 */
export function collectBirths<T>(fn: () => T): [T, Storage[]] {
  const prev = births;
  const mine: Storage[] = [];
  births = mine;
  try {
    return [fn(), mine];
  } finally {
    births = prev;
    prev?.push(...mine);
  }
}

/** Copies between devices, counted by `from->to` (kernels that ran elsewhere than their inputs). */
const moveCounts = new Map<string, { count: number; bytes: number }>();

function countMove(from: string, to: string, bytes: number): void {
  const key = `${from}->${to}`;
  const m = moveCounts.get(key);
  if (m) {
    m.count++;
    m.bytes += bytes;
  } else moveCounts.set(key, { count: 1, bytes });
}

/** The moves counted so far, e.g. `{ 'wasm->host': { count: 3, bytes: 1200 } }`. */
export function moveStats(): Record<string, { count: number; bytes: number }> {
  const out: Record<string, { count: number; bytes: number }> = {};
  for (const [k, v] of moveCounts) out[k] = { ...v };
  return out;
}

export function resetMoveStats(): void {
  moveCounts.clear();
}

/** A storage's device copy: the buffer and its device. */
interface Held {
  device: Device<unknown> | null;
  buf: unknown;
}

/**
 * Frees the device copies of collected storages: one registry per device, holding only the
 * device's finalizer token (a small number on wasm), so that each registration costs its cell
 * alone. Registrations are keyed by the device buffer (an object), so a device that drops a buffer
 * on its own (a spill) can end the registration: in a loop that never yields, finalizers never run
 * and every registration left in place would stay in memory until the loop ends.
 */
const registries = new Map<Device<unknown>, FinalizationRegistry<unknown>>();
function registryOf(device: Device<unknown>): FinalizationRegistry<unknown> {
  let r = registries.get(device);
  if (!r) registries.set(device, (r = new FinalizationRegistry<unknown>((token) => device.finalize(token))));
  return r;
}

/** A device spilled or freed `buf` itself: its storage's finalizer has nothing left to free. */
export function forgetBuffer(buf: object): void {
  for (const r of registries.values()) r.unregister(buf);
}

function byteSize(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/** A buffer a kernel reads, and whether it is a temporary copy to free after the kernel. */
export interface Acquired<B> {
  readonly buf: B;
  readonly temp: boolean;
}

export class Storage {
  readonly dtype: DType;
  readonly length: number;
  /** Bumped by every write (in-place ops); caches of derived data key on it. */
  version = 0;
  /**
   * True once `.data` handed the host array to user code: from then on that array is the only
   * copy (the user may write into it at any time), so other devices get a temporary copy per use
   * and in-place writes made elsewhere are copied back into it.
   */
  exposed = false;
  private host: Data | null;
  /** The device copy (device null: none). Shared with the finalizer. */
  private readonly held: Held = { device: null, buf: null };

  private constructor(dtype: DType, length: number, host: Data | null) {
    this.dtype = dtype;
    this.length = length;
    this.host = host;
  }

  /** A storage whose values are `data` (not copied). */
  static fromHost(data: Data, dtype: DType): Storage {
    return new Storage(dtype, data.length, data);
  }

  /**
   * A storage over elements [begin, end) of this one's values, sharing memory (PyTorch's views of
   * a dataset's rows). Both are exposed: the shared host array is then the only copy of either.
   */
  slice(begin: number, end: number): Storage {
    const s = new Storage(this.dtype, end - begin, this.expose('view').subarray(begin, end));
    s.exposed = true;
    return s;
  }

  /** A storage whose values are `buf` on `device` (ownership passes to the storage). */
  static onDevice<B>(device: Device<B>, buf: B, dtype: DType, length: number): Storage {
    const s = new Storage(dtype, length, null);
    s.setDevice(device, buf);
    births?.push(s);
    return s;
  }

  /** Where the values are now: 'host' or a device name (the device copy wins when both exist). */
  get location(): string {
    this.adoptSpill();
    return this.held.device ? this.held.device.name : 'host';
  }

  private setDevice(device: Device<unknown> | null, buf: unknown): void {
    const h = this.held;
    if (h.device) {
      registryOf(h.device).unregister(h.buf as object);
      h.device.free(h.buf);
    }
    h.device = device;
    h.buf = buf;
    if (device) registryOf(device).register(this, device.finalizerToken(buf), buf as object);
  }

  /** A device that spilled our buffer handed its values to JavaScript memory: they are our host copy now. */
  private adoptSpill(): void {
    const h = this.held;
    if (!h.device) return;
    const d = h.device.spilled(h.buf);
    if (d === null) return;
    registryOf(h.device).unregister(h.buf as object);
    h.device = null;
    h.buf = null;
    this.host ??= d;
  }

  /**
   * The values as a host array, read back if needed (and kept while unwritten). Callers must not
   * write into it. Throws where the device reads asynchronously only.
   */
  hostSync(op = 'read'): Data {
    this.checkAlive(op);
    this.adoptSpill();
    if (this.host) return this.host;
    const h = this.held;
    const dev = h.device!;
    if (!dev.syncReads) {
      throw new BackendError({
        op,
        arg: 'tensor',
        expected: 'a tensor whose values can be read synchronously',
        got: `a tensor on ${dev.name}, which reads asynchronously`,
        message: `${op}: the tensor lives on ${dev.name}, whose values can only be read asynchronously: use \`await t.read()\` or \`await t.array()\``,
      });
    }
    const d = dev.readSync(h.buf, this.dtype, this.length);
    countMove(dev.name, 'host', d.byteLength);
    this.host = d;
    return d;
  }

  /** The values in a fresh host array (never aliased with this storage). */
  async read(): Promise<Data> {
    this.checkAlive('read');
    this.adoptSpill();
    if (this.host) return this.host.slice();
    const h = this.held;
    return h.device!.read(h.buf, this.dtype, this.length);
  }

  /**
   * Brings the device copy's values into a host copy, asynchronously (so it works on a GPU), kept
   * beside the device copy while the storage is unwritten: synchronous reads then work.
   */
  async fetch(): Promise<void> {
    this.checkAlive('fetch');
    this.adoptSpill();
    const h = this.held;
    if (this.host || !h.device) return;
    const [device, buf, version] = [h.device, h.buf, this.version];
    const d = await device.read(buf, this.dtype, this.length);
    // a write while the read was in flight made these values stale: keep none
    if (this.version !== version || this.held.buf !== buf || this.host) return;
    countMove(device.name, 'host', d.byteLength);
    this.host = d;
  }

  /**
   * Library code writing values from JavaScript (initialisers, loaders): `fn` fills the host array,
   * which becomes the only copy; the version is bumped. Unlike `.data`, the storage is not exposed.
   */
  writeHost(fn: (d: Data) => void): void {
    const d = this.hostSync('write');
    this.setDevice(null, null);
    fn(d);
    this.version++;
  }

  /** `.data`: the host array becomes the only copy and belongs to user code too (see `exposed`). */
  expose(op = 'data'): Data {
    const d = this.hostSync(op);
    this.setDevice(null, null);
    this.exposed = true;
    return d;
  }

  /**
   * The buffer a kernel on `device` reads (`null`: the host). A copy already there is used; else
   * the values move there (counted) and the copy is kept — unless the storage is exposed, when the
   * copy is temporary and the caller frees it after the kernel.
   */
  acquire<B>(device: Device<B> | null): Acquired<B | Data> | null {
    this.checkAlive('acquire');
    this.adoptSpill();
    const h = this.held;
    if (device === null) return { buf: this.hostSync(), temp: false };
    if (h.device === device) {
      device.touch(h.buf as B);
      return { buf: h.buf as B, temp: false };
    }
    const src = this.hostSync();
    const b = device.upload(src);
    if (b === null) return null;
    countMove('host', device.name, src.byteLength);
    if (this.exposed) return { buf: b, temp: true };
    this.setDevice(device, b);
    return { buf: b, temp: false };
  }

  /**
   * After an in-place kernel on `device` wrote `buf` (which `acquire` returned): that write is now
   * the only copy. An exposed storage copies it back into its host array.
   */
  wrote<B>(device: Device<B> | null, buf: B | Data, temp: boolean): void {
    this.version++;
    if (device === null) {
      this.setDevice(null, null);
      return;
    }
    if (this.exposed) {
      // the dispatcher runs in-place ops on exposed storages only where reads are synchronous
      this.host!.set(device.readSync(buf as B, this.dtype, this.length));
      if (temp) device.free(buf as B);
      return;
    }
    device.written(buf as B);
    this.host = null;
  }

  /**
   * Frees every copy now, for storages the library knows nothing can reach any more (gradients
   * internal to a backward pass). A later read is a BackendError, never stale values.
   */
  release(): void {
    this.setDevice(null, null);
    this.host = null;
    this.released = true;
  }

  private released = false;

  private checkAlive(op: string): void {
    if (this.released) {
      throw new BackendError({
        op,
        arg: 'tensor',
        expected: 'a live tensor',
        got: 'a tensor whose memory convkit released',
        message: `${op}: this tensor's memory was released after the backward pass that made it (an internal gradient); this is a convkit bug, please report it`,
      });
    }
  }

  /** Bytes of one copy. */
  get bytes(): number {
    return this.length * byteSize(this.dtype);
  }
}
