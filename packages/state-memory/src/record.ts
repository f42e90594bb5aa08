import type { HeapItem } from './expiry-heap.js';
import type { Chunk, ValueSlot } from './value-arena.js';

/** Expiry of a key that never expires. */
export const NEVER = Number.POSITIVE_INFINITY;

/** One stored key: where its value is, when it expires, and its place in the indexes. */
export class MemoryRecord implements ValueSlot, HeapItem {
  /** The key, without namespace. */
  readonly key: string;
  /** The arena chunk holding the value (null once released). */
  chunk: Chunk | null = null;
  /** Offset of the value in the chunk. */
  offset = 0;
  /** Length of the value in bytes. */
  length = 0;
  /** Absolute expiry in epoch ms, or {@link NEVER}. */
  expiresAt: number;
  /**
   * When the sweep looks at this record again (epoch ms): never later than `expiresAt`, and
   * earlier when the expiry was pushed later (the sweep re-files it then, so extending a TTL
   * costs O(1)).
   */
  checkAt = NEVER;
  /** Position in the expiry heap, -1 when it never expires. */
  heapIndex = -1;
  /** Insertion order in its namespace (the order of the namespace's map); a move renews it. */
  order: number;
  /**
   * The stored bytes read as a counter, kept by `increment` so the next one neither parses
   * nor allocates; `undefined` once other bytes are written (and before any increment).
   * Always equal to the bytes in the arena, which stay the source of truth for reads.
   */
  counter: number | undefined = undefined;

  constructor(key: string, expiresAt: number, order: number) {
    this.key = key;
    this.expiresAt = expiresAt;
    this.order = order;
  }
}
