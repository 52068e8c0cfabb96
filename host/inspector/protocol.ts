/**
 * The messages between the inspector's server and its page, one JSON object per WebSocket
 * message. Types only: the server (Node) and the page (the browser, built by Vite) both import
 * this file, so the two cannot drift apart.
 */

export const PROTOCOL_VERSION = 2;

/** Bytes as the page shows them: text when they are UTF-8, base64 otherwise. */
export type Value = { readonly text: string } | { readonly base64: string };

/** A child as the scenario places it: what the graph draws. */
export interface ChildView {
  readonly name: string;
  /** The scenario's name for its component (after a swap it may run another: host/state has its hash). */
  readonly component: string;
  /** Local ROM name → source (`CHILD/REPORT`, `input/NAME`, `host/state`). */
  readonly roms: Readonly<Record<string, string>>;
  /** Local name → the value the scenario writes inline. */
  readonly config: Readonly<Record<string, Value>>;
  readonly reports: readonly string[];
}

export interface ScenarioView {
  /** The scenario's file, as given to the host. */
  readonly file: string;
  /** The scenario's components, for the swap picker; `hash` is the SHA-256 of the file now on disk. */
  readonly components: readonly { readonly name: string; readonly hash: string | null }[];
  readonly children: readonly ChildView[];
}

/** A report whose values differ between a child and its shadow: `null` where a side has none. */
export interface ShadowDiverging {
  readonly report: string;
  readonly live: Value | null;
  readonly candidate: Value | null;
}

/** A child's shadow (docs/lifecycle.md, Shadow swap): a candidate running beside it, diffed live. */
export interface ShadowView {
  /** SHA-256 of the candidate: the scenario's components name it, if it is one of them. */
  readonly component: string;
  /** Divergences told since it started. */
  readonly divergences: number;
  /** The reports that differ now, in the order the scenario declares them. */
  readonly diverging: readonly ShadowDiverging[];
}

/** What a shadow did, as `host.shadow$` tells it. A `fault` of the candidate drops the shadow, as `dropped` does. */
export type ShadowChange =
  | { readonly kind: 'started'; readonly component: string }
  | ({ readonly kind: 'divergence' } & ShadowDiverging)
  | { readonly kind: 'agreed'; readonly report: string }
  | { readonly kind: 'fault'; readonly code: string; readonly message: string }
  | { readonly kind: 'dropped'; readonly reason: string };

export type ServerMessage =
  /** First message on every connection: everything the page needs to draw. */
  | {
      readonly type: 'hello';
      readonly version: number;
      readonly step: number;
      readonly scenario: ScenarioView | null;
      /** Every source's current value, by source. */
      readonly values: Readonly<Record<string, Value>>;
      /** The shadows running now, by child. */
      readonly shadows: Readonly<Record<string, ShadowView>>;
    }
  | { readonly type: 'scenario'; readonly scenario: ScenarioView }
  /** A source's new value in `step`. */
  | { readonly type: 'value'; readonly step: number; readonly source: string; readonly value: Value }
  /** The event that started `step` (an input, a command, a scenario change), for the timeline. */
  | { readonly type: 'event'; readonly step: number; readonly text: string }
  | { readonly type: 'step'; readonly step: number }
  | { readonly type: 'fault'; readonly step: number; readonly child?: string; readonly code: string; readonly message: string }
  | { readonly type: 'lifecycle'; readonly step: number; readonly child: string; readonly action: string }
  | ({ readonly type: 'shadow'; readonly step: number; readonly child: string } & ShadowChange)
  /** The answer to a request that carried an `id`. */
  | { readonly type: 'done'; readonly id: number; readonly step: number }
  | { readonly type: 'error'; readonly id?: number; readonly message: string }
  | { readonly type: 'pong'; readonly id: number };

export type ClientMessage =
  /** Publishes `text` as the input `rom` (`input/NAME`). */
  | { readonly type: 'publish'; readonly id?: number; readonly rom: string; readonly text: string }
  | { readonly type: 'kill' | 'restart' | 'hibernate'; readonly id?: number; readonly child: string }
  /** Swaps `child` to the scenario's component named `component`. */
  | { readonly type: 'swap'; readonly id?: number; readonly child: string; readonly component: string }
  /** Runs the scenario's component named `component` as `child`'s shadow; `promote` swaps the child to it, `unshadow` stops it. */
  | { readonly type: 'shadow'; readonly id?: number; readonly child: string; readonly component: string }
  | { readonly type: 'promote' | 'unshadow'; readonly id?: number; readonly child: string }
  /** Answered at once with a pong: the transport's own round trip, the baseline of `ui-latency`. */
  | { readonly type: 'ping'; readonly id: number };
