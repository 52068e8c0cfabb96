import type { ScenarioView } from '../../protocol.js';
import { runningComponent, type ChildStatusView, type Model } from './model.js';

const NODE = { w: 150, h: 42, column: 200, row: 62, pad: 16 };

interface Node {
  readonly id: string;
  readonly label: string;
  readonly detail: string;
  readonly column: number;
  readonly row: number;
  readonly child: boolean;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

/**
 * The children graph: inputs on the left, each child one column right of the nearest child whose
 * report it reads, routes as edges (hover one for its names). Click a child to inspect it.
 */
export function Graph({
  model,
  scenario,
  statuses,
  selected,
  onSelect,
}: {
  model: Model;
  scenario: ScenarioView;
  statuses: Readonly<Record<string, ChildStatusView>>;
  selected: string | undefined;
  onSelect: (child: string) => void;
}) {
  const { nodes, edges } = layout(scenario, (child) => runningComponent(model, child, statuses[child]));
  const at = new Map(nodes.map((n) => [n.id, n]));
  const columns = Math.max(...nodes.map((n) => n.column)) + 1;
  const rows = Math.max(...nodes.map((n) => n.row)) + 1;
  return (
    <svg class="graph" width={columns * NODE.column + 60} height={rows * NODE.row + NODE.pad} role="img" aria-label="children graph">
      <defs>
        <marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L8,4 L0,8 z" fill="#8a94a6" />
        </marker>
      </defs>
      {edges.map((e, i) => (
        <path key={i} class="edge" d={edgePath(at.get(e.from)!, at.get(e.to)!)} marker-end="url(#arrow)">
          <title>{e.label}</title>
        </path>
      ))}
      {nodes.map((n) => {
        const status = n.child ? (statuses[n.id]?.status ?? 'starting') : 'source';
        const { x, y } = position(n);
        return (
          <g
            key={n.id}
            class={`node ${status}${n.id === selected ? ' selected' : ''}`}
            data-child={n.child ? n.id : undefined}
            data-status={n.child ? status : undefined}
            onClick={n.child ? () => onSelect(n.id) : undefined}
          >
            <rect x={x} y={y} width={NODE.w} height={NODE.h} rx="6" />
            <text x={x + 10} y={y + 17} class="name">
              {n.label}
            </text>
            <text x={x + 10} y={y + 33} class="detail">
              {n.detail}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function layout(scenario: ScenarioView, component: (child: string) => string): { nodes: Node[]; edges: Edge[] } {
  const children = new Map(scenario.children.map((c) => [c.name, c]));
  const origin = (source: string) => (source.startsWith('input/') || source === 'host/state' ? source : source.slice(0, source.indexOf('/')));
  const edges = scenario.children.flatMap((c) => Object.entries(c.roms).map(([local, source]) => ({ from: origin(source), to: c.name, label: `${source} → ${c.name}: ${local}` })));
  const sources = [...new Set(edges.map((e) => e.from).filter((from) => !children.has(from)))].sort();

  // Breadth first from the inputs: a child's column is one more than its nearest upstream child's.
  const column = new Map<string, number>(sources.map((s) => [s, 0]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of edges) {
      const next = (column.get(e.from) ?? Infinity) + 1;
      if (next < (column.get(e.to) ?? Infinity)) column.set(e.to, next), (changed = true);
    }
  }
  const rows = new Map<number, number>();
  const place = (id: string, label: string, detail: string, child: boolean): Node => {
    const c = Math.min(column.get(id) ?? 1, 8);
    const row = rows.get(c) ?? 0;
    rows.set(c, row + 1);
    return { id, label, detail, column: c, row, child };
  };
  const nodes = [
    ...sources.map((s) => place(s, s, s.startsWith('input/') ? 'input' : 'host', false)),
    ...scenario.children.map((c) => place(c.name, c.name, component(c.name), true)),
  ];
  return { nodes, edges };
}

function position(n: Node): { x: number; y: number } {
  return { x: NODE.pad + n.column * NODE.column, y: NODE.pad / 2 + n.row * NODE.row };
}

/** Forward edges curve left to right; an edge back, within a column or to itself loops round the right. */
function edgePath(from: Node, to: Node): string {
  const a = position(from);
  const b = position(to);
  const ay = a.y + NODE.h / 2;
  const by = b.y + NODE.h / 2 + (from === to ? 10 : 0);
  if (to.column > from.column) {
    const ax = a.x + NODE.w;
    const mid = (ax + b.x) / 2;
    return `M${ax},${ay} C${mid},${ay} ${mid},${by} ${b.x},${by}`;
  }
  const right = Math.max(a.x, b.x) + NODE.w;
  const bulge = right + 30 + 12 * Math.abs(from.row - to.row);
  return `M${a.x + NODE.w},${ay - 8} C${bulge},${ay - 8} ${bulge},${by} ${b.x + NODE.w},${by}`;
}
