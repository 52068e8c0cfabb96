import { useRef } from 'preact/hooks';
import type { Connection } from './connection.js';
import { valueJson, type Model } from './model.js';

/**
 * The scene: windows drawn from a layouter's `window_layout` and a decorator's `decorations`
 * (examples/windows/README.md has the protocol), and the mouse sent back as the input the
 * scenario routes to a ROM called `pointer`. The page draws only what the reports say: dragging
 * a window moves it when the layouter says so.
 */
export const SCENE = { width: 1000, height: 640 };

interface WindowView {
  readonly id: number;
  readonly title: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly focused: boolean;
}

type Shape =
  | { readonly part: string; readonly type: 'rect'; x: number; y: number; w: number; h: number; fill: string; stroke?: string; radius?: number }
  | { readonly part: string; readonly type: 'circle'; cx: number; cy: number; r: number; fill: string; stroke?: string }
  | { readonly part: string; readonly type: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; width: number }
  | { readonly part: string; readonly type: 'text'; x: number; y: number; text: string; fill: string; size: number; anchor?: string; weight?: string };

interface Decoration {
  readonly window: number;
  readonly shapes: readonly Shape[];
}

/** The sources the scene draws from, found by name in the scenario; null when it has no layouter. */
export interface SceneSources {
  readonly layout: string;
  readonly decorations: string | undefined;
  readonly hover: string | undefined;
  readonly pointer: string | undefined;
  readonly windows: string | undefined;
}

export function sceneSources(model: Model): SceneSources | null {
  const children = model.scenario?.children ?? [];
  const report = (name: string) => {
    const child = children.find((c) => c.reports.includes(name));
    return child && `${child.name}/${name}`;
  };
  const input = (local: string) => children.map((c) => c.roms[local]).find((s) => s?.startsWith('input/'));
  const layout = report('window_layout');
  if (!layout) return null;
  return { layout, decorations: report('decorations'), hover: report('hover'), pointer: input('pointer'), windows: input('windows') };
}

const CURSORS: Readonly<Record<string, string>> = {
  title: 'move',
  close: 'pointer',
  'border-n': 'ns-resize',
  'border-s': 'ns-resize',
  'border-e': 'ew-resize',
  'border-w': 'ew-resize',
  'border-ne': 'nesw-resize',
  'border-sw': 'nesw-resize',
  'border-nw': 'nwse-resize',
  'border-se': 'nwse-resize',
};

/** `live`: false while the timeline shows a past step, which the mouse cannot change. */
export function Scene({ model, sources, connection, live }: { model: Model; sources: SceneSources; connection: Connection; live: boolean }) {
  const svg = useRef<SVGSVGElement>(null);
  const last = useRef('');
  const windows = asArray<WindowView>(valueJson(model.values[sources.layout]));
  const decorations = new Map(asArray<Decoration>(sources.decorations && valueJson(model.values[sources.decorations])).map((d) => [d.window, d.shapes]));
  const hover = (sources.hover && valueJson(model.values[sources.hover])) as { element?: string } | undefined;

  const send = (event: PointerEvent, pressed: boolean) => {
    if (!live || !sources.pointer || !svg.current) return;
    const box = svg.current.getBoundingClientRect();
    const text = JSON.stringify({ x: Math.round(event.clientX - box.left), y: Math.round(event.clientY - box.top), pressed });
    if (text === last.current) return; // latest-value: the host would drop it anyway
    last.current = text;
    connection.send({ type: 'publish', rom: sources.pointer, text });
  };

  return (
    <svg
      ref={svg}
      class={live ? 'scene' : 'scene past'}
      width={SCENE.width}
      height={SCENE.height}
      viewBox={`0 0 ${SCENE.width} ${SCENE.height}`}
      style={{ cursor: CURSORS[hover?.element ?? ''] ?? 'default' }}
      onPointerDown={(e) => (svg.current?.setPointerCapture(e.pointerId), send(e, true))}
      onPointerMove={(e) => send(e, (e.buttons & 1) === 1)}
      onPointerUp={(e) => send(e, false)}
    >
      {windows.map((w) => (
        <g key={w.id} data-window={w.id} data-focused={w.focused}>
          {(decorations.get(w.id) ?? []).map((shape, i) => (
            <ShapeView key={i} shape={shape} />
          ))}
          <rect data-part="content" x={w.x} y={w.y} width={w.w} height={w.h} fill="#fdfdfb" />
          <text x={w.x + 12} y={w.y + 24} fill="#9a9a9a" font-size="12" pointer-events="none">
            {`window ${w.id}: ${w.w} × ${w.h} at ${w.x}, ${w.y}`}
          </text>
        </g>
      ))}
    </svg>
  );
}

function ShapeView({ shape: s }: { shape: Shape }) {
  switch (s.type) {
    case 'rect':
      return <rect data-part={s.part} x={s.x} y={s.y} width={s.w} height={s.h} fill={s.fill} stroke={s.stroke} rx={s.radius} />;
    case 'circle':
      return <circle data-part={s.part} cx={s.cx} cy={s.cy} r={s.r} fill={s.fill} stroke={s.stroke} />;
    case 'line':
      return <line data-part={s.part} x1={s.x1} y1={s.y1} x2={s.x2} y2={s.y2} stroke={s.stroke} stroke-width={s.width} />;
    case 'text':
      return (
        <text data-part={s.part} x={s.x} y={s.y} fill={s.fill} font-size={s.size} text-anchor={s.anchor} font-weight={s.weight} pointer-events="none">
          {s.text}
        </text>
      );
    default:
      return null;
  }
}

function asArray<T>(value: unknown): readonly T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}
