/**
 * Rendezvous (highest-random-weight) hashing: the host that should claim a child, among the hosts
 * alive. Every host computes the same answer from the same list, with no coordination, and when a
 * host leaves, only its own children move (each to the next-highest host). FNV-1a: fast, and
 * well enough spread for placement; nothing here needs to be secret.
 */
export function chooseHost(child: string, hosts: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const host of hosts) {
    const weight = fnv1a(`${host}\u0000${child}`);
    // Ties (vanishingly rare) go to the smaller name, so that every host agrees.
    if (weight > bestWeight || (weight === bestWeight && best !== undefined && host < best)) {
      best = host;
      bestWeight = weight;
    }
  }
  return best;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche (murmur3's fmix32): FNV alone leaves keys that differ in their last characters close.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
