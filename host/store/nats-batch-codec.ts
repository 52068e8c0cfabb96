import type { JournalEntry } from '../journal/index.js';
import type { StoreBatch, StoredChild } from './store.js';

/** A batch as the NATS store's journal stream holds it, read back: every part present. */
export interface DecodedBatch {
  readonly journal: readonly JournalEntry[];
  readonly values: ReadonlyMap<string, Uint8Array | null>;
  readonly children: ReadonlyMap<string, StoredChild | null>;
  readonly accepted: number | undefined;
}

/** What precedes the values' bytes: all of the batch but them, and each value's length (`null`: forgotten). */
interface Head {
  journal: readonly JournalEntry[];
  values: [string, number | null][];
  children: [string, StoredChild | null][];
  accepted?: number;
}

/** The first byte of an encoded batch: a later format gets another, and old journals stay readable. */
const FORMAT = 1;

/**
 * One batch as bytes, binary-safe: the format byte, the head's length (u32, big-endian), the head
 * as UTF-8 JSON, then every value's bytes, in the head's order. The caller's buffers are copied:
 * changing them after `write` changes nothing stored.
 */
export function encodeBatch(batch: StoreBatch): Uint8Array {
  const values = [...(batch.values ?? [])];
  const head: Head = {
    journal: batch.journal ?? [],
    values: values.map(([source, value]) => [source, value === null ? null : value.byteLength]),
    children: [...(batch.children ?? [])],
    ...(batch.accepted === undefined ? {} : { accepted: batch.accepted }),
  };
  const headBytes = Buffer.from(JSON.stringify(head), 'utf8');
  const out = new Uint8Array(5 + headBytes.byteLength + values.reduce((sum, [, v]) => sum + (v?.byteLength ?? 0), 0));
  out[0] = FORMAT;
  new DataView(out.buffer).setUint32(1, headBytes.byteLength);
  out.set(headBytes, 5);
  let at = 5 + headBytes.byteLength;
  for (const [, value] of values) {
    if (value === null) continue;
    out.set(value, at);
    at += value.byteLength;
  }
  return out;
}

/** The batch `encodeBatch` made; its values are views into `bytes`. */
export function decodeBatch(bytes: Uint8Array): DecodedBatch {
  if (bytes[0] !== FORMAT) throw new Error(`a batch in the store's journal stream is in format ${bytes[0]}; this romhost reads format ${FORMAT}`);
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  const head = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 5, headLength).toString('utf8')) as Head;
  let at = 5 + headLength;
  const values = new Map<string, Uint8Array | null>();
  for (const [source, length] of head.values) {
    if (length === null) {
      values.set(source, null);
      continue;
    }
    values.set(source, bytes.subarray(at, at + length));
    at += length;
  }
  return { journal: head.journal, values, children: new Map(head.children), accepted: head.accepted };
}
