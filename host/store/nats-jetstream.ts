import { JetStreamApiCodes, JetStreamApiError, StorageType, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';

/**
 * What every user of JetStream here shares: the NATS store's journal, and the cluster's input log
 * and buckets.
 */

/** The stream `name` on `subject` (file storage), created when missing; another process creating it at the same time is no error. */
export async function ensureStream(jsm: JetStreamManager, name: string, subject: string): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(name);
  } catch (e) {
    if (!(e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound)) throw e;
  }
  try {
    return await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File, num_replicas: 1 });
  } catch (e) {
    if (!(e instanceof JetStreamApiError)) throw e;
    return jsm.streams.info(name);
  }
}

/**
 * Whether a write was refused because the stream or key was not at the sequence (revision) it
 * expected: another writer was there first. Anything else (a timeout) is no such verdict.
 */
export function isWrongLastSequence(e: unknown): boolean {
  return e instanceof JetStreamApiError && (e.code === JetStreamApiCodes.StreamWrongLastSequence || e.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}
