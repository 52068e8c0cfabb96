import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../host/index.js';
import { decoratorScenario, started, text } from './support/scenarios.js';

/**
 * components/decorator-classic against the contract of examples/windows/README.md, through the
 * public API: window_layout comes from input/layout, pointer from input/pointer, and the limits
 * are the example's (report_kib: 64).
 */
const YAML = decoratorScenario('components/decorator-classic/decorator-classic.wasm');

/** A window of window_layout, its keys in the contract's order. */
const win = (id: number, title: string, x: number, y: number, w: number, h: number, focused: boolean) => ({ id, title, x, y, w, h, focused });
type Win = Readonly<ReturnType<typeof win>>;

/** window_layout as the layouter writes it: compact, keys in the contract's order. */
const layout = (wins: readonly Win[]): string => JSON.stringify(wins.map((w) => win(w.id, w.title, w.x, w.y, w.w, w.h, w.focused)));

const pointer = (x: number, y: number, pressed = false): string => JSON.stringify({ x, y, pressed });

const running: Host[] = [];
afterEach(() => Promise.all(running.splice(0).map((h) => h.close())));

async function decorator(): Promise<{ host: Host; changes: string[]; faults: unknown[]; read: (report: string) => string | undefined }> {
  const s = await started(YAML);
  running.push(s.host);
  return { ...s, read: (report) => text(s.host.read(`decorator/${report}`)) };
}

const MARGINS = '{"top":24,"right":4,"bottom":4,"left":4}';

// The two windows of the contract's window_layout example, and their decorations byte for byte.
const TERMINAL = win(2, 'Terminal', 76, 96, 400, 240, false);
const EDITOR = win(1, 'Editor', 44, 64, 320, 200, true);
const TERMINAL_SHAPES =
  '{"window":2,"shapes":[' +
  '{"part":"frame","type":"rect","x":72,"y":72,"w":408,"h":268,"fill":"#c0c0c0","stroke":"#000000"},' +
  '{"part":"title","type":"rect","x":76,"y":76,"w":400,"h":18,"fill":"#808080"},' +
  '{"part":"title","type":"text","x":80,"y":89,"text":"Terminal","fill":"#c0c0c0","size":12,"anchor":"start","weight":"normal"},' +
  '{"part":"close","type":"rect","x":460,"y":78,"w":14,"h":14,"fill":"#c0c0c0","stroke":"#000000"},' +
  '{"part":"close","type":"line","x1":464,"y1":82,"x2":470,"y2":88,"stroke":"#000000","width":2},' +
  '{"part":"close","type":"line","x1":470,"y1":82,"x2":464,"y2":88,"stroke":"#000000","width":2}]}';
const EDITOR_SHAPES =
  '{"window":1,"shapes":[' +
  '{"part":"frame","type":"rect","x":40,"y":40,"w":328,"h":228,"fill":"#c0c0c0","stroke":"#000000"},' +
  '{"part":"title","type":"rect","x":44,"y":44,"w":320,"h":18,"fill":"#000080"},' +
  '{"part":"title","type":"text","x":48,"y":57,"text":"Editor","fill":"#ffffff","size":12,"anchor":"start","weight":"bold"},' +
  '{"part":"close","type":"rect","x":348,"y":46,"w":14,"h":14,"fill":"#c0c0c0","stroke":"#000000"},' +
  '{"part":"close","type":"line","x1":352,"y1":50,"x2":358,"y2":56,"stroke":"#000000","width":2},' +
  '{"part":"close","type":"line","x1":358,"y1":50,"x2":352,"y2":56,"stroke":"#000000","width":2}]}';

describe('decorator-classic: reports', () => {
  it('submits its constant margins, hover {} and no decorations before any ROM has a value', async () => {
    const { read, faults } = await decorator();
    expect(read('margins')).toBe(MARGINS);
    expect(read('hover')).toBe('{}');
    expect(read('decorations')).toBe('[]');
    expect(faults).toEqual([]);
  });

  it('keeps its margins whatever the ROMs say', async () => {
    const { host, read } = await decorator();
    await host.publish('layout', layout([TERMINAL, EDITOR]));
    await host.publish('pointer', pointer(350, 50));
    expect(read('margins')).toBe(MARGINS);
  });

  it('decorates a focused and an unfocused window, bottom to top, byte for byte', async () => {
    const { host, read } = await decorator();
    await host.publish('layout', layout([TERMINAL, EDITOR]));
    expect(read('decorations')).toBe(`[${TERMINAL_SHAPES},${EDITOR_SHAPES}]`);
    await host.publish('layout', '[]');
    expect(read('decorations')).toBe('[]');
  });

  it('draws the focused title bar differently: moving the focus changes the decorations', async () => {
    const { host, read } = await decorator();
    await host.publish('layout', layout([TERMINAL, EDITOR]));
    const before = read('decorations')!;
    await host.publish('layout', layout([{ ...TERMINAL, focused: true }, { ...EDITOR, focused: false }]));
    const after = JSON.parse(read('decorations')!) as { shapes: { part: string; type: string; fill: string; weight?: string }[] }[];
    expect(read('decorations')).not.toBe(before);
    const titles = after.map((d) => d.shapes.filter((s) => s.part === 'title').map((s) => [s.type, s.fill, s.weight]));
    expect(titles).toEqual([
      [
        ['rect', '#000080', undefined],
        ['text', '#ffffff', 'bold'],
      ],
      [
        ['rect', '#808080', undefined],
        ['text', '#c0c0c0', 'normal'],
      ],
    ]);
  });

  it('lightens the close button under the pointer, and only that one', async () => {
    const { host, read } = await decorator();
    await host.publish('layout', layout([TERMINAL, EDITOR]));
    await host.publish('pointer', pointer(350, 50)); // in the Editor's button at (348, 46), 14 px
    expect(read('hover')).toBe('{"x":350,"y":50,"window":1,"element":"close"}');
    const hot = EDITOR_SHAPES.replace(
      '{"part":"close","type":"rect","x":348,"y":46,"w":14,"h":14,"fill":"#c0c0c0"',
      '{"part":"close","type":"rect","x":348,"y":46,"w":14,"h":14,"fill":"#ffffff"',
    );
    expect(hot).not.toBe(EDITOR_SHAPES);
    expect(read('decorations')).toBe(`[${TERMINAL_SHAPES},${hot}]`);
    // Off the button, onto the title bar: back to the plain drawing.
    await host.publish('pointer', pointer(340, 50));
    expect(read('hover')).toBe('{"x":340,"y":50,"window":1,"element":"title"}');
    expect(read('decorations')).toBe(`[${TERMINAL_SHAPES},${EDITOR_SHAPES}]`);
  });

  it('highlights the edges a hovered border element would resize', async () => {
    const { host, read } = await decorator();
    await host.publish('layout', layout([EDITOR]));
    await host.publish('pointer', pointer(367, 41)); // the Editor's frame is (40, 40, 328, 228)
    expect(read('hover')).toBe('{"x":367,"y":41,"window":1,"element":"border-ne"}');
    const frame = '{"part":"frame","type":"rect","x":40,"y":40,"w":328,"h":228,"fill":"#c0c0c0","stroke":"#000000"}';
    const edges =
      '{"part":"border","type":"rect","x":40,"y":40,"w":328,"h":4,"fill":"#808080"},' +
      '{"part":"border","type":"rect","x":364,"y":40,"w":4,"h":228,"fill":"#808080"}';
    expect(read('decorations')).toBe(`[${EDITOR_SHAPES.replace(frame, `${frame},${edges}`)}]`);
    await host.publish('pointer', pointer(40, 150));
    expect(read('hover')).toBe('{"x":40,"y":150,"window":1,"element":"border-w"}');
    expect(read('decorations')).toContain('{"part":"border","type":"rect","x":40,"y":40,"w":4,"h":228,"fill":"#808080"}');
    expect(read('decorations')!.match(/"part":"border"/g)).toHaveLength(1);
  });

  it('passes each title token through byte for byte, escapes included', async () => {
    const { host, read } = await decorator();
    const tokens = [
      String.raw`"say \"hi\""`,
      String.raw`"caf\u00e9 \/ \\ \b\f\n\r\t \ud83d\ude00 \uD800"`,
      '"café ☃ 😀"',
      '""',
    ];
    await host.publish('layout', `[${tokens.map((t, i) => `{"id":${i + 1},"title":${t},"x":10,"y":30,"w":200,"h":100,"focused":false}`).join(',')}]`);
    const decorations = read('decorations')!;
    for (const token of tokens) expect(decorations).toContain(`"text":${token},"fill"`);
    // And the whole report is JSON whose titles decode as the input's did.
    expect((JSON.parse(decorations) as { shapes: { type: string; text?: string }[] }[]).map((d) => d.shapes.find((s) => s.type === 'text')?.text)).toEqual(
      tokens.map((t) => JSON.parse(t) as string),
    );
  });

  it('reads any key order, whitespace, unknown keys of any depth and escaped key names', async () => {
    const { host, read } = await decorator();
    await host.publish('layout', layout([TERMINAL, EDITOR]));
    const compact = read('decorations');
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const noisy = ` [\n\t{ "focused" : false, "extra": {"a":[1,-2.5e+3,null,true,{"b":"}"}]}, "h":240,"w":400,"\\u0079":96,"x":76,
      "title":"Terminal","id":2 } ,\r\n{"deep":${deep},"id":1,"title":"Editor","x":44,"y":64,"w":320,"h":200,"focused":true,"id":1} ] `;
    await host.publish('layout', noisy);
    expect(read('decorations')).toBe(compact);
    await host.publish('pointer', ` { "pressed": null, "y" : 50, "\\u0078": 350, "z": [{}] } `);
    expect(read('hover')).toBe('{"x":350,"y":50,"window":1,"element":"close"}');
  });

  it('fits eighty windows in the 64 KiB the example allows', async () => {
    const { host, read, faults } = await decorator();
    const many = Array.from({ length: 80 }, (_, i) => win(i + 1, `Window ${i + 1}`, 10 * i, 10 * i, 320, 200, i === 79));
    await host.publish('layout', layout(many));
    expect(faults).toEqual([]);
    expect((JSON.parse(read('decorations')!) as { window: number }[]).map((d) => d.window)).toEqual(many.map((w) => w.id));
  });
});

describe('decorator-classic: hover', () => {
  // One window; its frame is (96, 76) to (304, 204), exclusive; the close button (284, 82), 14 px.
  const ONE = win(7, 'One', 100, 100, 200, 100, true);
  const over = (x: number, y: number, element: string): [number, number, string] => [x, y, element];
  const cases = [
    over(150, 150, 'content'),
    over(100, 100, 'content'),
    over(299, 199, 'content'),
    over(150, 85, 'title'),
    over(100, 80, 'title'),
    over(299, 99, 'title'), // the grey gap under the title bar belongs to the title
    over(283, 88, 'title'),
    over(298, 88, 'title'),
    over(290, 81, 'title'),
    over(290, 96, 'title'),
    over(284, 82, 'close'),
    over(297, 95, 'close'),
    over(290, 88, 'close'),
    over(150, 76, 'border-n'),
    over(150, 79, 'border-n'),
    over(112, 76, 'border-n'),
    over(287, 76, 'border-n'),
    over(150, 203, 'border-s'),
    over(150, 200, 'border-s'),
    over(96, 150, 'border-w'),
    over(99, 92, 'border-w'),
    over(96, 187, 'border-w'),
    over(303, 150, 'border-e'),
    over(300, 120, 'border-e'),
    over(96, 76, 'border-nw'),
    over(111, 79, 'border-nw'),
    over(99, 91, 'border-nw'),
    over(303, 76, 'border-ne'),
    over(288, 77, 'border-ne'),
    over(300, 91, 'border-ne'),
    over(96, 203, 'border-sw'),
    over(99, 188, 'border-sw'),
    over(111, 200, 'border-sw'),
    over(303, 203, 'border-se'),
    over(288, 201, 'border-se'),
    over(302, 188, 'border-se'),
  ];

  it('names every element where the README puts it', async () => {
    const { host, read } = await decorator();
    await host.publish('layout', layout([ONE]));
    const seen: [number, number, string | undefined][] = [];
    for (const [x, y] of cases) {
      await host.publish('pointer', pointer(x, y));
      seen.push([x, y, read('hover')]);
    }
    expect(seen).toEqual(cases.map(([x, y, element]) => [x, y, `{"x":${x},"y":${y},"window":7,"element":"${element}"}`]));
    expect(new Set(cases.map((c) => c[2])).size).toBe(11);
  });

  it('reports the position alone over no window, and {} with no pointer', async () => {
    const { host, read } = await decorator();
    await host.publish('pointer', pointer(150, 150));
    expect(read('hover')).toBe('{"x":150,"y":150}'); // no window_layout yet
    await host.publish('layout', layout([ONE]));
    expect(read('hover')).toBe('{"x":150,"y":150,"window":7,"element":"content"}');
    for (const [x, y] of [
      [95, 150],
      [304, 150],
      [150, 75],
      [150, 204],
      [-5, -3],
    ] as const) {
      await host.publish('pointer', pointer(x, y));
      expect(read('hover')).toBe(`{"x":${x},"y":${y}}`);
    }
    const { host: fresh, read: freshRead } = await decorator();
    await fresh.publish('layout', layout([ONE]));
    expect(freshRead('hover')).toBe('{}');
  });

  it('takes the topmost window first where windows overlap', async () => {
    const { host, read } = await decorator();
    const low = win(1, 'Low', 100, 100, 200, 100, false);
    const high = win(2, 'High', 150, 130, 200, 100, true); // its title area covers Low's content
    await host.publish('pointer', pointer(200, 120));
    await host.publish('layout', layout([low, high]));
    expect(read('hover')).toBe('{"x":200,"y":120,"window":2,"element":"title"}');
    await host.publish('layout', layout([high, low]));
    expect(read('hover')).toBe('{"x":200,"y":120,"window":1,"element":"content"}');
    // Where only the lower one is, it is the one.
    await host.publish('pointer', pointer(120, 120));
    expect(read('hover')).toBe('{"x":120,"y":120,"window":1,"element":"content"}');
    await host.publish('layout', layout([low, high]));
    expect(read('hover')).toBe('{"x":120,"y":120,"window":1,"element":"content"}');
  });
});

describe('decorator-classic: values that are not the protocol count as absent', () => {
  const VALID = '{"id":1,"title":"T","x":100,"y":100,"w":200,"h":100,"focused":true}';
  /** The valid layout with these bytes for the title's T. */
  const titleBytes = (...bytes: number[]): Uint8Array => {
    const [before, after] = `[${VALID}]`.split('T').map((part) => new TextEncoder().encode(part));
    return new Uint8Array([...before!, ...bytes, ...after!]);
  };
  const bad: [why: string, value: string | Uint8Array][] = [
    ['empty', ''],
    ['not JSON', 'windows'],
    ['null', 'null'],
    ['an object', VALID],
    ['a number in the list', '[1]'],
    ['a key missing', '[{"id":1,"title":"T","x":100,"y":100,"w":200,"h":100}]'],
    ['a fraction', VALID.replace('"x":100', '"x":100.5')],
    ['a whole number with a fraction', VALID.replace('"x":100', '"x":100.0')],
    ['an exponent', VALID.replace('"x":100', '"x":1e2')],
    ['a leading zero', VALID.replace('"x":100', '"x":0100')],
    ['a number past 32 bits', VALID.replace('"x":100', '"x":2147483648')],
    ['a frame past 32 bits', VALID.replace('"x":100', '"x":2147483000')],
    ['id 0', VALID.replace('"id":1', '"id":0')],
    ['a negative width', VALID.replace('"w":200', '"w":-1')],
    ['a title that is not a string', VALID.replace('"T"', '7')],
    ['focused as a string', VALID.replace('true', '"true"')],
    ['a control character in the title', VALID.replace('"T"', '"a\tb"')],
    ['a bad escape', VALID.replace('"T"', String.raw`"\x41"`)],
    ['a short \\u escape', VALID.replace('"T"', String.raw`"\u12"`)],
    ['a trailing comma', `[${VALID},]`],
    ['a trailing comma in a window', `[${VALID.replace('}', ',}')}]`],
    ['trailing bytes', `[${VALID}] x`],
    ['two values', `[${VALID}][]`],
    ['unterminated', `[${VALID}`],
    ['an unknown key with a bad value', `[${VALID.replace('}', ',"z":[1,}')}]`],
    ['an unknown key whose array lacks a comma', `[${VALID.replace('}', ',"z":[[1] 2]}')}]`],
    ['an unknown key whose object lacks a comma', `[${VALID.replace('}', ',"z":{"a":{} "b":2}}')}]`],
    ['an unknown key whose object lacks a colon', `[${VALID.replace('}', ',"z":{"a" 1}}')}]`],
    ['an unknown key whose brackets do not match', `[${VALID.replace('}', ',"z":[{]}}')}]`],
    ['a byte-order mark', `\ufeff[${VALID}]`],
    ['invalid UTF-8 in the title', titleBytes(0xc3, 0x28)],
    ['a UTF-8 surrogate in the title', titleBytes(0xed, 0xa0, 0x80)],
    ['an overlong UTF-8 sequence in the title', titleBytes(0xc0, 0xaf)],
    ['a truncated UTF-8 sequence in the title', titleBytes(0xe2, 0x98)],
  ];

  it('the valid layout these are made from is read', async () => {
    const { host, read } = await decorator();
    await host.publish('pointer', pointer(150, 150));
    await host.publish('layout', `[${VALID}]`);
    expect(read('hover')).toBe('{"x":150,"y":150,"window":1,"element":"content"}');
  });

  it.each(bad)('window_layout: %s', async (_why, value) => {
    const { host, read, faults } = await decorator();
    await host.publish('pointer', pointer(150, 150));
    await host.publish('layout', `[${VALID}]`);
    await host.publish('layout', value);
    expect(read('decorations')).toBe('[]');
    expect(read('hover')).toBe('{"x":150,"y":150}');
    expect(faults).toEqual([]);
  });

  it.each([
    ['no y', '{"x":150}'],
    ['a fraction', '{"x":150.5,"y":150}'],
    ['an array', '[150,150]'],
    ['a string', '"150,150"'],
    ['trailing bytes', '{"x":150,"y":150}}'],
  ])('pointer: %s', async (_why, value) => {
    const { host, read } = await decorator();
    await host.publish('layout', `[${VALID}]`);
    await host.publish('pointer', pointer(150, 150));
    await host.publish('pointer', value);
    expect(read('hover')).toBe('{}');
  });

  it('pointer: `pressed` is not its business, so any value of it is read past', async () => {
    const { host, read } = await decorator();
    await host.publish('layout', `[${VALID}]`);
    await host.publish('pointer', '{"x":150,"y":150,"pressed":"maybe"}');
    expect(read('hover')).toBe('{"x":150,"y":150,"window":1,"element":"content"}');
    await host.publish('pointer', '{"x":150,"y":150}');
    expect(read('hover')).toBe('{"x":150,"y":150,"window":1,"element":"content"}');
  });
});

// ------------------------------------------------------------------------------------------------
// Properties: a model of the README's geometry, and an oracle for what counts as absent.

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const int32 = (v: number): boolean => Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;

/** Whether every number of the window's decorations fits in 32 bits (the component's `drawable`). */
function drawable(w: Win): boolean {
  const fx = w.x - 4, fy = w.y - 24, fw = w.w + 8, fh = w.h + 28;
  return w.id > 0 && w.w >= 0 && w.h >= 0 && [fx, fy, fw, fh, fx + fw, fy + fh, w.x + w.w - 16].every(int32);
}

interface Hovered {
  readonly index: number;
  readonly window: number;
  readonly element: string;
}

/** The hover the README's geometry gives, topmost window first. */
function modelHover(wins: readonly Win[], px: number, py: number): Hovered | undefined {
  const inside = (x: number, y: number, w: number, h: number): boolean => px >= x && px < x + w && py >= y && py < y + h;
  for (let index = wins.length - 1; index >= 0; index--) {
    const w = wins[index]!;
    const fx = w.x - 4, fy = w.y - 24, fw = w.w + 8, fh = w.h + 28;
    if (!inside(fx, fy, fw, fh)) continue;
    if (inside(w.x, w.y, w.w, w.h)) return { index, window: w.id, element: 'content' };
    if (!inside(fx + 4, fy + 4, fw - 8, fh - 8)) {
      const right = fx + fw, bottom = fy + fh;
      const v = py < fy + 4 ? 'n' : py >= bottom - 4 ? 's' : py < fy + 16 ? 'n' : py >= bottom - 16 ? 's' : '';
      const h = px < fx + 4 ? 'w' : px >= right - 4 ? 'e' : px < fx + 16 ? 'w' : px >= right - 16 ? 'e' : '';
      return { index, window: w.id, element: `border-${v}${h}` };
    }
    if (inside(w.x + w.w - 16, w.y - 18, 14, 14)) return { index, window: w.id, element: 'close' };
    return { index, window: w.id, element: 'title' };
  }
  return undefined;
}

const hoverText = (p: { x: number; y: number } | undefined, h: Hovered | undefined): string =>
  p === undefined ? '{}' : h === undefined ? `{"x":${p.x},"y":${p.y}}` : `{"x":${p.x},"y":${p.y},"window":${h.window},"element":"${h.element}"}`;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * JSON.parse of the bytes as the protocol reads numbers, or undefined when they are not JSON text.
 * JSON.parse makes 1.0 and 1e2 integers; the protocol's integers have no fraction and no
 * exponent. So each such number token becomes a string first: the text stays valid or invalid as
 * it was, a key that requires an integer then holds none, and a key nobody reads does not care.
 */
function parseJson(bytes: Uint8Array): { value: unknown } | undefined {
  try {
    const json = strictUtf8.decode(bytes).replace(/"(?:[^"\\]|\\.)*"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/g, (token) =>
      token.startsWith('"') || !/[.eE]/.test(token) ? token : '"not an integer"',
    );
    return { value: JSON.parse(json) as unknown };
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The layout the bytes hold, or null when they count as absent. */
function oracleLayout(bytes: Uint8Array): Win[] | null {
  const parsed = parseJson(bytes);
  if (parsed === undefined || !Array.isArray(parsed.value)) return null;
  const wins: Win[] = [];
  for (const v of parsed.value as unknown[]) {
    if (!isObject(v)) return null;
    const { id, title, x, y, w, h, focused } = v;
    if (![id, x, y, w, h].every((n) => typeof n === 'number' && int32(n))) return null;
    if (typeof title !== 'string' || typeof focused !== 'boolean') return null;
    const window = { id, title, x, y, w, h, focused } as Win;
    if (!drawable(window)) return null;
    wins.push(window);
  }
  return wins;
}

/** The pointer the bytes hold, or undefined when they count as absent. */
function oraclePointer(bytes: Uint8Array): { x: number; y: number } | undefined {
  const parsed = parseJson(bytes);
  if (parsed === undefined || !isObject(parsed.value)) return undefined;
  const { x, y } = parsed.value;
  return typeof x === 'number' && typeof y === 'number' && int32(x) && int32(y) ? { x: x + 0, y: y + 0 } : undefined; // -0 is 0
}

const coordinate = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -100, max: 900 }) }, { weight: 1, arbitrary: fc.integer({ min: INT32_MIN, max: INT32_MAX }) });
const size = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 400 }) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: INT32_MAX }) });
const arbWin: fc.Arbitrary<Win> = fc.record({
  id: fc.oneof({ weight: 19, arbitrary: fc.integer({ min: 1, max: INT32_MAX }) }, { weight: 1, arbitrary: fc.integer({ min: -2, max: 0 }) }),
  title: fc.string({ unit: 'binary', maxLength: 12 }),
  x: coordinate,
  y: coordinate,
  w: size,
  h: size,
  focused: fc.boolean(),
});
const KEYS = ['id', 'title', 'x', 'y', 'w', 'h', 'focused'] as const;

/** A window written as another writer might: any key order, whitespace, an unknown key. */
const noisyWin = (w: Win): fc.Arbitrary<string> =>
  fc
    .tuple(fc.shuffledSubarray([...KEYS], { minLength: KEYS.length, maxLength: KEYS.length }), fc.constantFrom(' ', '\n\t', ''), fc.jsonValue({ maxDepth: 2 }))
    .map(([keys, space, extra]) => `{${space}${[...keys.map((k) => `"${k}"${space}:${space}${JSON.stringify(w[k])}`), `"extra":${JSON.stringify(extra)}`].join(`,${space}`)}}`);

const arbLayout = fc.array(arbWin, { maxLength: 6 }).chain((wins) =>
  fc.oneof(fc.constant(layout(wins)), fc.tuple(...wins.map(noisyWin)).map((ws) => `[${ws.join(',')}]`)).map((json) => ({ wins, json })),
);

const arbPointer = fc.oneof(
  { weight: 9, arbitrary: fc.record({ x: fc.integer({ min: -120, max: 1000 }), y: fc.integer({ min: -120, max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ x: fc.integer({ min: INT32_MIN, max: INT32_MAX }), y: fc.integer({ min: INT32_MIN, max: INT32_MAX }) }) },
);

/**
 * Bytes near the protocol and far from it: a valid value as it is, with a few characters cut,
 * replaced or inserted (whitespace keeps it valid between tokens, anything printable inside a
 * string), cut short (possibly inside a UTF-8 sequence), or random bytes.
 */
function mangled(valid: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array> {
  const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...'{}[]",:-.e0129 \\u\u00e9tfnx'.split(''), ' ', '\n', '\ufffd'));
  return fc.oneof(
    { weight: 3, arbitrary: valid.map(encode) },
    {
      weight: 4,
      arbitrary: fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([json, edits]) => {
        let s = json;
        for (const [at, cut, insert] of edits) {
          const i = s.length === 0 ? 0 : at % s.length;
          s = s.slice(0, i) + (cut === 3 ? '' : insert) + s.slice(i + (cut === 0 ? 0 : 1));
        }
        return encode(s);
      }),
    },
    { weight: 1, arbitrary: fc.tuple(valid, fc.nat()).map(([json, at]) => encode(json).slice(0, at % (encode(json).length + 1))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 48 }) },
  );
}

describe('decorator-classic: properties', () => {
  it('hovers as the geometry says and decorates every window, for random layouts and pointers', async () => {
    const { host, read, faults } = await decorator();
    await fc.assert(
      fc.asyncProperty(arbLayout, fc.option(arbPointer, { nil: undefined }), async ({ wins, json }, p) => {
        await host.publish('layout', json);
        await host.publish('pointer', p === undefined ? 'none' : pointer(p.x, p.y)); // 'none' is no pointer
        const valid = wins.every(drawable);
        const shown = valid ? wins : [];
        const h = p === undefined ? undefined : modelHover(shown, p.x, p.y);
        expect(read('hover')).toBe(hoverText(p, h));
        const decorations = JSON.parse(read('decorations')!) as { window: number; shapes: Record<string, unknown>[] }[];
        expect(decorations.map((d) => d.window)).toEqual(shown.map((w) => w.id));
        for (const [i, w] of shown.entries()) {
          const shapes = decorations[i]!.shapes;
          const hovered = h?.index === i ? h.element : undefined;
          expect(shapes[0]).toEqual({ part: 'frame', type: 'rect', x: w.x - 4, y: w.y - 24, w: w.w + 8, h: w.h + 28, fill: '#c0c0c0', stroke: '#000000' });
          expect(shapes.find((s) => s['type'] === 'text')?.['text']).toBe(w.title);
          expect(shapes.find((s) => s['part'] === 'title')?.['fill']).toBe(w.focused ? '#000080' : '#808080');
          expect(shapes.find((s) => s['part'] === 'close')?.['fill']).toBe(hovered === 'close' ? '#ffffff' : '#c0c0c0');
          const borders = hovered?.startsWith('border-') ? hovered.length - 'border-'.length : 0;
          expect(shapes.filter((s) => s['part'] === 'border')).toHaveLength(borders);
        }
      }),
      { numRuns: 250 },
    );
    expect(faults).toEqual([]);
  });

  it('never faults on bytes near or far from the protocol, and reads them as JSON.parse would', async () => {
    const { host, read, faults } = await decorator();
    const validPointer = arbPointer.map((p) => pointer(p.x, p.y));
    await fc.assert(
      fc.asyncProperty(mangled(arbLayout.map((l) => l.json)), mangled(validPointer), async (layoutBytes, pointerBytes) => {
        await host.publish('layout', layoutBytes);
        await host.publish('pointer', pointerBytes);
        expect(read('margins')).toBe(MARGINS);
        const decorations = JSON.parse(read('decorations')!) as { window: number }[];
        const hover = read('hover');
        const wins = oracleLayout(layoutBytes) ?? [];
        const p = oraclePointer(pointerBytes);
        expect(decorations.map((d) => d.window)).toEqual(wins.map((w) => w.id));
        expect(hover).toBe(hoverText(p, p && modelHover(wins, p.x, p.y)));
      }),
      { numRuns: 400 },
    );
    expect(faults).toEqual([]);
  });

  it('is invisible when killed and restarted before any input: it keeps no state', async () => {
    const input = fc.oneof(
      arbLayout.map((l) => ['layout', new TextEncoder().encode(l.json)] as const),
      arbPointer.map((p) => ['pointer', new TextEncoder().encode(pointer(p.x, p.y))] as const),
      fc.tuple(fc.constantFrom('layout', 'pointer'), fc.uint8Array({ maxLength: 16 })),
    );
    const run = async (inputs: readonly (readonly [string, Uint8Array])[], restarts: readonly boolean[]): Promise<string[]> => {
      const { host, changes, faults } = await decorator();
      for (const [i, [name, bytes]] of inputs.entries()) {
        if (restarts[i]) {
          await host.kill('decorator');
          await host.restart('decorator');
        }
        await host.publish(name, bytes);
      }
      await host.close();
      expect(faults).toEqual([]);
      // Restarts take steps of their own: compare what downstream saw, in order.
      return changes.map((c) => c.replace(/@\d+$/, ''));
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(input, fc.boolean()), { minLength: 1, maxLength: 8 }), async (steps) => {
        const inputs = steps.map(([i]) => i);
        const undisturbed = await run(inputs, []);
        expect(await run(inputs, steps.map(([, r]) => r))).toEqual(undisturbed);
      }),
      { numRuns: 25 },
    );
  });
});
