import { concat, defer, filter, map, of, Subject, type Observable } from 'rxjs';
import { RomhostError } from '../errors.js';
import type { Child, Submitted } from '../lifecycle/index.js';
import { compareCodeUnits } from '../code-unit-order.js';
import type { Fault } from '../state/index.js';
import { DirtyQueue } from './dirty-queue.js';
import type { RouteTable } from './route-table.js';

/** A report whose value changed. */
export interface ReportChange {
  readonly step: number;
  readonly child: string;
  readonly report: string;
  /** `CHILD/REPORT`: the name other children route it by. */
  readonly source: string;
  readonly content: Uint8Array;
}

/** A source's new value. */
export interface SourceValue {
  /** `CHILD/REPORT`, `input/NAME` or `host/state`. */
  readonly source: string;
  readonly content: Uint8Array;
}

/**
 * What the step loop asks of the shadows (host/lifecycle/shadows.ts): candidates that run beside
 * live children on the same ROMs, their reports kept apart and compared.
 */
export interface ShadowHook {
  /** Whether any child has a shadow: when none has, the step loop asks nothing more. */
  readonly active: boolean;
  /**
   * After `child`'s update with `changed`, before its reports are routed: its shadow, if it has
   * one, runs the same update on the same ROM values. False when there was none to run.
   */
  update(step: number, child: string, changed: string[]): boolean;
  /** After the child's reports are routed: the shadow's reports are compared with them. */
  compare(step: number, child: string): void;
}

/** What the step loop tells the lifecycle (host/lifecycle/children.ts) of the children's activity. */
export interface ActivityHook {
  /** A hibernating child is about to wake: a fresh instance, started on its ROMs. */
  woken(child: string, step: number): void;
}

/**
 * The ROM and report sessions: the latest value of every source, the routing table, and the
 * step loop that carries report changes to the children that route them (DESIGN §3.1–3.3).
 */
export class Router {
  /** Latest value by source key (`CHILD/REPORT`, `input/NAME`). */
  readonly #values = new Map<string, Uint8Array>();
  readonly #queue = new DirtyQueue();
  readonly #reports = new Subject<ReportChange>();
  readonly #faults = new Subject<Fault>();
  readonly #changes = new Subject<SourceValue>();
  /** Every fault of the step under way, wherever it was raised. */
  #stepFaults: Fault[] = [];
  #table: RouteTable = { subscribers: new Map(), routes: new Map() };
  /** Set by the lifecycle, which owns the shadows. */
  shadows: ShadowHook | undefined;
  /** Set by the lifecycle: hears of each update (what is warm, most recently used last) and wakes hibernating children. */
  activity: ActivityHook | undefined;
  /** Updates run so far, every child's: the stamp of each child's last update, by which the least recently updated hibernate first. */
  #updates = 0;

  readonly reports$ = this.#reports.asObservable();
  readonly faults$ = this.#faults.asObservable();
  readonly values$ = this.#changes.asObservable();

  /** A ROM session: the source's current value, if it has one, then each new value. */
  rom$(source: string): Observable<Uint8Array> {
    return defer(() => {
      const current = this.#values.get(source);
      const changes = this.#changes.pipe(
        filter((c) => c.source === source),
        map((c) => c.content),
      );
      return current === undefined ? changes : concat(of(current), changes);
    });
  }

  get table(): RouteTable {
    return this.#table;
  }

  set table(table: RouteTable) {
    this.#table = table;
  }

  value(source: string): Uint8Array | undefined {
    return this.#values.get(source);
  }

  /** Every source with a value, sorted by key. */
  values(): [string, Uint8Array][] {
    return [...this.#values].sort(([a], [b]) => compareCodeUnits(a, b));
  }

  /** What `rom.read` sees for `child`: its local names, resolved through the current table. */
  reader(child: string): (name: string) => Uint8Array | undefined {
    return (name) => {
      const route = this.#table.routes.get(child)?.get(name);
      return typeof route === 'string' ? this.#values.get(route) : route;
    };
  }

  /** Sets a source's value; a value byte-equal to the current one is no change and wakes nobody. */
  set(source: string, content: Uint8Array): boolean {
    const current = this.#values.get(source);
    if (current !== undefined && equalBytes(current, content)) return false;
    this.#values.set(source, content);
    if (this.#changes.observed) this.#changes.next({ source, content });
    const subscribers = this.#table.subscribers.get(source);
    if (subscribers) for (const s of subscribers) this.#queue.mark(s.child, s.rom);
    return true;
  }

  /** Forgets a source's value, for the reports of a child that is gone; nobody routes them any more. */
  delete(source: string): void {
    this.#values.delete(source);
  }

  /** What a (re)started child's first update lists: every routed ROM that has a value, in route order. */
  startNames(child: string): string[] {
    const names: string[] = [];
    for (const [rom, route] of this.#table.routes.get(child) ?? []) {
      if (typeof route !== 'string' || this.#values.has(route)) names.push(rom);
    }
    return names;
  }

  /** Queues a (re)started child for its first update. */
  queueStart(child: string): void {
    this.#queue.mark(child);
    for (const rom of this.startNames(child)) this.#queue.mark(child, rom);
  }

  /** Queues a child whose local ROMs changed other than through a source (inline config). */
  queueChanged(child: string, roms: readonly string[]): void {
    for (const rom of roms) this.#queue.mark(child, rom);
  }

  /** Applies the reports a child submitted in one update: each that changed is routed on. */
  submit(step: number, child: Child, submitted: readonly Submitted[]): void {
    for (const [report, content] of submitted) {
      const source = child.source(report);
      if (this.set(source, content) && this.#reports.observed) {
        this.#reports.next({ step, child: child.name, report, source, content });
      }
    }
  }

  /**
   * Runs queued children one at a time until none is left (the step is quiet) or `budget`
   * updates have run, which ends the step with a cycle fault. `onFault` hears of each fault as
   * it happens (the supervisor may restart the child within the step).
   */
  drain(
    step: number,
    budget: number,
    children: ReadonlyMap<string, Child>,
    onFault: (fault: Fault) => void,
    restartBeforeUpdate?: (child: string, step: number) => boolean,
  ): void {
    let updates = 0;
    // The children updated in the second half of the budget: those still at it form the cycle.
    const late: string[] = [];
    for (let item = this.#queue.take(); item; item = this.#queue.take()) {
      const child = children.get(item.child);
      // A hibernating child wakes for a change of its ROMs; one that is down stays down.
      const waking = child?.hibernated === true;
      if (!child || (!child.running && !waking)) continue;
      if (updates === budget) {
        this.#queue.clear();
        const cycle = [...new Set(late)].sort(compareCodeUnits);
        onFault(this.fault(step, new RomhostError('cycle', { step, updates: budget, children: cycle })));
        break;
      }
      updates += 1;
      if (updates > budget / 2) late.push(child.name);
      let submitted;
      let changed = item.changed;
      try {
        if (waking || restartBeforeUpdate?.(child.name, step)) {
          // A fresh instance whose start update, with every routed ROM, stands in for this one.
          if (waking) this.activity?.woken(child.name, step);
          else child.stop();
          child.start();
          changed = this.startNames(child.name);
        }
        submitted = child.update(changed);
        child.lastUpdate = ++this.#updates;
      } catch (e) {
        if (!(e instanceof RomhostError)) throw e;
        onFault(this.fault(step, e, child.name));
        continue;
      }
      // The shadow runs before the child's reports are routed: it reads the very ROM values the
      // child just read, its own state routed back included, as it would in the child's place.
      const shadowed = this.shadows?.active === true && this.shadows.update(step, child.name, changed);
      this.submit(step, child, submitted);
      if (shadowed) this.shadows!.compare(step, child.name);
    }
  }

  /** The faults raised since the last call: those of the step that just ended. */
  takeFaults(): Fault[] {
    const faults = this.#stepFaults;
    this.#stepFaults = [];
    return faults;
  }

  /** Records a fault of `step`, of one child or of the whole step, on `faults$`. */
  fault(step: number, error: RomhostError, child?: string): Fault {
    const fault: Fault = { step, ...(child === undefined ? {} : { child }), code: error.code, message: error.message };
    this.#stepFaults.push(fault);
    this.#faults.next(fault);
    return fault;
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
