import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../host/index.js';
import { decoratorScenario, started, text } from './support/scenarios.js';

/**
 * components/decorator-themed against the contract in examples/windows/README.md, end to end
 * through the host: `window_layout` comes from input/layout and `pointer` from input/pointer, as
 * the layouter and the page would send them. The geometry checked here is the one its README
 * documents (margins 32/6/6/6, a 6 px resize band with 20 px corner zones, the close button a
 * circle at the left end of the title bar).
 */
const SCENARIO = decoratorScenario('components/decorator-themed/decorator-themed.wasm');

const MARGINS = '{"top":32,"right":6,"bottom":6,"left":6}';

const hosts: Host[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

async function decorator(yaml = SCENARIO) {
  const run = await started(yaml);
  hosts.push(run.host);
  expect(run.faults).toEqual([]);
  return run;
}

const margins = (host: Host) => text(host.read('decorator/margins'));
const hover = (host: Host) => text(host.read('decorator/hover'));
const decorations = (host: Host) => text(host.read('decorator/decorations'));

interface Win {
  id: number;
  title: string;
  x: number;
  y: number;
  w: number;
  h: number;
  focused: boolean;
}

/** `window_layout` as the layouter writes it: compact, keys in the contract's order. */
const layout = (windows: Win[]) => JSON.stringify(windows.map(({ id, title, x, y, w, h, focused }) => ({ id, title, x, y, w, h, focused })));
const pointer = (x: number, y: number, pressed = false) => JSON.stringify({ x, y, pressed });

/** One window, content at (100, 100) 200 × 100: its frame is x 94..305, y 68..205 (inclusive). */
const ONE: Win = { id: 7, title: 'One', x: 100, y: 100, w: 200, h: 100, focused: true };

/** The shapes the page would draw for window `id`. */
function shapesOf(host: Host, id: number): Array<Record<string, unknown>> {
  const entries = JSON.parse(decorations(host)!) as Array<{ window: number; shapes: Array<Record<string, unknown>> }>;
  return entries.find((e) => e.window === id)!.shapes;
}

describe('decorator-themed: margins', () => {
  it('reports its margins, no hover and no decorations before it has any ROM', async () => {
    const { host, changes } = await decorator();
    expect(margins(host)).toBe(MARGINS);
    expect(hover(host)).toBe('{}');
    expect(decorations(host)).toBe('[]');
    expect(changes.map((c) => c.replace(/@\d+$/, ''))).toEqual([
      `decorator/margins=${MARGINS}`,
      'decorator/hover={}',
      'decorator/decorations=[]',
    ]);
  });

  it('keeps its margins constant, whatever the layout and pointer', async () => {
    const { host, changes } = await decorator();
    await host.publish('layout', layout([ONE]));
    await host.publish('pointer', pointer(150, 80));
    await host.publish('layout', '[]');
    expect(margins(host)).toBe(MARGINS);
    expect(changes.filter((c) => c.startsWith('decorator/margins'))).toHaveLength(1);
  });
});

describe('decorator-themed: decorations', () => {
  it('draws a focused and an unfocused window, bottom to top, in exactly these bytes', async () => {
    const { host } = await decorator();
    await host.publish(
      'layout',
      '[{"id":2,"title":"Terminal","x":76,"y":96,"w":400,"h":240,"focused":false},{"id":1,"title":"Editor","x":44,"y":64,"w":320,"h":200,"focused":true}]',
    );
    expect(decorations(host)).toBe(
      '[{"window":2,"shapes":[' +
        '{"part":"frame","type":"rect","x":70,"y":64,"w":412,"h":278,"fill":"#2b2d42","stroke":"#1b1c29","radius":8},' +
        '{"part":"title","type":"rect","x":76,"y":70,"w":400,"h":26,"fill":"#24263a"},' +
        '{"part":"title","type":"text","x":276,"y":88,"text":"Terminal","fill":"#8d99ae","size":13,"anchor":"middle","weight":"normal"},' +
        '{"part":"close","type":"circle","cx":88,"cy":83,"r":7,"fill":"#4a4e69"}]},' +
        '{"window":1,"shapes":[' +
        '{"part":"frame","type":"rect","x":38,"y":32,"w":332,"h":238,"fill":"#2b2d42","stroke":"#4f5474","radius":8},' +
        '{"part":"title","type":"rect","x":44,"y":38,"w":320,"h":26,"fill":"#3d405b"},' +
        '{"part":"title","type":"text","x":204,"y":56,"text":"Editor","fill":"#edf2f4","size":13,"anchor":"middle","weight":"bold"},' +
        '{"part":"close","type":"circle","cx":56,"cy":51,"r":7,"fill":"#ef476f"}]}]',
    );
  });

  it('draws the hovered close button lighter, with an ×, and takes it back when the pointer leaves', async () => {
    const { host } = await decorator();
    await host.publish('layout', layout([ONE]));
    await host.publish('pointer', pointer(200, 80)); // the title bar
    const off = decorations(host)!;
    await host.publish('pointer', pointer(112, 87)); // the close button's center
    expect(hover(host)).toBe('{"x":112,"y":87,"window":7,"element":"close"}');
    const on = decorations(host)!;
    expect(on).toContain(
      '{"part":"close","type":"circle","cx":112,"cy":87,"r":7,"fill":"#ff7b9c"},' +
        '{"part":"close","type":"line","x1":109,"y1":84,"x2":115,"y2":90,"stroke":"#2b2d42","width":2},' +
        '{"part":"close","type":"line","x1":115,"y1":84,"x2":109,"y2":90,"stroke":"#2b2d42","width":2}]}',
    );
    expect(off).toContain('{"part":"close","type":"circle","cx":112,"cy":87,"r":7,"fill":"#ef476f"}]}');
    await host.publish('pointer', pointer(200, 80));
    expect(decorations(host)).toBe(off);
  });

  it('lights the hovered border: one line along an edge, two at a corner', async () => {
    const { host } = await decorator();
    await host.publish('layout', layout([ONE]));
    const accents = async (x: number, y: number) => {
      await host.publish('pointer', pointer(x, y));
      return shapesOf(host, 7).filter((s) => s['part'] === 'border');
    };
    const line = (x1: number, y1: number, x2: number, y2: number) => ({ part: 'border', type: 'line', x1, y1, x2, y2, stroke: '#ffd166', width: 2 });
    // Frame x 94..305, y 68..205: edges from corner zone to corner zone, corners from the rounding to the zone's end.
    expect(await accents(305, 150)).toEqual([line(305, 88, 305, 186)]);
    expect(await accents(200, 68)).toEqual([line(114, 69, 286, 69)]);
    expect(await accents(94, 68)).toEqual([line(102, 69, 114, 69), line(95, 76, 95, 88)]);
    expect(await accents(305, 205)).toEqual([line(286, 205, 298, 205), line(305, 186, 305, 198)]);
    expect(await accents(200, 150)).toEqual([]); // content
    // The accent comes right after the frame, under the title bar.
    await host.publish('pointer', pointer(94, 150));
    expect(shapesOf(host, 7).map((s) => s['part'])).toEqual(['frame', 'border', 'title', 'title', 'close']);
  });

  it('draws the focused window differently from the others', async () => {
    const { host } = await decorator();
    const other: Win = { ...ONE, id: 8, x: 400, title: 'Other', focused: false };
    await host.publish('layout', layout([{ ...ONE, focused: false }, other]));
    const [unfocusedOne, unfocusedOther] = JSON.parse(decorations(host)!) as unknown[];
    await host.publish('layout', layout([ONE, other]));
    const [focusedOne, stillOther] = JSON.parse(decorations(host)!) as unknown[];
    expect(stillOther).toEqual(unfocusedOther);
    expect(focusedOne).not.toEqual(unfocusedOne);
    const titleBar = (entry: unknown) => (entry as { shapes: Array<Record<string, unknown>> }).shapes[1];
    expect(titleBar(unfocusedOne)).toMatchObject({ part: 'title', type: 'rect', fill: '#24263a' });
    expect(titleBar(focusedOne)).toMatchObject({ part: 'title', type: 'rect', fill: '#3d405b' });
  });

  it('centers the title in the title bar, the close button at its left end', async () => {
    const { host } = await decorator();
    await host.publish('layout', layout([{ ...ONE, w: 201 }]));
    const [frame, bar, title, close] = shapesOf(host, 7);
    expect(frame).toMatchObject({ x: 94, y: 68, w: 213, h: 138, radius: 8 });
    expect(bar).toMatchObject({ x: 100, y: 74, w: 201, h: 26 });
    expect(title).toMatchObject({ x: 200, y: 92, anchor: 'middle' });
    expect(close).toMatchObject({ type: 'circle', cx: 112, cy: 87, r: 7 });
  });

  it('copies each title token byte for byte, escapes included, never decoding it', async () => {
    const { host } = await decorator();
    const titles = ['"say \\"hi\\""', '"caf\\u00e9 \\u00E9"', '"tab\\there\\\\ \\/ \\b\\f\\n\\r"', '"ünï☃ 😀"', '"\\ud83d\\ude00"', '""'];
    const encoder = new TextEncoder();
    const chunks = titles.map((token, i) => `{"id":${i + 1},"title":${token},"x":${10 * i},"y":40,"w":50,"h":50,"focused":false}`);
    // A byte that is not UTF-8 at all passes through too: the component never decodes a title.
    const raw = Uint8Array.from([...encoder.encode('[' + chunks.join(',') + ',{"id":99,"title":"x'), 0xff, ...encoder.encode('y","x":0,"y":0,"w":9,"h":9,"focused":true}]')]);
    await host.publish('layout', raw);
    const out = Buffer.from(host.read('decorator/decorations')!);
    for (const token of titles) expect(out.includes(Buffer.from(`"text":${token},"fill":`))).toBe(true);
    expect(out.includes(Buffer.from([...encoder.encode('"text":"x'), 0xff, ...encoder.encode('y","fill":')]))).toBe(true);
  });

  it('reads what the contract allows: any key order, whitespace, unknown keys', async () => {
    const { host } = await decorator();
    await host.publish('layout', layout([ONE]));
    await host.publish('pointer', pointer(112, 87));
    const compact = { hover: hover(host), decorations: decorations(host) };
    await host.publish(
      'layout',
      ' [ \n{ "focused" :true ,"shadow":{"a":[1,-2.5e3,{"b":null}],"c":false} ,\t"h":100,"w":200,"y":100,"x":100,"title":"One","id":7,"z":"\\u0041"} ] \r\n',
    );
    await host.publish('pointer', ' { "pressed" : true , "button" : [ 1 ] , "y" : 87 , "x" : 112 } ');
    expect({ hover: hover(host), decorations: decorations(host) }).toEqual(compact);
  });

  it('takes a key given twice as given last', async () => {
    const { host } = await decorator();
    await host.publish('layout', '[{"id":1,"title":"A","x":0,"y":0,"w":10,"h":10,"focused":false,"id":3,"focused":true}]');
    expect(decorations(host)).toMatch(/^\[\{"window":3,"shapes":\[\{"part":"frame","type":"rect","x":-6,"y":-32,"w":22,"h":48,"fill":"#2b2d42","stroke":"#4f5474",/);
  });

  it('treats a layout or pointer that does not parse, or lacks a key, as absent', async () => {
    const { host } = await decorator();
    await host.publish('pointer', pointer(150, 150));
    const valid = layout([ONE]);
    const broken = [
      valid.slice(0, -1), // truncated
      valid + 'x', // trailing garbage
      valid + ',[]', // a second value
      valid.replace('"focused":true', '"focused":1'), // a wrong type
      valid.replace('"h":100,', ''), // a missing key
      valid.replace('"x":100', '"x":100.5'), // not an integer
      valid.replace('"x":100', '"x":1e2'), // an exponent
      valid.replace('"x":100', '"x":2147483648'), // out of the i32 range
      valid.replace('"x":100', '"x":0100'), // a leading zero
      valid.replace('"One"', '"O\nne"'), // a raw control character in a string
      valid.replace('"One"', '"\\x"'), // an unknown escape
      valid.replace('"One"', '"\\u12g4"'), // a bad \u escape
      valid.replace('"id":7', '"id":7,"deep":' + '['.repeat(70) + ']'.repeat(70)), // nested beyond 64
      valid.replace('"id":7', '"id":7,"deep":' + '['.repeat(100_000)), // nested to exhaust any stack
      '['.repeat(100_000),
      '{}',
      '[1]',
      '[{}]',
      '',
      'null',
    ];
    for (const value of broken) {
      const { faults } = await host.publish('layout', value);
      expect(faults, value.slice(0, 80)).toEqual([]);
      expect(decorations(host), value.slice(0, 80)).toBe('[]');
      expect(hover(host), value.slice(0, 80)).toBe('{"x":150,"y":150}');
    }
    // Unknown keys may nest up to 64 deep, and hold any number.
    await host.publish('layout', valid.replace('"id":7', '"id":7,"deep":' + '['.repeat(60) + '-0.5E+3' + ']'.repeat(60)));
    expect(hover(host)).toBe('{"x":150,"y":150,"window":7,"element":"content"}');
    const unhovered = decorations(host);

    await host.publish('pointer', pointer(112, 87)); // on the close button: drawn with its ×
    expect(decorations(host)).not.toBe(unhovered);
    for (const value of ['{"x":1}', '{"x":1,"y":2,"deep":' + '{"a":'.repeat(100_000), '{"y":1}', '{"x":"1","y":1}', '[1,2]', '{"x":1,"y":2', '{"x":1,"y":2}}', '{"x":-,"y":2}']) {
      await host.publish('pointer', value);
      expect(hover(host), value).toBe('{}');
      expect(decorations(host), value).toBe(unhovered);
    }
    await host.publish('pointer', '{"x":-2147483648,"y":2147483647}');
    expect(hover(host)).toBe('{"x":-2147483648,"y":2147483647}');
  });

  it('computes frames past the i32 range exactly instead of wrapping around', async () => {
    const { host } = await decorator();
    await host.publish('layout', layout([{ ...ONE, x: -2147483648, y: -2147483648, w: 2147483647, h: 2147483647 }]));
    const [frame] = shapesOf(host, 7);
    expect(frame).toMatchObject({ x: -2147483654, y: -2147483680, w: 2147483659, h: 2147483685 });
    // The frame's left edge is beyond what a pointer can say: a pointer there does not parse.
    await host.publish('pointer', pointer(-2147483654, 0));
    expect(hover(host)).toBe('{}');
    // The frame spans x -2147483654..5 and y -2147483680..4: (-2^31, 0) is in its south-west corner zone.
    await host.publish('pointer', pointer(-2147483648, 0));
    expect(hover(host)).toBe('{"x":-2147483648,"y":0,"window":7,"element":"border-sw"}');
    await host.publish('pointer', pointer(-2147483648, -100));
    expect(hover(host)).toBe('{"x":-2147483648,"y":-100,"window":7,"element":"content"}');
  });
});

describe('decorator-themed: hover', () => {
  // ONE's frame: x 94..305, y 68..205 (inclusive); the band is its outer 6 px, the corner zones
  // its first and last 20 px along each edge; the title bar x 100..299, y 74..99; the close
  // button's square x 104..119, y 79..94.
  const cases: Array<[x: number, y: number, element: string | undefined]> = [
    [200, 80, 'title'],
    [103, 87, 'title'],
    [120, 87, 'title'],
    [112, 78, 'title'],
    [112, 95, 'title'],
    [113, 74, 'title'], // inside the corner zone but off the band
    [112, 87, 'close'],
    [104, 79, 'close'],
    [119, 94, 'close'],
    [100, 100, 'content'],
    [299, 199, 'content'],
    [200, 68, 'border-n'],
    [200, 73, 'border-n'],
    [200, 205, 'border-s'],
    [200, 200, 'border-s'],
    [94, 150, 'border-w'],
    [99, 150, 'border-w'],
    [305, 150, 'border-e'],
    [300, 150, 'border-e'],
    [94, 68, 'border-nw'],
    [113, 70, 'border-nw'],
    [114, 70, 'border-n'],
    [96, 87, 'border-nw'],
    [96, 88, 'border-w'],
    [305, 68, 'border-ne'],
    [286, 70, 'border-ne'],
    [285, 70, 'border-n'],
    [305, 205, 'border-se'],
    [303, 186, 'border-se'],
    [303, 185, 'border-e'],
    [94, 205, 'border-sw'],
    [96, 186, 'border-sw'],
    [96, 185, 'border-w'],
    [93, 150, undefined],
    [306, 150, undefined],
    [200, 67, undefined],
    [200, 206, undefined],
    [-5, -5, undefined],
  ];

  it('names every element where the README puts it, and nothing off the frame', async () => {
    const { host } = await decorator();
    await host.publish('layout', layout([ONE]));
    const seen: string[] = [];
    for (const [x, y] of cases) {
      await host.publish('pointer', pointer(x, y));
      seen.push(hover(host)!);
    }
    expect(seen).toEqual(cases.map(([x, y, element]) => (element ? `{"x":${x},"y":${y},"window":7,"element":"${element}"}` : `{"x":${x},"y":${y}}`)));
  });

  it('is {} without a pointer, and the pointer alone without a layout', async () => {
    const { host } = await decorator();
    await host.publish('layout', layout([ONE]));
    expect(hover(host)).toBe('{}');
    const { host: bare } = await decorator();
    await bare.publish('pointer', pointer(112, 87, true));
    expect(hover(bare)).toBe('{"x":112,"y":87}');
    expect(decorations(bare)).toBe('[]');
    await bare.publish('pointer', '{"x":-0,"y":5}'); // the same number, written as integers are
    expect(hover(bare)).toBe('{"x":0,"y":5}');
  });

  it('takes the topmost window first where windows overlap', async () => {
    const { host } = await decorator();
    const lower: Win = { ...ONE, id: 1, focused: false };
    const upper: Win = { ...ONE, id: 2, x: 150, y: 150 }; // frame x 144..355, y 118..255
    await host.publish('layout', layout([lower, upper]));
    await host.publish('pointer', pointer(160, 160)); // content of both
    expect(hover(host)).toBe('{"x":160,"y":160,"window":2,"element":"content"}');
    await host.publish('pointer', pointer(200, 120)); // lower's content, upper's top border
    expect(hover(host)).toBe('{"x":200,"y":120,"window":2,"element":"border-n"}');
    await host.publish('pointer', pointer(120, 120)); // only lower's content
    expect(hover(host)).toBe('{"x":120,"y":120,"window":1,"element":"content"}');
    await host.publish('layout', layout([upper, lower]));
    await host.publish('pointer', pointer(160, 160));
    expect(hover(host)).toBe('{"x":160,"y":160,"window":1,"element":"content"}');
    await host.publish('pointer', pointer(162, 137)); // upper's close button, but lower is on top
    expect(hover(host)).toBe('{"x":162,"y":137,"window":1,"element":"content"}');
    // Only the window hovered is drawn hovered: upper's close button stays as it is.
    expect(shapesOf(host, 2).filter((s) => s['part'] === 'close')).toHaveLength(1);
  });
});

describe('decorator-themed: robustness', () => {
  it('keeps its memory flat over 5,000 updates in 1 MiB (and the cap is real: a 2 MiB ROM does not fit)', async () => {
    const { host, faults } = await decorator(SCENARIO.replace('report_kib: 64', 'report_kib: 64, memory_mib: 1'));
    const windows = Array.from({ length: 24 }, (_, i): Win => ({ ...ONE, id: i + 1, title: `Window ${'é'.repeat(i * 4)}`, x: 40 + 32 * (i % 8), y: 40 + 32 * (i % 8), focused: i === 23 }));
    await host.publish('layout', layout(windows));
    for (let i = 0; i < 5000; i++) {
      // Across the close buttons, title bars and borders of the stack: the hover changes on every
      // update, the decorations whenever a button or border is entered or left.
      await host.publish('pointer', pointer(40 + (i % 320), 20 + ((i * 7) % 60)));
    }
    expect(faults).toEqual([]);
    expect(host.state.children['decorator']).toMatchObject({ status: 'running', restarts: 0 });
    expect(JSON.parse(decorations(host)!)).toHaveLength(24);
    const { faults: tooBig } = await host.publish('pointer', 'x'.repeat(2 * 1024 * 1024));
    expect(tooBig.map((f) => f.child)).toEqual(['decorator']);
  });

  const coordinate = fc.oneof(fc.integer({ min: -60, max: 500 }), fc.integer({ min: -2147483648, max: 2147483647 }));
  const size = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: -2147483648, max: 2147483647 }));
  const windowsArb = fc
    .uniqueArray(fc.integer({ min: 1, max: 2147483647 }), { maxLength: 10 })
    .chain((ids) =>
      fc.tuple(
        ...ids.map((id) =>
          fc.record({ id: fc.constant(id), title: fc.string({ unit: 'binary', maxLength: 12 }), x: coordinate, y: coordinate, w: size, h: size, focused: fc.boolean() }),
        ),
      ),
    );
  const pointerArb = fc.option(fc.record({ x: coordinate, y: coordinate }), { nil: undefined });

  /** The hover the README's geometry gives: the topmost frame holding the point, and where in it. */
  function expectedHover(windows: Win[], p: { x: number; y: number } | undefined): string {
    if (!p) return '{}';
    for (const win of [...windows].reverse()) {
      const [left, top, right, bottom] = [win.x - 6, win.y - 32, win.x + win.w + 6, win.y + win.h + 6];
      if (p.x < left || p.x >= right || p.y < top || p.y >= bottom) continue;
      let element: string;
      if (p.x < left + 6 || p.x >= right - 6 || p.y < top + 6 || p.y >= bottom - 6) {
        const ns = p.y < top + 20 ? 'n' : p.y >= bottom - 20 ? 's' : '';
        const ew = p.x < left + 20 ? 'w' : p.x >= right - 20 ? 'e' : '';
        element = `border-${ns}${ew}`;
      } else if (p.y >= win.y) element = 'content';
      else element = Math.abs(p.x - (win.x + 11.5)) < 8 && Math.abs(p.y - (top + 18.5)) < 8 ? 'close' : 'title';
      return `{"x":${p.x},"y":${p.y},"window":${win.id},"element":"${element}"}`;
    }
    return `{"x":${p.x},"y":${p.y}}`;
  }

  it('never faults on random layouts and pointers, and hovers and draws them as the README says', async () => {
    const { host, faults } = await decorator();
    await fc.assert(
      fc.asyncProperty(windowsArb, pointerArb, async (windows, p) => {
        await host.publish('layout', layout(windows));
        await host.publish('pointer', p ? pointer(p.x, p.y) : 'no pointer'); // does not parse: absent
        expect(faults).toEqual([]);
        expect(margins(host)).toBe(MARGINS);
        expect(hover(host)).toBe(expectedHover(windows, p));
        const drawn = JSON.parse(decorations(host)!) as Array<{ window: number; shapes: Array<Record<string, unknown>> }>;
        expect(drawn.map((d) => d.window)).toEqual(windows.map((w) => w.id));
        drawn.forEach((d, i) => expect(d.shapes.find((s) => s['type'] === 'text')!['text']).toBe(windows[i]!.title));
      }),
      { numRuns: 300 },
    );
  });

  /** A valid layout with a byte range deleted, replaced or repeated: near misses reach deep into the reader. */
  const mutatedArb = fc
    .tuple(windowsArb, fc.nat(), fc.nat({ max: 8 }), fc.uint8Array({ maxLength: 3 }))
    .map(([windows, at, length, insert]) => {
      const valid = new TextEncoder().encode(layout(windows));
      const start = at % (valid.length + 1);
      return Uint8Array.from([...valid.subarray(0, start), ...insert, ...valid.subarray(start + length)]);
    });
  const garbageArb = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.json(), mutatedArb);

  it('never faults on random bytes as ROM values, and draws nothing for what does not parse', async () => {
    const { host, faults } = await decorator();
    await fc.assert(
      fc.asyncProperty(garbageArb, garbageArb, async (layoutValue, pointerValue) => {
        await host.publish('layout', layoutValue);
        await host.publish('pointer', pointerValue);
        expect(faults).toEqual([]);
        expect(margins(host)).toBe(MARGINS);
        const bytes = typeof layoutValue === 'string' ? new TextEncoder().encode(layoutValue) : layoutValue;
        let parsed: unknown;
        try {
          // Not fatal: the component never checks UTF-8 (a title passes through as bytes), so
          // only the grammar decides, and a bad byte in a title is no reason for '[]'.
          parsed = JSON.parse(new TextDecoder().decode(bytes));
        } catch {
          expect(decorations(host)).toBe('[]');
        }
        if (!Array.isArray(parsed) || parsed.length === 0) expect(decorations(host)).toBe('[]');
        expect(hover(host)).toMatch(/^\{("x":-?\d+,"y":-?\d+(,"window":-?\d+,"element":"[a-z-]+")?)?\}$/);
      }),
      { numRuns: 400 },
    );
  });

  it('is invisible when killed and restarted: it keeps no state', async () => {
    const { host, changes } = await decorator();
    await fc.assert(
      // Several updates between restarts: state kept in memory would have time to show.
      fc.asyncProperty(fc.array(fc.tuple(fc.oneof(windowsArb.map(layout), garbageArb), pointerArb), { minLength: 1, maxLength: 5 }), async (steps) => {
        for (const [layoutValue, p] of steps) {
          await host.publish('layout', layoutValue);
          await host.publish('pointer', p ? pointer(p.x, p.y) : '');
        }
        const before = new Map(host.reports());
        const seen = changes.length;
        await host.kill('decorator');
        const { faults } = await host.restart('decorator');
        expect(faults).toEqual([]);
        expect(changes.slice(seen)).toEqual([]); // the fresh instance submitted the same bytes: nothing changed downstream
        expect(host.reports()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });
});
