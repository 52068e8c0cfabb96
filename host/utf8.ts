const encoder = new TextEncoder(); // for encodeInto: its encode() is what this module avoids

/** Largest typed array V8 keeps in its heap (`typed_array_max_size_in_heap`); larger ones get a backing store of their own. */
const ON_HEAP = 64;

/**
 * UTF-8 of `text`, as bytes that live in V8's heap when they are few. `TextEncoder.encode` gives
 * every result an ArrayBuffer outside the heap, and a host that keeps a million small ROM values
 * so made pays for it on every collection (each such buffer is tracked one by one) and on every
 * further `encode`, which slows as they pile up. Short ASCII, the bulk of inputs, is copied by hand;
 * longer text goes where Node's Buffer puts it.
 */
export function utf8(text: string): Uint8Array {
  if (text.length <= ON_HEAP) {
    const bytes = new Uint8Array(text.length);
    let i = 0;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      bytes[i] = c;
    }
    if (i === text.length) return bytes;
  }
  const length = Buffer.byteLength(text, 'utf8');
  if (length <= ON_HEAP) {
    const bytes = new Uint8Array(length);
    encoder.encodeInto(text, bytes);
    return bytes;
  }
  // Node's Buffer cuts strings under 4 KiB from a shared slab: no buffer of their own either. A
  // plain Uint8Array over it, since Buffer's slice() shares where Uint8Array's copies.
  const buffer = Buffer.from(text, 'utf8');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}
