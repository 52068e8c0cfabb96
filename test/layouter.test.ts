import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layout, pointer, type Placed } from '../bench/window-manager.js';
import type { Host } from '../host/index.js';
import { started, text } from './support/scenarios.js';

/**
 * components/layouter against the contract of examples/windows/README.md. The test plays every
 * other part: the applications (`input/windows`), the mouse (`input/pointer`) and the decorator
 * (`input/margins`, `input/hover`), so each hover arrives exactly when a test says.
 */
const YAML = `
components: { layouter: components/layouter/layouter.wasm }
children:
  layouter:
    component: layouter
    roms: { windows: input/windows, pointer: input/pointer, margins: input/margins, hover: input/hover, rules: layouter/rules }
    reports: [window_layout, rules]
`;

const MARGINS = '{"top":24,"right":4,"bottom":4,"left":4}';
const EDITOR = { id: 1, title: 'Editor' };
const TERMINAL = { id: 2, title: 'Terminal', w: 400, h: 240 };
const NOTES = { id: 3, title: 'Notes', w: 260, h: 300 };

type Over = readonly [window: number, element: string];

/** The stacking, bottom to top, with a `*` on the focused window. */
const stack = (host: Host): string => layout(host).map((w) => `${w.id}${w.focused ? '*' : ''}`).join(' ');
const rectOf = (host: Host, id: number) => {
  const w = layout(host).find((p) => p.id === id);
  return w && [w.x, w.y, w.w, w.h];
};

const windows = (host: Host, list: readonly object[]) => host.publish('windows', JSON.stringify(list));
/** The decorator's hover for (x, y): over `over`, or over no window. */
const hoverValue = (x: number, y: number, over?: Over | null) => JSON.stringify(over ? { x, y, window: over[0], element: over[1] } : { x, y });
const hover = (host: Host, x: number, y: number, over?: Over) => host.publish('hover', hoverValue(x, y, over));

/** The mouse at (x, y), then the decorator's hover for it: what the real decorator does in one step. */
async function at(host: Host, x: number, y: number, pressed: boolean, over?: Over): Promise<void> {
  await pointer(host, x, y, pressed);
  await hover(host, x, y, over);
}

/** A layouter with the classic decorator's margins and `list` open: Editor, Terminal, Notes by default. */
async function desk(list: readonly object[] = [EDITOR, TERMINAL, NOTES]) {
  const run = await started(YAML);
  await run.host.publish('margins', MARGINS);
  await windows(run.host, list);
  return run;
}

describe('placement', () => {
  it('places new windows in list order, cascading from the margins, each on top and focused', async () => {
    const { host, faults } = await desk();
    expect(layout(host)).toEqual([
      { id: 1, title: 'Editor', x: 44, y: 64, w: 320, h: 200, focused: false },
      { id: 2, title: 'Terminal', x: 76, y: 96, w: 400, h: 240, focused: false },
      { id: 3, title: 'Notes', x: 108, y: 128, w: 260, h: 300, focused: true },
    ]);
    expect(faults).toEqual([]);
  });

  it('places at 40, 40 while there are no margins, and wraps the cascade after 8 windows', async () => {
    const { host } = await started(YAML);
    expect(text(host.read('layouter/window_layout'))).toBe('[]');
    const nine = Array.from({ length: 9 }, (_, i) => ({ id: i + 1, title: `w${i + 1}` }));
    await windows(host, nine);
    expect(layout(host).map((w) => [w.id, w.x, w.y])).toEqual([
      [1, 40, 40], [2, 72, 72], [3, 104, 104], [4, 136, 136], [5, 168, 168], [6, 200, 200], [7, 232, 232], [8, 264, 264], [9, 40, 40],
    ]);
    expect(stack(host)).toBe('1 2 3 4 5 6 7 8 9*');
  });

  it('writes the exact bytes of the contract, titles copied as written, whatever the reader got', async () => {
    // Keys in another order, whitespace, an unknown key with a nested value and a float.
    const { host } = await started(YAML);
    await host.publish('margins', ' { "left" : 4 , "bottom":4,"top":24,"right":4, "theme": "dark"} ');
    await host.publish('windows', String.raw`[ {"title":"Tab\t\"q\" \u00e9 é ☃","extra":{"a":[1,2.5e3,null]},"id":7} ]`);
    expect(text(host.read('layouter/window_layout'))).toBe(
      String.raw`[{"id":7,"title":"Tab\t\"q\" \u00e9 é ☃","x":44,"y":64,"w":320,"h":200,"focused":true}]`,
    );
  });

  it('reads escaped keys and element names as JSON decodes them, and unknown values nested up to 32 deep', async () => {
    const { host } = await desk([EDITOR, TERMINAL]);
    await host.publish('pointer', String.raw`{"\u0078":5,"y":5,"pressed":true}`);
    await host.publish('hover', String.raw`{"x":5,"y":5,"window":1,"el\u0065ment":"\u0074itle"}`);
    expect(stack(host)).toBe('2 1*');
    await pointer(host, 15, 5, true);
    expect(rectOf(host, 1)).toEqual([54, 64, 320, 200]); // a title grab: it moves
    await pointer(host, 15, 5, false);
    // 1 object + 31 arrays: read through; one more array is too deep, and the pointer absent.
    const nested = (depth: number) => `{"x":9,"y":9,"pressed":true,"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    await hover(host, 9, 9, [2, 'content']);
    await host.publish('pointer', nested(32));
    expect(stack(host)).toBe('2 1*');
    await host.publish('pointer', nested(31));
    expect(stack(host)).toBe('1 2*');
  });

  it('gives the contract example after a press on the Editor', async () => {
    const { host } = await desk([EDITOR, TERMINAL]);
    await at(host, 100, 150, true, [1, 'content']);
    expect(text(host.read('layouter/window_layout'))).toBe(
      '[{"id":2,"title":"Terminal","x":76,"y":96,"w":400,"h":240,"focused":false},{"id":1,"title":"Editor","x":44,"y":64,"w":320,"h":200,"focused":true}]',
    );
  });

  it('keeps a placed window where it is when the list changes around it, and follows title changes', async () => {
    const { host } = await desk();
    await windows(host, [{ id: 4, title: 'New' }, { ...EDITOR, title: 'Editor*' }, TERMINAL, NOTES]);
    // The new window counts the 3 already placed, whatever its place in the list.
    expect(layout(host).map((w) => [w.id, w.title, w.x, w.y])).toEqual([
      [1, 'Editor*', 44, 64], [2, 'Terminal', 76, 96], [3, 'Notes', 108, 128], [4, 'New', 140, 160],
    ]);
    expect(stack(host)).toBe('1 2 3 4*');
  });
});

describe('a window leaving the list', () => {
  it('is forgotten; the focus, if it had it, goes to the top window; coming back it is placed anew', async () => {
    const { host } = await desk();
    await windows(host, [EDITOR, TERMINAL]);
    expect(stack(host)).toBe('1 2*');
    await windows(host, [TERMINAL]);
    expect(stack(host)).toBe('2*');
    await at(host, 0, 0, true); // over no window: nobody has the focus
    await at(host, 0, 0, false);
    expect(stack(host)).toBe('2');
    await windows(host, [EDITOR, TERMINAL, NOTES]);
    expect(layout(host).map((w) => [w.id, w.x, w.y, w.focused])).toEqual([
      [2, 76, 96, false], [1, 76, 96, false], [3, 108, 128, true],
    ]);
  });

  it('treats a windows value that does not parse, or breaks the format, as no windows', async () => {
    for (const bad of ['[{"id":1,"title":"a"},', '[{"id":1}]', '[{"id":0,"title":"a"}]', '[{"id":1,"title":"a"},{"id":1,"title":"b"}]', '[{"id":1,"title":"a","w":1.5}]', '{"id":1,"title":"a"}', '[{"id":2147483648,"title":"a"}]']) {
      const { host } = await desk([EDITOR]);
      await host.publish('windows', bad);
      expect([bad, text(host.read('layouter/window_layout'))]).toEqual([bad, '[]']);
    }
  });
});

describe('moving', () => {
  it('follows the pointer from the press, keeps the title bar below the top margin, and stops at release', async () => {
    const { host } = await desk();
    await at(host, 100, 50, true, [1, 'title']); // the Editor's title bar: 64 - 24 <= 50 < 64
    expect(stack(host)).toBe('2 3 1*');
    await pointer(host, 150, 80, true); // a drag needs no hover
    expect(rectOf(host, 1)).toEqual([94, 94, 320, 200]);
    await pointer(host, 130, -500, true);
    expect(rectOf(host, 1)).toEqual([74, 24, 320, 200]);
    await pointer(host, 100, 50, true); // the same pointer gives the same layout
    expect(rectOf(host, 1)).toEqual([44, 64, 320, 200]);
    await pointer(host, 90, 60, true);
    await pointer(host, 90, 60, false);
    await pointer(host, 300, 300, false);
    expect(rectOf(host, 1)).toEqual([34, 74, 320, 200]);
    expect(stack(host)).toBe('2 3 1*');
  });
});

describe('resizing', () => {
  // The Editor is at 44, 64, 320 × 200: right edge 364, bottom edge 264.
  it.each([
    ['border-e', [30, 10], [44, 64, 350, 200]],
    ['border-e', [-1000, 0], [44, 64, 120, 200]],
    ['border-s', [10, 30], [44, 64, 320, 230]],
    ['border-s', [0, -1000], [44, 64, 320, 60]],
    ['border-w', [-30, 10], [14, 64, 350, 200]],
    ['border-w', [1000, 0], [244, 64, 120, 200]],
    ['border-n', [10, -30], [44, 34, 320, 230]],
    ['border-n', [0, 1000], [44, 204, 320, 60]],
    ['border-se', [50, 30], [44, 64, 370, 230]],
    ['border-se', [-1000, -1000], [44, 64, 120, 60]],
    ['border-nw', [-10, -20], [34, 44, 330, 220]],
    ['border-nw', [1000, 1000], [244, 204, 120, 60]],
    ['border-ne', [10, 1000], [44, 204, 330, 60]],
    ['border-sw', [1000, 10], [244, 64, 120, 210]],
  ] as const)('from %s by %j gives %j', async (element, [dx, dy], expected) => {
    const { host } = await desk([EDITOR, TERMINAL]);
    await at(host, 200, 150, true, [1, element]);
    expect(stack(host)).toBe('2 1*');
    await pointer(host, 200 + dx, 150 + dy, true);
    expect(rectOf(host, 1)).toEqual(expected);
    await pointer(host, 200 + dx, 150 + dy, false);
    await pointer(host, 0, 0, false);
    expect(rectOf(host, 1)).toEqual(expected);
  });

  it('places a window at the size it asks, and holds only the dimension being resized to the minimum', async () => {
    const { host } = await desk([{ id: 1, title: 'tiny', w: 100, h: 40 }]);
    expect(rectOf(host, 1)).toEqual([44, 64, 100, 40]);
    await at(host, 144, 100, true, [1, 'border-e']);
    await pointer(host, 154, 100, true);
    expect(rectOf(host, 1)).toEqual([44, 64, 120, 40]);
  });

  it('saturates instead of overflowing at the ends of the 32-bit range', async () => {
    const { host, faults } = await desk([{ id: 1, title: 'big', w: 2147483000, h: 2147483000 }]);
    await at(host, -2147483648, -2147483648, true, [1, 'border-se']);
    await pointer(host, 2147483647, 2147483647, true);
    expect(rectOf(host, 1)).toEqual([44, 64, 2147483647, 2147483647]);
    await at(host, 2147483647, 2147483647, false);
    await at(host, 0, 0, true, [1, 'title']);
    await pointer(host, 2147483647, -2147483648, true);
    expect(rectOf(host, 1)).toEqual([2147483647, 24, 2147483647, 2147483647]);
    expect(faults).toEqual([]);
  });
});

describe('a press', () => {
  it('waits until the hover was computed for the pointer position, then acts', async () => {
    const { host } = await desk();
    await pointer(host, 60, 70, true); // no hover at all yet
    expect(stack(host)).toBe('1 2 3*');
    await hover(host, 61, 70, [1, 'content']); // computed for another position
    expect(stack(host)).toBe('1 2 3*');
    await hover(host, 60, 70, [1, 'title']);
    expect(stack(host)).toBe('2 3 1*');
    // Acted at the position the hover was for: the move starts from there.
    await pointer(host, 70, 80, true);
    expect(rectOf(host, 1)).toEqual([54, 74, 320, 200]);
  });

  it('waiting, acts where the pointer is when the hover for it comes, and not at all when released first', async () => {
    const { host } = await desk();
    await hover(host, 0, 0);
    await pointer(host, 60, 70, true);
    await pointer(host, 80, 90, true);
    await hover(host, 60, 70, [1, 'title']); // for where it was: too late
    expect(stack(host)).toBe('1 2 3*');
    await hover(host, 80, 90, [2, 'content']);
    expect(stack(host)).toBe('1 3 2*');
    await at(host, 80, 90, false, [2, 'content']);
    await pointer(host, 50, 50, true);
    await pointer(host, 50, 50, false);
    await hover(host, 50, 50, [1, 'content']); // the press it was for is over
    expect(stack(host)).toBe('1 3 2*');
  });

  it('on content raises and focuses the window', async () => {
    const { host } = await desk();
    await at(host, 80, 100, true, [1, 'content']);
    expect(stack(host)).toBe('2 3 1*');
    await at(host, 80, 100, false, [1, 'content']);
    await at(host, 200, 200, true, [2, 'content']);
    expect(stack(host)).toBe('3 1 2*');
    expect(rectOf(host, 2)).toEqual([76, 96, 400, 240]);
  });

  it('over no window takes the focus away; so does a hover naming a window not in the layout', async () => {
    const { host } = await desk();
    await at(host, 700, 700, true);
    expect(stack(host)).toBe('1 2 3');
    await at(host, 700, 700, false);
    await at(host, 80, 100, true, [2, 'border-s']);
    expect(stack(host)).toBe('1 3 2*');
    await at(host, 80, 100, false, [2, 'border-s']);
    // At another position: at 80, 100 the hover for it is still there and would act at once.
    await at(host, 81, 100, true, [99, 'content']);
    expect(stack(host)).toBe('1 3 2');
  });

  it('on an element the layouter does not know focuses and raises, and grabs nothing', async () => {
    const { host } = await desk();
    await at(host, 80, 100, true, [1, 'minimize']);
    expect(stack(host)).toBe('2 3 1*');
    await pointer(host, 180, 200, true);
    expect(rectOf(host, 1)).toEqual([44, 64, 320, 200]);
  });

  it('is one press however often the same pointer is read again', async () => {
    const { host } = await desk();
    await at(host, 80, 100, true, [1, 'content']);
    expect(stack(host)).toBe('2 3 1*');
    // A new window goes on top while the button is held; every update after reads the same pressed pointer.
    await windows(host, [EDITOR, TERMINAL, NOTES, { id: 4, title: 'Popup' }]);
    expect(stack(host)).toBe('2 3 1 4*');
    await hover(host, 80, 100, [4, 'content']); // the decorator's new hover, same position
    await host.restart('layouter');
    await host.publish('margins', MARGINS.replace('24', '25'));
    await pointer(host, 80, 100, true); // byte-equal: no change at all
    expect(stack(host)).toBe('2 3 1 4*');
    // Only a release and a new press act again.
    await pointer(host, 80, 100, false);
    await hover(host, 80, 100, [1, 'content']);
    expect(stack(host)).toBe('2 3 1 4*');
    await pointer(host, 80, 100, true);
    expect(stack(host)).toBe('2 3 4 1*');
  });
});

describe('closing', () => {
  // The Terminal's title bar spans 96 - 24 = 72 to 96; say its close button is at 460, 84.
  it('closes on a press and release over the close button; the focus goes to the top window', async () => {
    const { host } = await desk();
    await at(host, 460, 84, true, [2, 'close']);
    expect(stack(host)).toBe('1 3 2*');
    await pointer(host, 460, 84, false); // the hover for this position is already there
    expect(stack(host)).toBe('1 3*');
    // Still in the list, it stays closed; out of it and back, it is placed anew, among 2 windows.
    await windows(host, [EDITOR, TERMINAL, NOTES, { id: 4, title: 'New' }]);
    expect(layout(host).map((w) => [w.id, w.x, w.y])).toEqual([[1, 44, 64], [3, 108, 128], [4, 108, 128]]);
    await windows(host, [EDITOR, NOTES, { id: 4, title: 'New' }]);
    await windows(host, [EDITOR, TERMINAL, NOTES, { id: 4, title: 'New' }]);
    expect(layout(host).map((w) => [w.id, w.x, w.y, w.focused])).toEqual([
      [1, 44, 64, false], [3, 108, 128, false], [4, 108, 128, false], [2, 140, 160, true],
    ]);
  });

  it('judges a release away from the press by the hover for where it is', async () => {
    const { host } = await desk();
    await at(host, 460, 84, true, [2, 'close']);
    await pointer(host, 300, 200, true);
    expect(rectOf(host, 2)).toEqual([76, 96, 400, 240]); // a close button drags nothing
    await pointer(host, 461, 85, false);
    expect(stack(host)).toBe('1 3 2*'); // no hover for 461, 85 yet
    await hover(host, 461, 85, [2, 'close']);
    expect(stack(host)).toBe('1 3*');
  });

  it('does not close when released elsewhere', async () => {
    const { host } = await desk();
    await at(host, 460, 84, true, [2, 'close']);
    await at(host, 300, 200, false, [2, 'content']);
    expect(stack(host)).toBe('1 3 2*');
    await at(host, 460, 84, false, [2, 'close']); // the release is over: hovering back is nothing
    expect(stack(host)).toBe('1 3 2*');
  });

  it('does not close when the hover at the release names another window', async () => {
    const { host } = await desk();
    await at(host, 460, 84, true, [2, 'close']);
    await at(host, 470, 84, false, [3, 'close']);
    expect(stack(host)).toBe('1 3 2*');
  });

  it('does not close a window that left the list and came back while the button was held', async () => {
    const { host } = await desk();
    await at(host, 460, 84, true, [2, 'close']);
    await windows(host, [EDITOR, NOTES]);
    await windows(host, [EDITOR, NOTES, TERMINAL]);
    await pointer(host, 460, 84, false);
    expect(stack(host)).toBe('1 3 2*');
  });
});

describe('rules', () => {
  it('hold the whole state in the documented format', async () => {
    const { host } = await desk([EDITOR, TERMINAL]);
    expect(text(host.read('layouter/rules'))).toBe(
      '{"windows":[{"id":1,"x":44,"y":64,"w":320,"h":200},{"id":2,"x":76,"y":96,"w":400,"h":240}],"focus":2,"closed":[],"button":"up"}',
    );
    await at(host, 100, 50, true, [1, 'title']);
    expect(text(host.read('layouter/rules'))).toBe(
      '{"windows":[{"id":2,"x":76,"y":96,"w":400,"h":240},{"id":1,"x":44,"y":64,"w":320,"h":200}],"focus":1,"closed":[],"button":"down","grab":{"window":1,"element":"title","px":100,"py":50,"x":44,"y":64,"w":320,"h":200}}',
    );
    await at(host, 100, 50, false, [1, 'title']);
    await at(host, 460, 84, true, [2, 'close']);
    await pointer(host, 400, 84, false);
    expect(text(host.read('layouter/rules'))).toBe(
      '{"windows":[{"id":1,"x":44,"y":64,"w":320,"h":200},{"id":2,"x":76,"y":96,"w":400,"h":240}],"focus":2,"closed":[],"button":"releasing","grab":{"window":2,"element":"close","px":460,"py":84,"x":76,"y":96,"w":400,"h":240}}',
    );
    await hover(host, 400, 84, [2, 'close']);
    await at(host, 0, 0, true);
    expect(text(host.read('layouter/rules'))).toBe('{"windows":[{"id":1,"x":44,"y":64,"w":320,"h":200}],"focus":null,"closed":[2],"button":"down"}');
    await pointer(host, 5, 5, true);
    await pointer(host, 5, 5, false);
    await pointer(host, 6, 6, true);
    expect(text(host.read('layouter/rules'))).toBe('{"windows":[{"id":1,"x":44,"y":64,"w":320,"h":200}],"focus":null,"closed":[2],"button":"waiting"}');
  });
});

// ---- properties over random input sequences ----

/** An input as the property test publishes it. */
type Input = readonly [rom: 'windows' | 'pointer' | 'hover' | 'margins', value: string | Uint8Array];

const BORDERS = ['border-n', 'border-s', 'border-e', 'border-w', 'border-ne', 'border-nw', 'border-se', 'border-sw'];
/** Titles and close buttons as often as all borders together: the elements with the most behaviour. */
const element = fc.oneof(fc.constantFrom('title', 'close', 'content'), fc.constantFrom(...BORDERS), fc.constantFrom('title', 'close', 'other'));
const id = fc.integer({ min: 1, max: 5 });
/** Mostly where windows are, sometimes anywhere in 32 bits. */
const coord = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: -50, max: 500 }) }, { weight: 1, arbitrary: fc.integer() });
const over: fc.Arbitrary<Over> = fc.tuple(id, element);
const size = fc.option(fc.oneof(fc.integer({ min: 0, max: 500 }), fc.integer()), { nil: undefined });

/** A step of the test, before it is turned into an input: a hover may be for the pointer's position. */
type Step =
  | { kind: 'windows'; list: { id: number; title: string; w: number | undefined; h: number | undefined }[] }
  | { kind: 'pointer'; x: number; y: number; pressed: boolean; decorated: { over: Over | null } | 'same' | null }
  | { kind: 'hover'; here: boolean; x: number; y: number; over: Over | null }
  | { kind: 'margins'; top: number; left: number }
  | { kind: 'raw'; rom: Input[0]; value: string | Uint8Array }
  /** A whole press, drag and release, decorated: the way most of a session goes. */
  | { kind: 'gesture'; x: number; y: number; over: Over; moves: [number, number][]; releasedOver: 'same' | Over | null };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('windows' as const),
      list: fc.uniqueArray(fc.record({ id, title: fc.string({ maxLength: 6 }), w: size, h: size }), { selector: (w) => w.id, maxLength: 5 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('pointer' as const),
      x: coord,
      y: coord,
      pressed: fc.boolean(),
      // Mostly followed by the decorator's hover for it, as in the example: over a window or
      // not, or over what the last hover was over (the pointer moved within an element).
      decorated: fc.option(fc.oneof(fc.record({ over: fc.option(over, { nil: null, freq: 5 }) }), fc.constant('same' as const)), { nil: null, freq: 5 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('hover' as const),
      here: fc.boolean(),
      x: coord,
      y: coord,
      over: fc.option(over, { nil: null }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('gesture' as const),
      x: coord,
      y: coord,
      over,
      moves: fc.array(fc.tuple(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -300, max: 300 })), { maxLength: 3 }),
      releasedOver: fc.oneof(fc.constant('same' as const), over, fc.constant(null)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('margins' as const), top: coord, left: coord }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      rom: fc.constantFrom('windows' as const, 'pointer' as const, 'hover' as const, 'margins' as const),
      value: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.string({ maxLength: 40 }), fc.json({ maxDepth: 3 }), fc.constant('['.repeat(5000))),
    }),
  },
);

/** The steps as inputs; a hover `here` is for the last pointer published, as the decorator's would be. */
function inputs(steps: readonly Step[]): Input[] {
  let last = { x: 0, y: 0 };
  let lastOver: Over | null = null;
  const hovering = (x: number, y: number, over: Over | null): Input => {
    lastOver = over;
    return ['hover', hoverValue(x, y, over)];
  };
  return steps.flatMap((s): Input[] => {
    switch (s.kind) {
      case 'windows':
        return [['windows', JSON.stringify(s.list)]];
      case 'pointer': {
        last = s;
        const moved: Input = ['pointer', JSON.stringify({ x: s.x, y: s.y, pressed: s.pressed })];
        if (s.decorated === null) return [moved];
        return [moved, hovering(s.x, s.y, s.decorated === 'same' ? lastOver : s.decorated.over)];
      }
      case 'hover': {
        const { x, y } = s.here ? last : s;
        return [hovering(x, y, s.over)];
      }
      case 'margins':
        return [['margins', JSON.stringify({ top: s.top, right: 4, bottom: 4, left: s.left })]];
      case 'raw':
        return [[s.rom, s.value]];
      case 'gesture': {
        const press = { x: s.x, y: s.y };
        last = s.moves.reduce(({ x, y }, [dx, dy]) => ({ x: x + dx, y: y + dy }), press);
        return [
          ['pointer', JSON.stringify({ ...press, pressed: true })],
          hovering(s.x, s.y, s.over),
          ...s.moves.map(([dx, dy]): Input => ['pointer', JSON.stringify({ x: s.x + dx, y: s.y + dy, pressed: true })]),
          ['pointer', JSON.stringify({ ...last, pressed: false })],
          hovering(last.x, last.y, s.releasedOver === 'same' ? s.over : s.releasedOver),
        ];
      }
    }
  });
}

/** Every run starts with windows 1 to 4 open, so that presses have something to act on. */
const OPENING: Input[] = [
  ['margins', MARGINS],
  ['windows', JSON.stringify([EDITOR, TERMINAL, NOTES, { id: 4, title: 'Four' }])],
];

/** Runs `list` on a fresh layouter, killing and restarting it before each input when asked. */
async function play(list: readonly Input[], restart: boolean) {
  const { host, changes, faults } = await started(YAML);
  const layouts: string[] = [];
  for (const [rom, value] of list) {
    if (restart) {
      await host.kill('layouter');
      await host.restart('layouter');
    }
    await host.publish(rom, value);
    layouts.push(text(host.read('layouter/window_layout'))!);
  }
  const status = host.state.children['layouter']?.status;
  await host.close();
  return { changes, faults, layouts, status };
}

describe('properties', () => {
  it('never faults, settles in one pass, keeps the layout well-formed, and is invisible when killed and restarted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 24, size: 'max' }), async (steps) => {
        const list = [...OPENING, ...inputs(steps)];
        const undisturbed = await play(list, false);
        expect(undisturbed.faults).toEqual([]);
        expect(undisturbed.status).toBe('running');
        // Each report changes at most once a step: the update applied to its own `rules` changes nothing.
        const perStep = undisturbed.changes.map((c) => c.replace(/=[^]*@/, '@'));
        expect(new Set(perStep).size).toBe(perStep.length);
        for (const bytes of undisturbed.layouts) {
          const placed = JSON.parse(bytes) as Placed[];
          expect(new Set(placed.map((w) => w.id)).size).toBe(placed.length);
          expect(placed.filter((w) => w.focused).length).toBeLessThanOrEqual(1);
        }

        const restarted = await play(list, true);
        expect(restarted.faults).toEqual([]);
        const seen = (changes: string[]) => changes.map((c) => c.replace(/@\d+$/, ''));
        expect(seen(restarted.changes)).toEqual(seen(undisturbed.changes));
      }),
      { numRuns: 60 },
    );
  });
});
