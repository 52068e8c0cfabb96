import { decodeRecord, encodeRecord, type ComponentRecord } from './component-record.js';
import { engineCodeVersion } from './code-version.js';
import type { EngineCache } from './engine-cache.js';
import { seal, unseal } from './sealed-entry.js';

/** How the cache served a process so far (`Engine.cacheStats`). */
export interface CacheStats {
  /** Entries found intact. */
  readonly hits: number;
  /** Entries absent, damaged or unreadable. */
  readonly misses: number;
  /** Of the misses: entries present but damaged (truncated, other bytes, another key's). */
  readonly damaged: number;
  /** Entries written. */
  readonly writes: number;
  /** Reads and writes the backend failed (a read counts as a miss too). */
  readonly errors: number;
}

/**
 * The engine's two kinds of entries over any EngineCache: a validated component's record by
 * (component hash, call path option) and a prepared core module by (module hash, what the
 * rewrite was told). Every key holds the engine's code version (code-version.ts).
 *
 * The cache only ever saves work: a failing backend, a damaged entry or an unknown record is a
 * miss, and a failed write is a warning (once) and nothing more. Only what succeeded is put, so a
 * component that fails validation or a module the rewrite refuses is refused again on every load.
 */
export class PreparedCache {
  readonly #backend: EngineCache;
  readonly #where: string;
  #version: Promise<string | undefined> | undefined;
  #warned = false;
  readonly #stats = { hits: 0, misses: 0, damaged: 0, writes: 0, errors: 0 };

  /** `where` names the backend in warnings (a directory, usually). */
  constructor(backend: EngineCache, where: string) {
    this.#backend = backend;
    this.#where = where;
  }

  async component(hash: string, callPathOption: string): Promise<ComponentRecord | undefined> {
    const bytes = await this.#get(`component/${hash}/${callPathOption}`);
    return this.#counted(bytes && decodeRecord(bytes));
  }

  putComponent(hash: string, callPathOption: string, record: ComponentRecord): Promise<void> {
    return this.#put(`component/${hash}/${callPathOption}`, encodeRecord(record));
  }

  /** `settings`: everything the module's bytes depend on besides its hash (the rewrite's options). */
  async module(hash: string, settings: string): Promise<Uint8Array | undefined> {
    return this.#counted(await this.#get(`module/${hash}/${settings}`));
  }

  putModule(hash: string, settings: string, bytes: Uint8Array): Promise<void> {
    return this.#put(`module/${hash}/${settings}`, bytes);
  }

  stats(): CacheStats {
    return { ...this.#stats };
  }

  async #get(name: string): Promise<Uint8Array | undefined> {
    const key = await this.#key(name);
    if (key === undefined) return undefined;
    let entry: Uint8Array | undefined;
    try {
      entry = await this.#backend.get(key);
    } catch (e) {
      this.#stats.errors++;
      this.#warn('read', e);
    }
    const payload = entry && unseal(key, entry);
    if (entry && !payload) this.#stats.damaged++;
    return payload;
  }

  async #put(name: string, payload: Uint8Array): Promise<void> {
    const key = await this.#key(name);
    if (key === undefined) return;
    try {
      await this.#backend.put(key, seal(key, payload));
      this.#stats.writes++;
    } catch (e) {
      this.#stats.errors++;
      this.#warn('written', e);
    }
  }

  /** Counted once what was found is known to be usable: a record that does not decode is a miss. */
  #counted<T>(value: T | undefined): T | undefined {
    if (value === undefined) this.#stats.misses++;
    else this.#stats.hits++;
    return value;
  }

  async #key(name: string): Promise<string | undefined> {
    this.#version ??= engineCodeVersion().catch((e: unknown) => {
      // Without a version no entry can be trusted: run without the cache.
      this.#warn('used (its code version is unknown)', e);
      return undefined;
    });
    const version = await this.#version;
    return version === undefined ? undefined : `romhost-engine/${version}/${name}`;
  }

  #warn(what: string, e: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    const reason = e instanceof Error ? e.message : String(e);
    process.emitWarning(`romhost: the engine cache ${this.#where} cannot be ${what}: ${reason} (components are prepared without it)`, {
      code: 'ROMHOST_ENGINE_CACHE',
    });
  }
}
