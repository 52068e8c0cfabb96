import { createHash } from 'node:crypto';

/**
 * The frame around every cache entry: a magic, then the SHA-256 of the key and the payload, then
 * the payload. Opening it checks the digest, so an entry that was truncated, overwritten with
 * other bytes or filed under another key reads as no entry at all: the engine prepares the
 * component again instead of crashing or running a wrong module.
 */
const MAGIC = new TextEncoder().encode('romhost\u0001');
const DIGEST = 32;
const HEADER = MAGIC.length + DIGEST;

export function seal(key: string, payload: Uint8Array): Uint8Array {
  const entry = new Uint8Array(HEADER + payload.length);
  entry.set(MAGIC, 0);
  entry.set(digest(key, payload), MAGIC.length);
  entry.set(payload, HEADER);
  return entry;
}

/** The payload, or undefined when `entry` is not a whole, intact entry for `key`. */
export function unseal(key: string, entry: Uint8Array): Uint8Array | undefined {
  if (entry.length < HEADER || MAGIC.some((b, i) => entry[i] !== b)) return undefined;
  const payload = entry.subarray(HEADER);
  const expected = digest(key, payload);
  for (let i = 0; i < DIGEST; i++) if (entry[MAGIC.length + i] !== expected[i]) return undefined;
  return payload;
}

function digest(key: string, payload: Uint8Array): Uint8Array {
  // The key ends at a NUL, which no key holds: ("ab", "c…") and ("a", "bc…") digest differently.
  return createHash('sha256').update(key).update('\0').update(payload).digest();
}
