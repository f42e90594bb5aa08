import { now } from './clock.js';
import { ExpiryHeap } from './expiry-heap.js';
import { MemoryRecord, NEVER } from './record.js';
import type { ValueArena } from './value-arena.js';

/** A running `keys()` iteration, so a key moved behind it is not yielded twice. */
export interface KeyCursor {
  /** `order` of the last record visited. */
  at: number;
  /** Keys already visited that were since moved or recreated behind the cursor. */
  skip: Set<string>;
}

/**
 * The keys of one namespace: a `Map` in insertion order (recency order with `maxEntries`),
 * its expiry heap, and the LRU bound. Values live in the store's shared arena.
 */
export class Keyspace {
  readonly map = new Map<string, MemoryRecord>();
  /** The records that have an expiry, by when to look at them again. */
  readonly heap = new ExpiryHeap<MemoryRecord>();
  /** Most entries kept (LRU eviction beyond, expired ones first), 0 for no limit. */
  maxEntries = 0;
  /** Open managers on this namespace. */
  managers = 0;
  /** Last insertion order handed out. */
  lastOrder = 0;
  /** Running `keys()` iterations; usually none. */
  cursors: Set<KeyCursor> | undefined;

  constructor(readonly arena: ValueArena) {}

  /** The live record of `key`; drops it (and returns undefined) when expired. */
  live(key: string): MemoryRecord | undefined {
    const rec = this.map.get(key);
    if (rec === undefined) return undefined;
    if (rec.expiresAt !== NEVER && rec.expiresAt <= now()) {
      this.drop(rec);
      return undefined;
    }
    return rec;
  }

  /** Stores a copy of `value` with absolute expiry `expiresAt` (which may be {@link NEVER}). */
  write(key: string, value: Uint8Array, expiresAt: number): void {
    const rec = this.map.get(key);
    if (rec === undefined) {
      const created = new MemoryRecord(key, expiresAt, ++this.lastOrder);
      this.arena.write(created, value);
      this.add(created);
      return;
    }
    rec.counter = undefined; // other bytes: no longer a known counter
    this.arena.write(rec, value);
    if (rec.expiresAt !== expiresAt) this.expireAt(rec, expiresAt);
    if (this.maxEntries !== 0) this.touch(rec);
  }

  /** Adds a counter record holding `n` for an absent key. */
  insertCounter(key: string, n: number, expiresAt: number): void {
    const rec = new MemoryRecord(key, expiresAt, ++this.lastOrder);
    this.arena.writeDecimal(rec, n);
    rec.counter = n;
    this.add(rec);
  }

  /** Stores the counter value `n` in `rec`, keeping its expiry. */
  writeCounter(rec: MemoryRecord, n: number): void {
    this.arena.writeDecimal(rec, n);
    rec.counter = n;
    if (this.maxEntries !== 0) this.touch(rec);
  }

  /** Removes `rec` from the namespace, its heap and the arena. */
  drop(rec: MemoryRecord): void {
    if (this.cursors !== undefined) this.noteMove(rec);
    this.map.delete(rec.key);
    if (rec.heapIndex >= 0) this.heap.remove(rec);
    this.arena.release(rec);
  }

  /** Gives `rec` the absolute expiry `expiresAt` ({@link NEVER} clears it). */
  expireAt(rec: MemoryRecord, expiresAt: number): void {
    const was = rec.expiresAt;
    rec.expiresAt = expiresAt;
    if (expiresAt === NEVER) {
      if (rec.heapIndex >= 0) this.heap.remove(rec);
    } else if (rec.heapIndex < 0) {
      rec.checkAt = expiresAt;
      this.heap.push(rec);
    } else if (expiresAt < was) {
      // A later expiry leaves the record filed early: the sweep re-files it when it comes
      // due, so refreshing a TTL costs O(1) instead of a sift through the heap.
      rec.checkAt = expiresAt;
      this.heap.update(rec);
    }
  }

  /** Marks `rec` most recently used (LRU mode only). */
  touch(rec: MemoryRecord): void {
    if (this.cursors !== undefined) this.noteMove(rec);
    this.map.delete(rec.key);
    this.map.set(rec.key, rec);
    rec.order = ++this.lastOrder;
  }

  /**
   * Looks at up to `budget` records due at `t`: drops the expired ones, re-files those whose
   * expiry was pushed later. Returns how many it looked at and how many it dropped.
   */
  sweepDue(t: number, budget: number): { seen: number; removed: number } {
    const heap = this.heap;
    let seen = 0;
    let removed = 0;
    for (let rec = heap.peek(); rec !== undefined && rec.checkAt <= t; rec = heap.peek()) {
      if (seen === budget) break;
      seen++;
      if (rec.expiresAt <= t) {
        this.drop(rec);
        removed++;
      } else {
        rec.checkAt = rec.expiresAt;
        heap.update(rec);
      }
    }
    return { seen, removed };
  }

  /**
   * Evicts until at most `maxEntries` remain: an expired record first, while there is one,
   * then the least recently used.
   */
  evictOverflow(): void {
    const max = this.maxEntries;
    while (max !== 0 && this.map.size > max) {
      if (!this.dropOneExpired()) this.drop(this.map.values().next().value as MemoryRecord);
    }
  }

  /** Drops one expired record if there is one, re-filing the extended ones it passes. */
  private dropOneExpired(): boolean {
    const heap = this.heap;
    if (heap.size === 0) return false;
    const t = now();
    for (let rec = heap.peek(); rec !== undefined && rec.checkAt <= t; rec = heap.peek()) {
      if (rec.expiresAt <= t) {
        this.drop(rec);
        return true;
      }
      rec.checkAt = rec.expiresAt;
      heap.update(rec);
    }
    return false;
  }

  /** Files a new record (its value already placed) in the map and, with an expiry, the heap. */
  private add(rec: MemoryRecord): void {
    this.map.set(rec.key, rec);
    if (rec.expiresAt !== NEVER) {
      rec.checkAt = rec.expiresAt;
      this.heap.push(rec);
    }
    if (this.maxEntries !== 0 && this.map.size > this.maxEntries) this.evictOverflow();
  }

  /** A record visited by a running `keys()` is moving: do not yield it again. */
  private noteMove(rec: MemoryRecord): void {
    for (const c of this.cursors!) if (rec.order <= c.at) c.skip.add(rec.key);
  }
}
