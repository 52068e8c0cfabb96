/**
 * Two small modules the runner needs, encoded by hand (the format is simple and this keeps the
 * runner free of the tools under test): the spec harness's `spectest` module, and wrappers that
 * call an export with floats as bits.
 */

const TYPE: Readonly<Record<string, number>> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, funcref: 0x70, externref: 0x6f };
/** The integer type a float crosses as, and the reinterpret opcodes: [to bits, from bits]. */
const AS_BITS: Readonly<Record<string, readonly [type: string, toBits: number, fromBits: number]>> = {
  f32: ['i32', 0xbc, 0xbe],
  f64: ['i64', 0xbd, 0xbf],
};

function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const vector = (items: readonly number[][]): number[] => [...u32(items.length), ...items.flat()];
const name = (text: string): number[] => {
  const bytes = [...new TextEncoder().encode(text)];
  return [...u32(bytes.length), ...bytes];
};
const section = (id: number, content: number[]): number[] => [id, ...u32(content.length), ...content];
const funcType = (params: readonly string[], results: readonly string[]): number[] => [
  0x60,
  ...vector(params.map((t) => [valueType(t)])),
  ...vector(results.map((t) => [valueType(t)])),
];
const body = (locals: readonly string[], code: readonly number[]): number[] => {
  const content = [...vector(locals.map((t) => [1, valueType(t)])), ...code, 0x0b];
  return [...u32(content.length), ...content];
};
const module = (sections: number[][]): Uint8Array => Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...sections.flat()]);

function valueType(t: string): number {
  const code = TYPE[t];
  if (code === undefined) throw new Error(`value type ${t}: the runner does not encode it`);
  return code;
}

/**
 * The spec harness's `spectest` module: print functions that do nothing, globals of 666 and
 * 666.6, a table of 10 to 20 funcrefs, a memory of 1 to 2 pages.
 */
export function spectestModule(): Uint8Array {
  const prints: [string, string[]][] = [
    ['print', []],
    ['print_i32', ['i32']],
    ['print_i64', ['i64']],
    ['print_f32', ['f32']],
    ['print_f64', ['f64']],
    ['print_i32_f32', ['i32', 'f32']],
    ['print_f64_f64', ['f64', 'f64']],
  ];
  const f32 = [...new Uint8Array(Float32Array.of(666.6).buffer)];
  const f64 = [...new Uint8Array(Float64Array.of(666.6).buffer)];
  const globals: [string, number[]][] = [
    ['global_i32', [0x7f, 0, 0x41, ...[0x9a, 0x05], 0x0b]],
    ['global_i64', [0x7e, 0, 0x42, ...[0x9a, 0x05], 0x0b]],
    ['global_f32', [0x7d, 0, 0x43, ...f32, 0x0b]],
    ['global_f64', [0x7c, 0, 0x44, ...f64, 0x0b]],
  ];
  return module([
    section(1, vector(prints.map(([, params]) => funcType(params, [])))),
    section(3, vector(prints.map((_, i) => u32(i)))),
    section(4, vector([[0x70, 0x01, 10, 20]])),
    section(5, vector([[0x01, 1, 2]])),
    section(6, vector(globals.map(([, g]) => g))),
    section(
      7,
      vector([
        ...prints.map(([n], i) => [...name(n), 0x00, ...u32(i)]),
        [...name('table'), 0x01, 0],
        [...name('memory'), 0x02, 0],
        ...globals.map(([n], i) => [...name(n), 0x03, ...u32(i)]),
      ]),
    ),
    section(10, vector(prints.map(() => body([], [])))),
  ]);
}

/**
 * A module importing `m.f` of the given type and exporting `call`, the same function with every
 * f32 and f64 parameter and result as its bits (i32, i64). Calls between wasm functions keep a
 * NaN's bits; through a JS number they could change.
 */
export function bitsWrapperModule(params: readonly string[], results: readonly string[]): Uint8Array {
  const bits = (t: string) => AS_BITS[t]?.[0] ?? t;
  const code: number[] = [];
  params.forEach((t, i) => code.push(0x20, ...u32(i), ...(AS_BITS[t] ? [AS_BITS[t][2]] : [])));
  code.push(0x10, 0);
  // Results come off the stack last first: into locals, then back out as bits in order.
  for (let i = results.length - 1; i >= 0; i--) code.push(0x21, ...u32(params.length + i));
  results.forEach((t, i) => code.push(0x20, ...u32(params.length + i), ...(AS_BITS[t] ? [AS_BITS[t][1]] : [])));
  return module([
    section(1, vector([funcType(params, results), funcType(params.map(bits), results.map(bits))])),
    section(2, vector([[...name('m'), ...name('f'), 0x00, 0]])),
    section(3, vector([[1]])),
    section(7, vector([[...name('call'), 0x00, 1]])),
    section(10, vector([body(results, code)])),
  ]);
}
