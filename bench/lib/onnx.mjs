// A minimal protobuf writer for the ONNX messages the benchmark needs (ModelProto, GraphProto,
// NodeProto, AttributeProto, TensorProto, ValueInfoProto), so onnxruntime models are built in JS
// at bench time: no Python, no committed binaries. Field numbers from onnx/onnx.proto (opset 13).
import { MNIST } from './workloads.mjs';

const enc = new TextEncoder();

/** Accumulates protobuf bytes; `msg(field, writerFn)` nests a length-delimited sub-message. */
class Writer {
  constructor() { this.parts = []; this.len = 0; }
  raw(bytes) { this.parts.push(bytes); this.len += bytes.length; return this; }
  varint(v) {
    // int64 fields here are all non-negative and < 2^53
    const b = [];
    let n = BigInt(v);
    do { let byte = Number(n & 0x7fn); n >>= 7n; if (n > 0n) byte |= 0x80; b.push(byte); } while (n > 0n);
    return this.raw(Uint8Array.from(b));
  }
  tag(field, wire) { return this.varint((field << 3) | wire); }
  int(field, v) { return this.tag(field, 0).varint(v); }
  bytes(field, bytes) { return this.tag(field, 2).varint(bytes.length).raw(bytes); }
  str(field, s) { return this.bytes(field, enc.encode(s)); }
  float(field, v) { const b = new Uint8Array(4); new DataView(b.buffer).setFloat32(0, v, true); return this.tag(field, 5).raw(b); }
  msg(field, fill) { const w = new Writer(); fill(w); return this.bytes(field, w.finish()); }
  finish() {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const p of this.parts) { out.set(p, o); o += p.length; }
    return out;
  }
}

const FLOAT = 1;
const INT64 = 7;

/** AttributeProto: name=1, f=2, i=3, ints=8, type=20 (FLOAT=1, INT=2, INTS=7). */
function attr(w, name, v) {
  w.msg(5, (a) => {
    a.str(1, name);
    if (Array.isArray(v)) { for (const x of v) a.int(8, x); a.int(20, 7); }
    else if (Number.isInteger(v)) { a.int(3, v); a.int(20, 2); }
    else { a.float(2, v); a.int(20, 1); }
  });
}

/** NodeProto: input=1, output=2, name=3, op_type=4, attribute=5. */
function node(g, op, inputs, outputs, attrs = {}) {
  g.msg(1, (n) => {
    for (const i of inputs) n.str(1, i);
    for (const o of outputs) n.str(2, o);
    n.str(3, `${op}_${outputs[0]}`);
    n.str(4, op);
    for (const [k, v] of Object.entries(attrs)) attr(n, k, v);
  });
}

/** TensorProto initializer: dims=1, data_type=2, name=8, raw_data=9 (little-endian). */
function initializer(g, name, dims, data) {
  g.msg(5, (t) => {
    for (const d of dims) t.int(1, d);
    t.int(2, data instanceof BigInt64Array ? INT64 : FLOAT);
    t.str(8, name);
    t.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  });
}

/** ValueInfoProto: name=1, type=2 → TypeProto.tensor_type=1 → elem_type=1, shape=2 → dim=1 → dim_value=1. */
function valueInfo(g, field, name, dims) {
  g.msg(field, (v) => {
    v.str(1, name);
    v.msg(2, (tp) => tp.msg(1, (tt) => {
      tt.int(1, FLOAT);
      tt.msg(2, (sh) => { for (const d of dims) sh.msg(1, (dim) => dim.int(1, d)); });
    }));
  });
}

/** ModelProto: ir_version=1 (7), producer_name=2, graph=7, opset_import=8 (domain "", version 13). */
function model(fillGraph) {
  const m = new Writer();
  m.int(1, 7);
  m.str(2, 'convkit-bench');
  m.msg(7, (g) => { g.str(2, 'g'); fillGraph(g); });
  m.msg(8, (o) => { o.str(1, ''); o.int(2, 13); });
  return m.finish();
}

/** One Conv node, input X [n, cin, h, w] → Y; weight W as an initializer (no bias). */
export function convModel(c, n, weight) {
  const ho = Math.floor((c.h + 2 * c.pad - c.k) / c.stride) + 1;
  const wo = Math.floor((c.w + 2 * c.pad - c.k) / c.stride) + 1;
  return model((g) => {
    node(g, 'Conv', ['X', 'W'], ['Y'], {
      kernel_shape: [c.k, c.k], strides: [c.stride, c.stride], pads: [c.pad, c.pad, c.pad, c.pad], group: c.groups, dilations: [1, 1],
    });
    initializer(g, 'W', [c.cout, c.cin / c.groups, c.k, c.k], weight);
    valueInfo(g, 11, 'X', [n, c.cin, c.h, c.w]);
    valueInfo(g, 12, 'Y', [n, c.cout, ho, wo]);
  });
}

/** The MNIST net (logits output, no softmax: inference cost is the same), input X [n, 1, 28, 28]. */
export function mnistModel(p, n) {
  const { conv1, conv2, fc1, fc2 } = MNIST;
  return model((g) => {
    node(g, 'Conv', ['X', 'c1w', 'c1b'], ['a1'], { kernel_shape: [3, 3], strides: [1, 1], pads: [0, 0, 0, 0] });
    node(g, 'Relu', ['a1'], ['r1']);
    node(g, 'Conv', ['r1', 'c2w', 'c2b'], ['a2'], { kernel_shape: [3, 3], strides: [1, 1], pads: [0, 0, 0, 0] });
    node(g, 'Relu', ['a2'], ['r2']);
    node(g, 'MaxPool', ['r2'], ['p'], { kernel_shape: [2, 2], strides: [2, 2] });
    node(g, 'Flatten', ['p'], ['f'], { axis: 1 });
    node(g, 'Gemm', ['f', 'f1w', 'f1b'], ['h1'], { transB: 1 });
    node(g, 'Relu', ['h1'], ['r3']);
    node(g, 'Gemm', ['r3', 'f2w', 'f2b'], ['Y'], { transB: 1 });
    initializer(g, 'c1w', [conv1.cout, conv1.cin, 3, 3], p.c1w);
    initializer(g, 'c1b', [conv1.cout], p.c1b);
    initializer(g, 'c2w', [conv2.cout, conv2.cin, 3, 3], p.c2w);
    initializer(g, 'c2b', [conv2.cout], p.c2b);
    initializer(g, 'f1w', [fc1.out, fc1.in], p.f1w);
    initializer(g, 'f1b', [fc1.out], p.f1b);
    initializer(g, 'f2w', [fc2.out, fc2.in], p.f2w);
    initializer(g, 'f2b', [fc2.out], p.f2b);
    valueInfo(g, 11, 'X', [n, 1, 28, 28]);
    valueInfo(g, 12, 'Y', [n, fc2.out]);
  });
}
