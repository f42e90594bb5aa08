/**
 * Which expiry-index entries this process wrote recently, so a `set` with a TTL can skip
 * re-writing an entry that is already there without reading the store. Sound because an
 * index entry is only ever removed by the sweep once it is due, and a bucket is reused only
 * when it is at least a second away (see `planExpiry`): whatever happened to the key since,
 * in any process, the entry is still there. Bounded: cleared when it holds too much.
 */
export interface IndexMemo {
  /** Whether this process wrote the index entry (`bucket`, `key`). */
  has(key: string, bucket: number): boolean;
  /** Records that the entry (`bucket`, `key`) was written. */
  add(key: string, bucket: number): void;
}

const MAX_ENTRIES = 65_536;
const MAX_KEY_CHARS = 4 * 1024 * 1024;

/** A new, empty memo. */
export function createIndexMemo(): IndexMemo {
  const buckets = new Map<string, number>();
  let chars = 0;
  return {
    has: (key, bucket) => buckets.get(key) === bucket,
    add(key, bucket) {
      if (buckets.size >= MAX_ENTRIES || chars + key.length > MAX_KEY_CHARS) {
        buckets.clear();
        chars = 0;
      }
      if (!buckets.has(key)) chars += key.length;
      buckets.set(key, bucket);
    },
  };
}
