import { concat, defer, filter, map, of, Subject, type Observable } from 'rxjs';
import { RomhostError } from '../errors.js';
import type { Child, Submitted } from '../lifecycle/index.js';
import { compareCodeUnits } from '../code-unit-order.js';
import { familyOf, keyOf, matchPattern, memberName, resolvePattern } from '../scenario/index.js';
import type { Fault } from '../state/index.js';
import { DirtyQueue } from './dirty-queue.js';
import { EMPTY_TABLE, type Route, type RouteTable, type Subscriber } from './route-table.js';
import { MemberValues } from './member-values.js';

/** What a child reads through: its local ROM names, resolved by the router. */
export interface RomReader {
  read(name: string): Uint8Array | undefined;
  /** What a (re)started child's first update lists: every routed ROM that has a value, in route order. */
  startNames(): string[];
}

const NO_ROUTES: ReadonlyMap<string, Route> = new Map();

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
  woken(child: Child, step: number): void;
  /** Whether a family member exists (created, and its family still there): a report's pattern reaches only members that do. */
  registered(member: string): boolean;
  /**
   * A member queued by a change of its ROMs that has no Child (never created, or hibernated,
   * which keeps none): its Child, not started yet, the lifecycle having recorded its creation or
   * waking; undefined when it can be neither (its family is gone). `known`: it exists for sure
   * (its values were packed in this step), no need to look its key up.
   */
  member(name: string, step: number, known: boolean): Child | undefined;
}

/**
 * What hears each report change and fault as it happens, called directly: the host's taps
 * (`Host.tap`), for which no object is made per report and nothing goes through RxJS.
 */
export interface StepTap {
  report(step: number, source: string, content: Uint8Array): void;
  fault(fault: Fault): void;
}

/**
 * Where children run, for a host that is one of a cluster (host/cluster): each child is owned by
 * one host at a time. A child owned by another host, or by none yet, is never created, started,
 * woken or updated here; its reports reach this host from outside (`Host.receive`).
 */
export interface Placement {
  /** This host's name in the cluster. */
  readonly host: string;
  /** The host that owns `child` now; '' while none does. */
  owner(child: string): string;
}

/**
 * The ROM and report sessions: the latest value of every source, the routing table, and the
 * step loop that carries report changes to the children that route them (DESIGN §3.1–3.3).
 */
export class Router {
  /** Latest value by source key (`CHILD/REPORT`, `input/NAME`): of every source that is no family member's own (`#ownerOf`). */
  readonly #values = new Map<string, Uint8Array>();
  /** The values of family members, by member (member-values.ts): `value` and every read see them as if they were in `#values`. */
  readonly #members = new MemberValues();
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
    const before = this.#table;
    this.#table = table;
    if (before.patterns.length > 0 || table.patterns.length > 0) this.#rehome();
  }

  /**
   * The family member whose own value `source` is under the current table, if any: a member's
   * report (`room/42/count`), or an input a family's pattern routes to it, which creates it
   * (`input/room/42/msg`; the first such pattern's, in table order).
   */
  #ownerOf(source: string): string | undefined {
    if (this.#table.families.size === 0) return undefined;
    // An input is no member's report (no child is called `input`): only a family's pattern can route it.
    if (!source.startsWith('input/')) {
      const member = source.slice(0, source.lastIndexOf('/'));
      return this.#familyOf(member) === undefined ? undefined : member;
    }
    for (const p of this.#table.patterns) {
      if (!p.creates) continue;
      const key = matchPattern(p.pattern, source);
      if (key !== undefined) return memberName(p.family, key);
    }
    return undefined;
  }

  /**
   * Under a new table, a source may belong to another member, or to none: every value unpacked is
   * put where the table now says. Packed ones stay with the member they were packed for.
   */
  #rehome(): void {
    const moved: [string, Uint8Array][] = [];
    for (const [source, value] of this.#values) {
      if (this.#ownerOf(source) !== undefined) moved.push([source, value]);
    }
    for (const [source] of moved) this.#values.delete(source);
    for (const [member, values] of [...this.#members.unpackedMembers()]) {
      for (const [source, value] of values) {
        if (this.#ownerOf(source) === member) continue;
        moved.push([source, value]);
        values.delete(source);
      }
      if (values.size === 0) this.#members.dropUnpacked(member);
    }
    for (const [source, value] of moved) this.#home(source).set(source, value);
  }

  /** The map that holds `source`'s value: its owner's, unpacked, or the router's own. */
  #home(source: string): Map<string, Uint8Array> {
    const owner = this.#ownerOf(source);
    return owner === undefined ? this.#values : this.#members.unpacked(owner);
  }

  value(source: string): Uint8Array | undefined {
    if (this.#later !== undefined && source === this.#later.source) this.settle();
    const value = this.#values.get(source);
    if (value !== undefined) return value;
    const owner = this.#ownerOf(source);
    return owner === undefined ? undefined : this.#members.value(owner, source);
  }

  /** Every source with a value, in no particular order: for a scan that orders nothing (families.ts). */
  *sources(): IterableIterator<string> {
    this.settle();
    yield* this.#values.keys();
    for (const [source] of this.#members.entries()) yield source;
  }

  /** Every source with a value, sorted by key. */
  values(): [string, Uint8Array][] {
    this.settle();
    return [...this.#values, ...this.#members.entries()].sort(([a], [b]) => compareCodeUnits(a, b));
  }

  /** A hibernating member's values, packed until it wakes or one of them changes. */
  freeze(member: string): void {
    this.#members.freeze(member);
  }

  /**
   * What `rom.read` sees for `child`: its local names, resolved through the current table. A
   * member's routes (`input/room/42/msg` for `room/42`) are resolved once per table, not per read: a source name
   * made anew is a string V8 must hash and compare char by char in each map it looks it up in,
   * which costs a wake more than all its maps' own work (bench/RESULTS.md).
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
    const family = this.#familyOf(child);
    if (family === undefined) return this.#table.routes.get(child) ?? NO_ROUTES;
    const key = keyOf(child);
    const routes = new Map<string, Route>();
    for (const [rom, route] of this.#table.families.get(family)?.routes ?? []) routes.set(rom, route instanceof Uint8Array ? route : resolvePattern(route, key));
    return routes;
  }

  /** The family of the scenario that `child` is a member of: `office/layouter`, a subsystem's child, is none. */
  #familyOf(child: string): string | undefined {
    if (this.#table.families.size === 0) return undefined;
    const family = familyOf(child);
    return family !== undefined && this.#table.families.has(family) ? family : undefined;
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
   * `from` names the member that reported it, if one did: it exists, and needs no lookup among
   * every member's keys to say so.
   */
  set(source: string, content: Uint8Array, from?: string): boolean {
    if (this.#later !== undefined && source === this.#later.source) this.#later = undefined;
    const values = this.#home(source);
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
    const owner = this.#ownerOf(source);
    if (owner === undefined) this.#values.delete(source);
    else this.#members.delete(owner, source);
  }

  /** What a (re)started child's first update lists: every routed ROM that has a value, in route order. */
  startNames(child: string): string[] {
    return this.reader(child).startNames();
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
      const member = !child && this.#familyOf(item.child) !== undefined;
      if (!member && (!child || (!child.running && !waking))) continue;
      if (updates === budget) {
        this.#queue.clear();
        const cycle = [...new Set(late)].sort(compareCodeUnits);
        onFault(this.fault(step, new RomhostError('cycle', { step, updates: budget, children: cycle })));
        break;
      }
      if (member) {
        // Its values, packed while it slept, are read again and again from now on.
        this.#members.unpacked(item.child);
        // The lifecycle records its creation or waking, and hands over its Child, to be started here.
        child = this.activity?.member(item.child, step, this.#members.thawed === item.child);
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
    // A member unpacked in a step is known to exist within it only: after it, its family may go.
    this.#members.thawed = undefined;
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
