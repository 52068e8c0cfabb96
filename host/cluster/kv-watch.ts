import { KvWatchInclude, type KV, type KvWatchEntry } from '@nats-io/kv';

/**
 * Watches every key of a bucket: `onEntry` hears each key's latest value, then every write after,
 * each told whether it was among the values there when the watch began (`initial`). Resolves once
 * those have all been told: when the watch has delivered the bucket's last message as of its start,
 * or a later one (each key's latest value comes before it). The entries' `delta` is no such signal:
 * other hosts writing meanwhile keep it from reaching 0 at the right entry (a joining host hung).
 */
export async function watchBucket(kv: KV, onEntry: (e: KvWatchEntry, initial: boolean) => void): Promise<{ stop(): void }> {
  const last = (await kv.status()).streamInfo.state.last_seq;
  const watch = await kv.watch({ include: KvWatchInclude.LastValue });
  let initial = last > 0;
  let loaded!: () => void;
  const caughtUp = new Promise<void>((done) => (loaded = done));
  if (!initial) loaded();
  void (async () => {
    for await (const e of watch) {
      onEntry(e, initial);
      if (initial && e.revision >= last) {
        initial = false;
        loaded();
      }
    }
  })();
  await caughtUp;
  return { stop: () => watch.stop() };
}
