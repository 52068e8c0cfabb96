/**
 * decorator-themed: the look of the window manager in examples/windows (its README is the
 * contract), in a modern dark theme: a rounded frame, the title centered, a round close button at
 * the left end of the title bar. From ROMs `window_layout` and `pointer` it reports `margins`,
 * `hover` and `decorations`, all three on every update.
 *
 * It keeps nothing between updates (every report follows from the two ROMs), so a restart or a
 * swap for the other decorator is invisible. Everything is bytes: a title's string token is
 * copied from `window_layout` into `decorations` as it was read, never decoded. A ROM that does
 * not parse, or lacks a key, is treated as absent, as the contract says; no input traps.
 *
 * The geometry (README.md has it in full): around the content rectangle (x, y, w, h), the frame
 * is the outer rectangle grown by the margins. Its outer BAND pixels are the resize border; the
 * rest of the top margin is the title bar, exactly as wide as the content, with the close button
 * at its left end.
 */
import { read, submit } from "romhost";
import { Reader, Writer } from "./json";

// ---- geometry (scene pixels) ----

const TOP: i64 = 32;
const RIGHT: i64 = 6;
const BOTTOM: i64 = 6;
const LEFT: i64 = 6;
/** The resize border: the outer pixels of the frame on every side. */
const BAND: i64 = 6;
/** Along each edge, this many pixels from a corner resize diagonally. */
const CORNER: i64 = 20;
/** The frame's rounded corners. */
const RADIUS: i64 = 8;
/** The title bar: from the border down to the content, so TOP - BAND high. */
const TITLE_HEIGHT: i64 = TOP - BAND;
/** The title's baseline, below the frame's top: 13 px text centered in the bar. */
const BASELINE: i64 = 24;
const TEXT_SIZE: i64 = 13;
/** The close button: a circle centered CLOSE_DX right of the content's left edge, CLOSE_DY below the frame's top. */
const CLOSE_DX: i64 = 12;
const CLOSE_DY: i64 = 19;
const CLOSE_R: i64 = 7;
/** It is hit in the square of CLOSE_HALF either side of its center (a pixel more than the circle, as a pointer is coarse). */
const CLOSE_HALF: i64 = 8;
/** The arms of the "×" drawn on a hovered close button. */
const CROSS: i64 = 3;

// ---- colors ----

const FRAME = "#2b2d42";
const CLOSE_HOVERED = "#ff7b9c";
const CROSS_COLOR = "#2b2d42";
const BORDER_HOVERED = "#ffd166";

/** What differs between the focused window and the others: the focused one is lighter. */
class Look {
  constructor(
    public frameEdge: string,
    public titleBar: string,
    public text: string,
    public weight: string,
    public close: string,
  ) {}
}

// Made once by _initialize and never changed: a constant table, not state.
const FOCUSED_LOOK = new Look("#4f5474", "#3d405b", "#edf2f4", "bold", "#ef476f");
const UNFOCUSED_LOOK = new Look("#1b1c29", "#24263a", "#8d99ae", "normal", "#4a4e69");

// ---- elements: what a point of a window is ----

const NONE: i32 = 0;
const CONTENT: i32 = 1;
const TITLE_BAR: i32 = 2;
const CLOSE_BUTTON: i32 = 3;
/** A border element is BORDER with its edges: N, S, E, W (a corner has two). */
const BORDER: i32 = 0x10;
const N: i32 = 1;
const S: i32 = 2;
const E: i32 = 4;
const W: i32 = 8;

/** A window of `window_layout`; the title is where its string token lies in the ROM's bytes. */
class Window {
  id: i32 = 0;
  titleStart: i32 = 0;
  titleEnd: i32 = 0;
  x: i32 = 0;
  y: i32 = 0;
  w: i32 = 0;
  h: i32 = 0;
  focused: bool = false;
}

class Pointer {
  constructor(public x: i32, public y: i32) {}
}

export function update(changed: string[]): void {
  // `changed` is not consulted: every report is recomputed from both ROMs, which is cheap, and
  // so a restart (every ROM "changed") and an ordinary update give the same bytes.
  const layoutBytes = read("window_layout");
  let windows: Window[] | null = null;
  if (layoutBytes != null) windows = parseLayout(layoutBytes);
  const pointerBytes = read("pointer");
  let pointer: Pointer | null = null;
  if (pointerBytes != null) pointer = parsePointer(pointerBytes);

  // Topmost first: the last window of the layout is on top.
  let hovered = -1;
  let hoveredWindow: Window | null = null;
  let element = NONE;
  if (windows != null && pointer != null) {
    for (let i = windows.length - 1; i >= 0; i--) {
      element = hit(windows[i], <i64>pointer.x, <i64>pointer.y);
      if (element != NONE) {
        hovered = i;
        hoveredWindow = windows[i];
        break;
      }
    }
  }

  submit("margins", margins());
  submit("hover", hover(pointer, hoveredWindow, element));
  if (windows == null) submit("decorations", Uint8Array.wrap(String.UTF8.encode("[]")));
  else submit("decorations", decorations(layoutBytes!, windows, hovered, element));
}

// ---- reading ----

/** The keys of a window in `window_layout`; all of them are required. */
const WINDOW_KEYS: StaticArray<string> = ["id", "x", "y", "w", "h", "title", "focused"];
const K_ID = 0;
const K_X = 1;
const K_Y = 2;
const K_W = 3;
const K_H = 4;
const K_TITLE = 5;
const K_FOCUSED = 6;
/** The keys of `pointer` it reads, both required; others (`pressed`) are skipped. */
const POINTER_KEYS: StaticArray<string> = ["x", "y"];

/** `window_layout`: an array of windows, each with all seven keys; null when it does not parse. */
function parseLayout(bytes: Uint8Array): Window[] | null {
  const r = new Reader(bytes);
  const windows = new Array<Window>(0);
  if (!r.openArray()) return null;
  while (!r.closed) {
    const window = parseWindow(r);
    if (window == null) return null;
    windows.push(window);
    if (!r.nextInArray()) return null;
  }
  return r.atEnd() ? windows : null;
}

function parseWindow(r: Reader): Window | null {
  const numbers = new StaticArray<i32>(K_TITLE); // the integer keys come first in WINDOW_KEYS
  const window = new Window();
  let has = 0;
  if (!r.openObject()) return null;
  while (!r.closed) {
    if (!r.key()) return null;
    // A key given twice counts as given last, as in JavaScript's JSON.parse.
    const k = keyIndex(r, WINDOW_KEYS);
    if (k == K_TITLE) {
      if (!r.string()) return null;
      window.titleStart = r.tokenStart;
      window.titleEnd = r.tokenEnd;
    } else if (k == K_FOCUSED) {
      if (!r.boolean()) return null;
      window.focused = r.flag;
    } else if (k >= 0) {
      if (!r.integer()) return null;
      numbers[k] = r.number;
    } else if (!r.skip()) {
      return null;
    }
    if (k >= 0) has |= 1 << k;
    if (!r.nextInObject()) return null;
  }
  if (has != (1 << WINDOW_KEYS.length) - 1) return null;
  window.id = numbers[K_ID];
  window.x = numbers[K_X];
  window.y = numbers[K_Y];
  window.w = numbers[K_W];
  window.h = numbers[K_H];
  return window;
}

/** `pointer`: an object with integers `x` and `y`; null when it does not parse. */
function parsePointer(bytes: Uint8Array): Pointer | null {
  const r = new Reader(bytes);
  const numbers = new StaticArray<i32>(2);
  let has = 0;
  if (!r.openObject()) return null;
  while (!r.closed) {
    if (!r.key()) return null;
    const k = keyIndex(r, POINTER_KEYS);
    if (k >= 0) {
      if (!r.integer()) return null;
      numbers[k] = r.number;
      has |= 1 << k;
    } else if (!r.skip()) {
      return null;
    }
    if (!r.nextInObject()) return null;
  }
  return has == 3 && r.atEnd() ? new Pointer(numbers[0], numbers[1]) : null;
}

/** Which of `keys` the key just read is, or -1 for one it does not know. */
function keyIndex(r: Reader, keys: StaticArray<string>): i32 {
  for (let i = 0; i < keys.length; i++) if (r.tokenIs(keys[i])) return i;
  return -1;
}

// ---- hit-testing ----

/**
 * What point (px, py) is of `window`, or NONE when it is outside its frame. In i64: a frame
 * grown from i32 coordinates may leave their range.
 */
function hit(window: Window, px: i64, py: i64): i32 {
  const x = <i64>window.x;
  const y = <i64>window.y;
  const left = x - LEFT;
  const top = y - TOP;
  const right = x + <i64>window.w + RIGHT; // exclusive
  const bottom = y + <i64>window.h + BOTTOM; // exclusive
  if (px < left || px >= right || py < top || py >= bottom) return NONE;

  if (px < left + BAND || px >= right - BAND || py < top + BAND || py >= bottom - BAND) {
    // On the band. Near a corner along either edge it resizes diagonally; in a frame too small
    // for both corner zones, north and west win.
    let edges = 0;
    if (py < top + CORNER) edges |= N;
    else if (py >= bottom - CORNER) edges |= S;
    if (px < left + CORNER) edges |= W;
    else if (px >= right - CORNER) edges |= E;
    return BORDER | edges;
  }
  // Inside the band: the content, or the title bar above it.
  if (py >= y) return CONTENT;
  const cx = x + CLOSE_DX;
  const cy = top + CLOSE_DY;
  if (px >= cx - CLOSE_HALF && px < cx + CLOSE_HALF && py >= cy - CLOSE_HALF && py < cy + CLOSE_HALF) return CLOSE_BUTTON;
  return TITLE_BAR;
}

// ---- writing ----

function margins(): Uint8Array {
  const out = new Writer(48);
  out.number('{"top":', TOP);
  out.number(',"right":', RIGHT);
  out.number(',"bottom":', BOTTOM);
  out.number(',"left":', LEFT);
  out.byte(0x7d); // }
  return out.done();
}

function hover(pointer: Pointer | null, window: Window | null, element: i32): Uint8Array {
  const out = new Writer(64);
  out.byte(0x7b); // {
  if (pointer != null) {
    out.number('"x":', pointer.x);
    out.number(',"y":', pointer.y);
    if (window != null) {
      out.number(',"window":', window.id);
      out.text(',"element":', elementName(element));
    }
  }
  out.byte(0x7d); // }
  return out.done();
}

function elementName(element: i32): string {
  if (element == CONTENT) return "content";
  if (element == TITLE_BAR) return "title";
  if (element == CLOSE_BUTTON) return "close";
  const ns = element & N ? "n" : element & S ? "s" : "";
  const ew = element & E ? "e" : element & W ? "w" : "";
  return "border-" + ns + ew;
}

/** One entry per window, bottom to top; the window at index `hovered` with `element` hovered. */
function decorations(layout: Uint8Array, windows: Window[], hovered: i32, element: i32): Uint8Array {
  // Room for every window's shapes and all titles (the layout holds them), so that the buffer is
  // usually allocated once; it grows when they need more (far-off coordinates have more digits).
  const out = new Writer(16 + windows.length * 640 + layout.length);
  out.byte(0x5b); // [
  for (let i = 0; i < windows.length; i++) {
    if (i > 0) out.byte(0x2c); // ,
    decorate(out, layout, windows[i], i == hovered ? element : NONE);
  }
  out.byte(0x5d); // ]
  return out.done();
}

/** `{"window":ID,"shapes":[...]}`: the shapes in drawing order; `element` is what is hovered of it, if anything. */
function decorate(out: Writer, layout: Uint8Array, window: Window, element: i32): void {
  const x = <i64>window.x;
  const y = <i64>window.y;
  const w = <i64>window.w;
  const h = <i64>window.h;
  const left = x - LEFT;
  const top = y - TOP;
  const width = w + LEFT + RIGHT;
  const height = h + TOP + BOTTOM;
  const look = window.focused ? FOCUSED_LOOK : UNFOCUSED_LOOK;

  out.number('{"window":', window.id);
  out.ascii(',"shapes":[');

  rect(out, true, "frame", left, top, width, height, FRAME, look.frameEdge, RADIUS);
  if (element & BORDER) borderAccent(out, element, left, top, left + width, top + height);

  rect(out, false, "title", x, top + BAND, w, TITLE_HEIGHT, look.titleBar, "", 0);
  shape(out, false, "title", "text");
  // The middle of the bar; >> floors, so a negative width is still drawn somewhere definite.
  out.pair(',"x":', x + (w >> 1), ',"y":', top + BASELINE);
  out.ascii(',"text":');
  out.copy(layout, window.titleStart, window.titleEnd);
  out.text(',"fill":', look.text);
  out.number(',"size":', TEXT_SIZE);
  out.text(',"anchor":', "middle");
  out.text(',"weight":', look.weight);
  out.byte(0x7d);

  const cx = x + CLOSE_DX;
  const cy = top + CLOSE_DY;
  const closeHovered = element == CLOSE_BUTTON;
  shape(out, false, "close", "circle");
  out.pair(',"cx":', cx, ',"cy":', cy);
  out.number(',"r":', CLOSE_R);
  out.text(',"fill":', closeHovered ? CLOSE_HOVERED : look.close);
  out.byte(0x7d);
  if (closeHovered) {
    line(out, "close", cx - CROSS, cy - CROSS, cx + CROSS, cy + CROSS, CROSS_COLOR);
    line(out, "close", cx + CROSS, cy - CROSS, cx - CROSS, cy + CROSS, CROSS_COLOR);
  }
  out.ascii("]}");
}

/**
 * A hovered border element lit up: a 2 px line along the outer edge of its zone, one for an
 * edge, two for a corner (each from where the rounding ends to the end of the corner zone).
 * `right` and `bottom` are exclusive.
 */
function borderAccent(out: Writer, element: i32, left: i64, top: i64, right: i64, bottom: i64): void {
  if (element & (N | S)) {
    const ly = element & N ? top + 1 : bottom - 1;
    const from = element & W ? left + RADIUS : element & E ? right - CORNER : left + CORNER;
    const to = element & W ? left + CORNER : element & E ? right - RADIUS : right - CORNER;
    line(out, "border", from, ly, to, ly, BORDER_HOVERED);
  }
  if (element & (E | W)) {
    const lx = element & W ? left + 1 : right - 1;
    const from = element & N ? top + RADIUS : element & S ? bottom - CORNER : top + CORNER;
    const to = element & N ? top + CORNER : element & S ? bottom - RADIUS : bottom - CORNER;
    line(out, "border", lx, from, lx, to, BORDER_HOVERED);
  }
}

/** A shape's opening, `{"part":"…","type":"…"`, after a comma unless it is a window's first. */
function shape(out: Writer, first: bool, part: string, type: string): void {
  if (!first) out.byte(0x2c);
  out.text('{"part":', part);
  out.text(',"type":', type);
}

/** A rect shape; no stroke when `stroke` is empty, no radius when `radius` is 0. */
function rect(out: Writer, first: bool, part: string, x: i64, y: i64, w: i64, h: i64, fill: string, stroke: string, radius: i64): void {
  shape(out, first, part, "rect");
  out.pair(',"x":', x, ',"y":', y);
  out.pair(',"w":', w, ',"h":', h);
  out.text(',"fill":', fill);
  if (stroke.length > 0) out.text(',"stroke":', stroke);
  if (radius != 0) out.number(',"radius":', radius);
  out.byte(0x7d);
}

/** A 2 px line shape; never a window's first. */
function line(out: Writer, part: string, x1: i64, y1: i64, x2: i64, y2: i64, stroke: string): void {
  shape(out, false, part, "line");
  out.pair(',"x1":', x1, ',"y1":', y1);
  out.pair(',"x2":', x2, ',"y2":', y2);
  out.text(',"stroke":', stroke);
  out.ascii(',"width":2}');
}
