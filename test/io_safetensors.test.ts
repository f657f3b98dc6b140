/** Safetensors checkpoints: exact bytes, round trips, corrupt files, and crash-safe saving. */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, Tensor, ValueError, full, tensor } from '../src/index.js';
import { parseSafetensors, serializeSafetensors } from '../src/data/index.js';
import { load, save } from '../src/io/index.js';
import { ROOT, assertThrowsTyped } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'convkit-st-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const enc = new TextEncoder();

/** A file from a header text (padded to 8 bytes like the writer does) and `data` bytes. */
function forge(header: string, data: Uint8Array | number = 0, lengthField?: bigint): Uint8Array {
  const h = enc.encode(header + ' '.repeat((8 - (enc.encode(header).length % 8)) % 8));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.length + body.length);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(body, 8 + h.length);
  return out;
}

/** Little-endian bytes of values written with DataView (independent of the typed-array path). */
function le(kind: 'f32' | 'f64' | 'i32', values: number[]): Uint8Array {
  const size = kind === 'f64' ? 8 : 4;
  const v = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((x, i) => (kind === 'f64' ? v.setFloat64(i * 8, x, true) : kind === 'f32' ? v.setFloat32(i * 4, x, true) : v.setInt32(i * 4, x, true)));
  return new Uint8Array(v.buffer);
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

function sameBits(a: Tensor, b: Tensor, what: string): void {
  assert.equal(a.dtype, b.dtype, `${what}: dtype`);
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shape`);
  for (let i = 0; i < a.numel; i++) assert.ok(Object.is(a.data[i], b.data[i]), `${what}[${i}]: ${a.data[i]} vs ${b.data[i]}`);
}

describe('safetensors bytes', () => {
  it('matches the reference implementation published byte sequences', () => {
    // the three examples of the reference writer's own tests
    const attn = serializeSafetensors({ 'attn.0': tensor([[[0, 1, 2], [3, 4, 5]]]) });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    assert.equal(enc.encode(header).length, 64, 'already a multiple of 8: no padding');
    assert.deepEqual(attn, concat(le('i32', [64, 0]), enc.encode(header), le('f32', [0, 1, 2, 3, 4, 5])));
    assert.deepEqual(serializeSafetensors({}), concat(le('i32', [8, 0]), enc.encode('{}      ')));
    assert.deepEqual(serializeSafetensors({}, { framework: 'pt' }), concat(le('i32', [40, 0]), enc.encode('{"__metadata__":{"framework":"pt"}}     ')));
  });

  it('orders tensors F64, F32, I32 then by name, metadata first with sorted keys, as a hand-written header', () => {
    const bytes = serializeSafetensors(
      { z: tensor([], { dtype: 'float32' }), idx: tensor([7, -1, 2], { dtype: 'int32' }), a: tensor([[1, 2], [3, 4]]), b64: tensor([0.5, -2], { dtype: 'float64' }) },
      { format: 'pt', epoch: '3' },
    );
    const header =
      '{"__metadata__":{"epoch":"3","format":"pt"},' +
      '"b64":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},' +
      '"a":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]},' +
      '"z":{"dtype":"F32","shape":[0],"data_offsets":[32,32]},' +
      '"idx":{"dtype":"I32","shape":[3],"data_offsets":[32,44]}}';
    const expected = forge(header, concat(le('f64', [0.5, -2]), le('f32', [1, 2, 3, 4]), le('i32', [7, -1, 2])));
    assert.equal((expected.length - 44) % 8, 0, 'header padded so the data starts 8-aligned');
    assert.deepEqual(bytes, expected);
  });

  it('writes byte-identical files to an independent Python writer, and reads them', () => {
    const ref = new Uint8Array(readFileSync(new URL('test/fixtures/io/reference.safetensors', ROOT)));
    const { tensors, metadata } = parseSafetensors(ref);
    assert.deepEqual(metadata, { epoch: '7', format: 'pt' });
    assert.deepEqual(Object.keys(tensors), ['fc.b64', 'conv1.bias', 'conv1.weight', 'empty', 'ünïcøde', 'labels', 'steps']);
    sameBits(tensors['conv1.weight']!, tensor([-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75], { shape: [2, 1, 2, 2] }), 'conv1.weight');
    sameBits(tensors['conv1.bias']!, tensor([0.1, -0.2]), 'conv1.bias');
    sameBits(tensors['fc.b64']!, tensor([1 / 3, -0, 1e-310], { dtype: 'float64' }), 'fc.b64');
    sameBits(tensors['steps']!, new Tensor(Int32Array.of(123456), []), 'steps');
    sameBits(tensors['labels']!, tensor([-(2 ** 31), 2 ** 31 - 1, 0], { dtype: 'int32' }), 'labels');
    sameBits(tensors['empty']!, new Tensor(new Float32Array(0), [0, 3]), 'empty');
    sameBits(tensors['ünïcøde']!, tensor([2.5]), 'ünïcøde');
    // insertion order must not matter to the writer
    const shuffled = Object.fromEntries(Object.entries(tensors).reverse());
    assert.deepEqual(serializeSafetensors(shuffled, { format: 'pt', epoch: '7' }), ref);
  });
});

describe('save / load', () => {
  it('round-trips float32, float64, int32, 0-d and empty tensors with metadata, bit for bit', () => {
    const sd: Record<string, Tensor> = {
      'conv.weight': tensor(Array.from({ length: 24 }, (_, i) => Math.sin(i) * 1e3), { shape: [2, 3, 2, 2] }),
      'bn.var': tensor([NaN, -0, Infinity, -Infinity, 5e-324, Number.MAX_VALUE], { dtype: 'float64' }),
      step: new Tensor(Int32Array.of(-2147483648), []),
      counts: tensor([2147483647, -5, 0], { dtype: 'int32' }),
      none: new Tensor(new Float64Array(0), [3, 0]),
      '0': tensor([1]),
      __proto__x: tensor([2]),
    };
    const meta = { epoch: '12', note: 'ünïcode ✓ "quoted"\n', '': 'empty key' };
    const path = join(dir, 'model.safetensors');
    save(sd, path, meta);
    const { tensors, metadata } = load(path);
    assert.deepEqual(metadata, meta);
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(sd).sort());
    for (const [k, t] of Object.entries(sd)) sameBits(tensors[k]!, t, k);
    assert.equal(tensors['conv.weight']!.requiresGrad, false);
    const round = parseSafetensors(serializeSafetensors(sd, meta));
    for (const [k, t] of Object.entries(sd)) sameBits(round.tensors[k]!, t, `parse ${k}`);
    assert.deepEqual(load(join(dir, 'model.safetensors')).metadata, meta);
    save({}, path);
    assert.deepEqual(load(path), { tensors: {}, metadata: {} });
  });

  it('keeps a tensor named "__proto__" as data, never as a prototype', () => {
    const bytes = forge('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', le('f32', [3]));
    const { tensors } = parseSafetensors(bytes);
    assert.equal(Object.getPrototypeOf(tensors), Object.prototype);
    assert.ok(Object.hasOwn(tensors, '__proto__'));
    assert.deepEqual([...Object.getOwnPropertyDescriptor(tensors, '__proto__')!.value.data], [3]);
  });

  it('rejects bad arguments with ValueErrors', () => {
    assertThrowsTyped(() => save({ w: [1, 2] as never }, join(dir, 'x.safetensors')), ValueError, 'save: stateDict["w"] must be a Tensor, got [1, 2]');
    assertThrowsTyped(() => save({ w: tensor([1]) }, join(dir, 'x.safetensors'), { epoch: 3 } as never), ValueError, 'save: metadata["epoch"] must be a string, got 3');
    assertThrowsTyped(() => save({ __metadata__: tensor([1]) }, join(dir, 'x.safetensors')), ValueError, 'save: "__metadata__" is reserved by the safetensors format and cannot name a tensor');
    assertThrowsTyped(() => save({}, join(dir, 'no', 'such', 'dir', 'x.safetensors')), ValueError, `save: directory ${join(dir, 'no', 'such', 'dir')} does not exist`);
    assertThrowsTyped(() => load(join(dir, 'missing.safetensors')), ValueError, `load: no such file: ${join(dir, 'missing.safetensors')}`);
    assertThrowsTyped(() => load(dir), ValueError, `load: ${dir} is a directory, not a file`);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'failed saves leave no temporary file');
  });
});

describe('corrupt safetensors files', () => {
  const good = () => serializeSafetensors({ a: tensor([[1, 2], [3, 4]]) });
  const A = '"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}';
  const P = 'parseSafetensors: ';

  it('a truncated file names the tensor whose data is cut off, from bytes and from a file', () => {
    const bytes = good();
    assertThrowsTyped(() => parseSafetensors(bytes.subarray(0, bytes.length - 4)), FormatError, `${P}tensor "a" data_offsets [0, 16] run past the end of the data buffer (12 bytes); is the file truncated?`);
    const path = join(dir, 'truncated.safetensors');
    writeFileSync(path, bytes.subarray(0, bytes.length - 4));
    assertThrowsTyped(() => load(path), FormatError, `load: ${path}: tensor "a" data_offsets [0, 16] run past the end of the data buffer (12 bytes); is the file truncated?`);
    writeFileSync(path, bytes.subarray(0, 30));
    assertThrowsTyped(() => load(path), FormatError, `load: ${path}: header length 64 runs past the end of the file (30 bytes, so at most 22); is the file truncated?`);
    writeFileSync(path, bytes.subarray(0, 5));
    assertThrowsTyped(() => load(path), FormatError, `load: ${path}: 5 bytes is too short for a safetensors file (the first 8 bytes hold the header length)`);
  });

  it('bounds the header length before reading it', () => {
    assertThrowsTyped(() => parseSafetensors(forge(`{${A}}`, 16, 2n ** 40n)), FormatError, `${P}header length 1099511627776 exceeds the 100000000-byte limit (not a safetensors file?)`);
    assertThrowsTyped(() => parseSafetensors(forge(`{${A}}`, 16, 2n ** 64n - 1n)), FormatError, /header length 18446744073709551615 exceeds the 100000000-byte limit/);
    assertThrowsTyped(() => parseSafetensors(forge(`{${A}}`, 16, 200n)), FormatError, `${P}header length 200 runs past the end of the file (88 bytes, so at most 80); is the file truncated?`);
  });

  it('rejects headers that are not UTF-8 JSON objects', () => {
    assertThrowsTyped(() => parseSafetensors(forge(`{${A}`, 16)), FormatError, /^parseSafetensors: header is not valid JSON \(.+\)$/);
    assertThrowsTyped(() => parseSafetensors(forge('[1, 2]', 0)), FormatError, `${P}header does not start with "{" (not a safetensors file?)`);
    const bad = forge(`{${A}}`, 16);
    bad[12] = 0xff;
    assertThrowsTyped(() => parseSafetensors(bad), FormatError, `${P}header is not valid UTF-8`);
    assertThrowsTyped(() => parseSafetensors(forge('{"__metadata__":{"epoch":3}}')), FormatError, `${P}"__metadata__" must map strings to strings, but key "epoch" holds 3`);
    assertThrowsTyped(() => parseSafetensors(forge('{"a":[1,2]}')), FormatError, `${P}tensor "a": header entry must be an object with dtype, shape and data_offsets, got [1, 2]`);
  });

  it('checks each dtype, shape and offset pair', () => {
    assertThrowsTyped(() => parseSafetensors(forge('{"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}', 2)), FormatError, `${P}tensor "a" has dtype "F8_E4M3", which convkit cannot load (it reads BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64)`);
    assertThrowsTyped(() => parseSafetensors(forge('{"a":{"shape":[2],"data_offsets":[0,8]}}', 8)), FormatError, /tensor "a" has dtype undefined, which convkit cannot load/);
    assertThrowsTyped(() => parseSafetensors(forge('{"a":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,8]}}', 8)), FormatError, `${P}tensor "a" has shape [2, -1]; expected an array of non-negative integers`);
    assertThrowsTyped(() => parseSafetensors(forge('{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', 8)), FormatError, `${P}tensor "a" has data_offsets [8, 0]; expected [begin, end] with integers 0 <= begin <= end`);
    assertThrowsTyped(() => parseSafetensors(forge('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8.5]}}', 8)), FormatError, /data_offsets \[0, 8.5\]; expected \[begin, end\]/);
    assertThrowsTyped(() => parseSafetensors(forge('{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}', 12)), FormatError, `${P}tensor "a" has data_offsets [0, 12] (12 bytes) but F32 shape [2, 2] needs 16 bytes`);
    assertThrowsTyped(() => parseSafetensors(forge('{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}', 8)), FormatError, /F64 shape \[4294967296, 4294967296\] needs 147573952589676410000 bytes/);
    assertThrowsTyped(() => parseSafetensors(forge('{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}', 4)), FormatError, `${P}tensor "a" data_offsets [0, 8] run past the end of the data buffer (4 bytes); is the file truncated?`);
  });

  it('requires the tensors to tile the data buffer: no overlap, no gap, nothing after', () => {
    const two = (a: string, b: string, n: number) => parseSafetensors(forge(`{"a":{"dtype":"F32","shape":[4],"data_offsets":${a}},"b":{"dtype":"F32","shape":[4],"data_offsets":${b}}}`, n));
    assert.equal(Object.keys(two('[16,32]', '[0,16]', 32).tensors).join(), 'b,a', 'any header order, sorted by offset');
    assertThrowsTyped(() => two('[0,16]', '[8,24]', 24), FormatError, `${P}tensors "a" [0, 16] and "b" [8, 24] overlap`);
    assertThrowsTyped(() => two('[0,16]', '[0,16]', 16), FormatError, `${P}tensors "a" [0, 16] and "b" [0, 16] overlap`);
    assertThrowsTyped(() => two('[0,16]', '[24,40]', 40), FormatError, `${P}bytes [16, 24) of the data buffer belong to no tensor`);
    assertThrowsTyped(() => two('[8,24]', '[24,40]', 40), FormatError, `${P}bytes [0, 8) of the data buffer belong to no tensor`);
    assertThrowsTyped(() => two('[0,16]', '[16,32]', 40), FormatError, `${P}bytes [32, 40) of the data buffer belong to no tensor`);
    assertThrowsTyped(() => parseSafetensors(forge('{}', 3)), FormatError, `${P}bytes [0, 3) of the data buffer belong to no tensor`);
  });
});

describe('atomic save', () => {
  const ioUrl = new URL('../src/io/index.js', import.meta.url).href;
  const creationUrl = new URL('../src/creation.js', import.meta.url).href;

  /** Runs `code` in a child node; resolves on its first stdout line or its exit. */
  function child(code: string) {
    const script = join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(script, code);
    const proc = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((res) => proc.on('exit', (c) => res(c)));
    const line = new Promise<string>((res) => {
      let out = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) res(out.split('\n')[0]!);
      });
      void exited.then(() => res(`exited: ${err}`));
    });
    return { proc, line, exited };
  }

  const oldTensors = () => ({ w: full([1000], 1), b: tensor([1, 2, 3], { dtype: 'int32' }) });

  it('a save killed mid-write leaves the previous checkpoint intact', async () => {
    const sub = mkdtempSync(join(dir, 'kill-'));
    const target = join(sub, 'ckpt.safetensors');
    save(oldTensors(), target, { version: 'old' });
    const before = readFileSync(target);
    // the child pauses inside its second write(2) call (the header was the first): that is where
    // SIGKILL lands, with the temporary file half written
    const { proc, line, exited } = child(`
      import fs from 'node:fs';
      import { syncBuiltinESMExports } from 'node:module';
      const write = fs.writeSync;
      let calls = 0;
      fs.writeSync = function (...args) {
        const r = write.apply(this, args);
        if (++calls === 2) { write(1, 'MID\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000); }
        return r;
      };
      syncBuiltinESMExports();
      const { save } = await import(${JSON.stringify(ioUrl)});
      const { full } = await import(${JSON.stringify(creationUrl)});
      save({ w: full([16 * 1024 * 1024], 2) }, ${JSON.stringify(target)}, { version: 'new' });
      write(1, 'DONE\\n');
    `);
    assert.equal(await line, 'MID');
    const temps = readdirSync(sub).filter((f) => f !== 'ckpt.safetensors');
    assert.equal(temps.length, 1, `one temporary file while writing: ${temps}`);
    const tmp = join(sub, temps[0]!);
    assert.match(temps[0]!, /^\.ckpt\.safetensors\.\d+\.[0-9a-f]{12}\.tmp$/);
    assert.ok(statSync(tmp).size < 64 * 1024 * 1024, 'killed before the data was complete');
    proc.kill('SIGKILL');
    await exited;
    assert.deepEqual(readFileSync(target), before, 'the checkpoint is byte-for-byte the old one');
    const { tensors, metadata } = load(target);
    assert.equal(metadata.version, 'old');
    assert.deepEqual([...tensors.b!.data], [1, 2, 3]);
    assert.ok(tensors.w!.data.every((v) => v === 1));
    assertThrowsTyped(() => load(tmp), FormatError, /run past the end of the data buffer .*is the file truncated\?$/);
  });

  it('a process killed at a random moment while saving in a loop always leaves a complete checkpoint', async () => {
    const sub = mkdtempSync(join(dir, 'loop-'));
    const target = join(sub, 'ckpt.safetensors');
    save(oldTensors(), target, { version: '0' });
    const { proc, line, exited } = child(`
      const { save } = await import(${JSON.stringify(ioUrl)});
      const { full } = await import(${JSON.stringify(creationUrl)});
      for (let v = 1; v <= 200; v++) {
        save({ w: full([4 * 1024 * 1024], v) }, ${JSON.stringify(target)}, { version: String(v) });
        if (v === 1) process.stdout.write('SAVED\\n');
      }
    `);
    assert.equal(await line, 'SAVED');
    await new Promise((res) => setTimeout(res, 50 + Math.random() * 150));
    proc.kill('SIGKILL');
    await exited;
    const { tensors, metadata } = load(target);
    const v = Number(metadata.version);
    assert.ok(v >= 1, `version ${metadata.version}`);
    assert.equal(tensors.w!.numel, 4 * 1024 * 1024);
    assert.ok(tensors.w!.data.every((x) => x === v), 'data and metadata come from the same save');
  });
});
