/**
 * NATS KV keys are subject tokens joined by `.`: letters, digits and `-_/=` only, and a `.` may not
 * lead, trail or repeat. Sources and child names may hold any character (`.` included), so a key
 * keeps letters, digits and `-_/`, and writes every other UTF-8 byte as `=HH` (upper-case hex):
 * `input/room.1` is the key `input/room=2E1`. Reversible, readable in `nats kv ls`, and never holds a `.`.
 */
export function encodeKey(name: string): string {
  let key = '';
  for (const byte of Buffer.from(name, 'utf8')) key += kept(byte) ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return key;
}

export function decodeKey(key: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < key.length; i++) {
    if (key[i] === '=') {
      bytes.push(parseInt(key.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(key.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Letters, digits, `-`, `_` and `/`. */
const kept = (byte: number): boolean =>
  (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d || byte === 0x5f || byte === 0x2f;
