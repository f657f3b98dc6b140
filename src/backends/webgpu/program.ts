/**
 * A compute program: WGSL generated from one declaration of its storage bindings, its parameter
 * block and its body, so the WGSL struct and the bytes the host writes for it come from the same
 * field list (no "keep in step" between two languages).
 *
 * Every program runs over a *linear* range of workgroups: the host dispatches a 2-d grid
 * (x at most maxComputeWorkgroupsPerDimension, y as many rows as needed), and the body sees
 * `wg = wid.x + wid.y * nwg.x`. Workgroups past the end must return before touching memory;
 * `wg` is uniform across a workgroup, so such a return keeps barriers in uniform control flow.
 */

export type Scalar = 'u32' | 'i32' | 'f32';
export type Elem = 'f32' | 'i32' | 'u32';

export interface BufferDecl {
  readonly name: string;
  readonly type: Elem | 'vec4<f32>' | 'atomic<u32>';
  /** read_write storage (outputs); read-only otherwise. */
  readonly write?: boolean;
}

export interface ProgramSpec {
  /** Names the program in error messages. */
  readonly name: string;
  /** Storage bindings 0..n-1, in the order buffers are passed to `dispatch`. */
  readonly buffers: readonly BufferDecl[];
  /** The fields of `P` (binding n, a uniform block), in order. */
  readonly params: readonly (readonly [string, Scalar])[];
  readonly workgroupSize: readonly [number] | readonly [number, number];
  /** WGSL statements of `main`; in scope: wg (linear workgroup index), lid, li, P and the buffers. */
  readonly body: string;
  /** WGSL declarations placed before `main` (functions, workgroup arrays, constants). */
  readonly helpers?: string;
}

export interface Program {
  readonly name: string;
  readonly code: string;
  /** 'w' or 'r' per storage binding: the bind group layout's key. */
  readonly layout: string;
  readonly fields: readonly Scalar[];
  readonly fieldNames: readonly string[];
  /** Bytes of the parameter block (a multiple of 16). */
  readonly paramBytes: number;
  /** Invocations per workgroup. */
  readonly threads: number;
}

export function program(spec: ProgramSpec): Program {
  const params = spec.params.length > 0 ? spec.params : ([['unused_', 'u32']] as const);
  const struct = `struct Params {\n${params.map(([n, t]) => `  ${n}: ${t},`).join('\n')}\n}`;
  const decls = spec.buffers.map(
    (b, i) => `@group(0) @binding(${i}) var<storage, ${b.write ? 'read_write' : 'read'}> ${b.name}: array<${b.type}>;`,
  );
  decls.push(`@group(0) @binding(${spec.buffers.length}) var<uniform> P: Params;`);
  const [x, y = 1] = spec.workgroupSize;
  const code = `${struct}
${decls.join('\n')}
${spec.helpers ?? ''}
@compute @workgroup_size(${x}, ${y}, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let wg = wid.x + wid.y * nwg.x;
${spec.body}
}
`;
  return {
    name: spec.name,
    code,
    layout: spec.buffers.map((b) => (b.write ? 'w' : 'r')).join(''),
    fields: params.map(([, t]) => t),
    fieldNames: params.map(([n]) => n),
    paramBytes: Math.ceil((params.length * 4) / 16) * 16,
    threads: x * y,
  };
}

const programs = new Map<string, Program>();

/**
 * The program cached under `key` (unique across files: prefix it with the family), made once.
 * Pipelines are cached by code in the runtime; this saves regenerating the code on every call.
 */
export function cachedProgram(key: string, make: () => Program): Program {
  let p = programs.get(key);
  if (!p) {
    p = make();
    programs.set(key, p);
  }
  return p;
}

/** Writes a program's parameter values (in field order) into `view` at `offset`. */
export function packParams(p: Program, values: readonly number[], view: DataView, offset: number): void {
  if (values.length !== p.fields.length && !(p.fieldNames[0] === 'unused_' && values.length === 0)) {
    throw new Error(`webgpu ${p.name}: ${values.length} parameter values for ${p.fields.length} fields`);
  }
  values.forEach((v, i) => {
    const t = p.fields[i]!;
    const at = offset + 4 * i;
    if (t === 'f32') {
      view.setFloat32(at, v, true);
      return;
    }
    // an out-of-range integer here is a planning bug: fail loudly rather than wrap around
    const ok = Number.isInteger(v) && (t === 'u32' ? v >= 0 && v <= 0xffffffff : v >= -0x80000000 && v <= 0x7fffffff);
    if (!ok) throw new Error(`webgpu ${p.name}: parameter ${p.fieldNames[i]} = ${v} is not a valid ${t}`);
    if (t === 'u32') view.setUint32(at, v, true);
    else view.setInt32(at, v, true);
  });
}
