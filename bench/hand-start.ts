import { HandChild } from './hand-loop.js';

const encoder = new TextEncoder();

/**
 * The baseline of swap-pause and restart: a child started with no host around it. A new
 * `HandChild` (`new WebAssembly.Instance` of the main core module with hand-written imports) and
 * its first `update`, listing every ROM that has a value, as a started child's first update does.
 * ROM values come from a plain Map by local name; the reports it submits are kept for checking.
 */
export class HandStart {
  readonly #roms: ReadonlyMap<string, Uint8Array>;
  /** The ROM names with a value, encoded once: lowering them is the update's job, encoding is not. */
  readonly #changed: readonly Uint8Array[];
  /** The reports of the latest start, by local name. */
  readonly submitted = new Map<string, Uint8Array>();

  constructor(roms: ReadonlyMap<string, Uint8Array>) {
    this.#roms = roms;
    this.#changed = [...roms.keys()].map((name) => encoder.encode(name));
  }

  /** One start: instance, first update. The instance is dropped on return. */
  start(module: WebAssembly.Module): void {
    this.submitted.clear();
    const child = new HandChild(
      module,
      (name) => this.#roms.get(name),
      (name, content) => this.submitted.set(name, content),
    );
    child.update(this.#changed);
  }
}
