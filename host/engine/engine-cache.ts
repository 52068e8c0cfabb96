/**
 * Where the engine keeps what it prepared, across processes: bytes by key. Keys are the engine's
 * own strings (they name the content they were computed from and the engine's code version), so
 * a backend only stores and returns bytes: the directory of `directory-cache.ts` by default; a
 * store (lmdb, JetStream) can fill the same interface. A backend need not check what it returns:
 * the engine seals every entry with a digest (`sealed-entry.ts`) and takes a damaged one for a miss.
 */
export interface EngineCache {
  /** The bytes last put under `key`, or undefined when there are none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Keeps `bytes` under `key`. Several processes may put the same key at once, always with the
   * same bytes: a reader must see one whole entry or none, never a mix or a truncated one.
   */
  put(key: string, bytes: Uint8Array): Promise<void>;
}
