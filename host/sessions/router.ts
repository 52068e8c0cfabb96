import { concat, defer, filter, map, of, Subject, type Observable } from 'rxjs';
import { RomhostError } from '../errors.js';
import type { Child, Submitted } from '../lifecycle/index.js';
import { compareCodeUnits } from '../code-unit-order.js';
import { keyOf, matchPattern, memberName, resolvePattern } from '../scenario/index.js';
import type { Fault } from '../state/index.js';
import { DirtyQueue } from './dirty-queue.js';
import { EMPTY_TABLE, memberFamily, type Route, type RouteTable, type Subscriber } from './route-table.js';
import { SourceValues } from './source-values.js';
import type { ActivityHook, Placement, ReportChange, RomReader, ShadowHook, SourceValue, StepTap } from './step-hooks.js';

const NO_ROUTES: ReadonlyMap<string, Route> = new Map();

/**
 * The ROM and report sessions: the latest value of every source, the routing table, and the
 * step loop that carries report changes to the children that route them (DESIGN §3.1–3.3).
 */
export class Router {
  /** The latest value of every source. */
  readonly #values = new SourceValues();
  readonly #queue = new DirtyQueue();
  readonly #reports = new Subject<ReportChange>();
  readonly #faults = new Subject<Fault>();
  readonly #changes = new Subject<SourceValue>();
  /** Every fault of the step under way, wherever it was raised. */
  #stepFaults: Fault[] = [];
  #table: RouteTable = EMPTY_TABLE;
  /** Set by the lifecycle, which owns the shadows. */
  shadows: ShadowHook | undefined;
  /** Set by the lifecycle: hears of each update (what is warm, most recently used last) and wakes hibernating children. */
  activity: ActivityHook | undefined;
  /** Set by the host: its taps, in the order they were added; replaced, never changed in place, so that a tap may be removed while they are told. */
  taps: readonly StepTap[] = [];
  /** Set by the host in a cluster: a child that another host owns is skipped by the step loop. */
  placement: Placement | undefined;
  /** Updates run so far, every child's: the stamp of each child's last update, by which the least recently updated hibernate first. */
  #updates = 0;
  /** A value to compute when it is read or settled, whichever comes first (`setLater`). */
  #later: { readonly source: string; readonly compute: () => Uint8Array } | undefined;

  readonly reports$ = this.#reports.asObservable();
  readonly faults$ = this.#faults.asObservable();
  readonly values$ = this.#changes.asObservable();

  /** A ROM session: the source's current value, if it has one, then each new value. */
  rom$(source: string): Observable<Uint8Array> {
    return defer(() => {
      const current = this.value(source);
      const changes = this.#changes.pipe(
        filter((c) => c.source === source),
        map((c) => c.content),
      );
      return current === undefined ? changes : concat(of(current), changes);
    });
  }

  /** In a cluster, the host that owns `child` when it is not this one ('' while none does); undefined when it runs here. */
  elsewhere(child: string): string | undefined {
    if (this.placement === undefined) return undefined;
    const owner = this.placement.owner(child);
    return owner === this.placement.host ? undefined : owner;
  }

  get table(): RouteTable {
    return this.#table;
  }

  set table(table: RouteTable) {
    // A value left for later is set under the routes it was left under: the new ones may watch it.
    this.settle();
    this.#table = table;
    this.#values.table = table;
  }

  value(source: string): Uint8Array | undefined {
    if (this.#later !== undefined && source === this.#later.source) this.settle();
    return this.#values.get(source);
  }

  /** Every source with a value, in no particular order: for a scan that orders nothing (families.ts). */
  *sources(): IterableIterator<string> {
    this.settle();
    yield* this.#values.sources();
  }

  /** Every source with a value, sorted by key. */
  values(): [string, Uint8Array][] {
    this.settle();
    return this.#values.sorted();
  }

  /** A hibernating member's values, packed until it wakes or one of them changes. */
  freeze(member: string): void {
    this.#values.freeze(member);
  }

  /**
   * What `rom.read` sees for `child`: its local names, resolved through the current table. A
   * member's routes (`input/room/42/msg` for `room/42`) are resolved once per table, not made anew
   * on each read.
   */
  reader(child: string): RomReader {
    let table: RouteTable | undefined;
    let routes: ReadonlyMap<string, Route> = NO_ROUTES;
    const current = (): ReadonlyMap<string, Route> => {
      if (table !== this.#table) {
        table = this.#table;
        routes = this.#routesOf(child);
      }
      return routes;
    };
    return {
      read: (name) => {
        const route = current().get(name);
        return typeof route === 'string' ? this.value(route) : route;
      },
      startNames: () => {
        const names: string[] = [];
        for (const [rom, route] of current()) if (typeof route !== 'string' || this.value(route) !== undefined) names.push(rom);
        return names;
      },
    };
  }

  /** A child's local ROM names and their routes under the current table; a member's with its key for the `*`. */
  #routesOf(child: string): ReadonlyMap<string, Route> {
    const family = memberFamily(this.#table, child);
    if (family === undefined) return this.#table.routes.get(child) ?? NO_ROUTES;
    const key = keyOf(child);
    const routes = new Map<string, Route>();
    for (const [rom, route] of this.#table.families.get(family)?.routes ?? []) routes.set(rom, route instanceof Uint8Array ? route : resolvePattern(route, key));
    return routes;
  }

  /**
   * Whether a change of `source` is seen as it happens: a child routes it, or values$ is heard.
   * When not, it may be set later (`setLater`).
   */
  watched(source: string): boolean {
    return this.#changes.observed || this.#table.subscribers.has(source) || this.#table.patterns.some((p) => matchPattern(p.pattern, source) !== undefined);
  }

  /**
   * Sets `source` to what `compute` gives once it is read or settled, whichever comes first: for a
   * value nothing watches (`watched`) that may change many times in a step, host/state on the wake
   * and cool-down of family members, computed once. Every read sees it as if it had been set now.
   */
  setLater(source: string, compute: () => Uint8Array): void {
    if (this.#later !== undefined && this.#later.source !== source) this.settle();
    this.#later = { source, compute };
  }

  /** Sets the value `setLater` left to compute, if any: at the end of each event at the latest (host.ts). */
  settle(): void {
    const later = this.#later;
    if (later === undefined) return;
    this.#later = undefined;
    this.set(later.source, later.compute());
  }

  /**
   * Sets a source's value; a value byte-equal to the current one is no change and wakes nobody.
   * `from` names the child that reported it, if one did: a member routed its own report exists,
   * and needs no lookup among every member's keys to say so.
   */
  set(source: string, content: Uint8Array, from?: string): boolean {
    if (this.#later !== undefined && source === this.#later.source) this.#later = undefined;
    const values = this.#values.home(source);
    const current = values.get(source);
    if (current !== undefined && equalBytes(current, content)) return false;
    values.set(source, content);
    if (this.#changes.observed) this.#changes.next({ source, content });
    const subscribers = this.#table.subscribers.get(source);
    // Families are matched by pattern: no table holds a member's routes (there may be millions).
    if (this.#table.patterns.length > 0 && this.#fanOutToMembers(source, subscribers, from)) return true;
    if (subscribers) for (const s of subscribers) this.#queue.mark(s.child, s.rom);
    return true;
  }

  /**
   * Queues the members a source feeds through their families' patterns, with the static
   * subscribers, all in fan-out order (by child name, then local name). False when no member
   * matched, and nothing was queued.
   */
  #fanOutToMembers(source: string, subscribers: readonly Subscriber[] | undefined, from: string | undefined): boolean {
    let members: Subscriber[] | undefined;
    for (const p of this.#table.patterns) {
      const key = matchPattern(p.pattern, source);
      if (key === undefined) continue;
      const child = memberName(p.family, key);
      // An input creates the member it addresses; a report reaches only one that exists.
      if (!p.creates && child !== from && this.activity?.registered(child) !== true) continue;
      (members ??= []).push({ child, rom: p.rom });
    }
    if (members === undefined) return false;
    const all = subscribers ? [...subscribers, ...members] : members;
    all.sort((a, b) => compareCodeUnits(a.child, b.child) || compareCodeUnits(a.rom, b.rom));
    for (const s of all) this.#queue.mark(s.child, s.rom);
    return true;
  }

  /** Forgets a source's value, for the reports of a child that is gone; nobody routes them any more. */
  delete(source: string): void {
    this.#values.delete(source);
  }

  /** Queues a (re)started child for its first update. */
  queueStart(child: string): void {
    this.#queue.mark(child);
    for (const rom of this.reader(child).startNames()) this.#queue.mark(child, rom);
  }

  /** Queues a child whose local ROMs changed other than through a source (inline config). */
  queueChanged(child: string, roms: readonly string[]): void {
    for (const rom of roms) this.#queue.mark(child, rom);
  }

  /** Applies the reports a child submitted in one update: each that changed is routed on. */
  submit(step: number, child: Child, submitted: readonly Submitted[]): void {
    for (const [report, content] of submitted) {
      const source = child.source(report);
      if (!this.set(source, content, child.name)) continue;
      for (const tap of this.taps) tap.report(step, source, content);
      if (this.#reports.observed) this.#reports.next({ step, child: child.name, report, source, content });
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
      // Another host's child: its owner runs it on the same change (its reports come back from there).
      if (this.placement !== undefined && this.elsewhere(item.child) !== undefined) continue;
      let child = children.get(item.child);
      // A hibernating child wakes for a change of its ROMs; one that is down stays down.
      let waking = child?.hibernated === true;
      // A family member with no Child: the input that addresses it creates it, or it hibernated (which keeps none).
      const member = !child && memberFamily(this.#table, item.child) !== undefined;
      if (!member && (!child || (!child.running && !waking))) continue;
      if (updates === budget) {
        this.#queue.clear();
        const cycle = [...new Set(late)].sort(compareCodeUnits);
        onFault(this.fault(step, new RomhostError('cycle', { step, updates: budget, children: cycle })));
        break;
      }
      if (member) {
        const known = this.#values.unpack(item.child);
        // The lifecycle records its creation or waking, and hands over its Child, to be started here.
        child = this.activity?.member(item.child, step, known);
        if (!child) continue;
        waking = true;
      }
      child = child!;
      updates += 1;
      if (updates > budget / 2) late.push(child.name);
      let submitted;
      let changed = item.changed;
      try {
        if (waking || restartBeforeUpdate?.(child.name, step)) {
          // A fresh instance whose start update, with every routed ROM, stands in for this one.
          if (!waking) child.stop();
          else if (!member) this.activity?.woken(child, step);
          child.start();
          changed = child.startNames();
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
    this.#values.endStep();
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
    for (const tap of this.taps) tap.fault(fault);
    this.#faults.next(fault);
    return fault;
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
