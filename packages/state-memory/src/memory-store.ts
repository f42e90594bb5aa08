import { Arena, type Chunk, type Slot } from './arena.js';
import { now } from './clock.js';
import { ExpiryHeap } from './expiry-heap.js';
import type { KeyCursor } from './key-cursor.js';

/** Expiry of a key that never expires. */
export const NEVER = Number.POSITIVE_INFINITY;

/**
 * The most expired keys one background sweep tick removes. A tick costs
 * O(MAX_SWEEP_PER_TICK · log n) (well under a millisecond at a million keys); when a tick hits
 * the bound the next one runs 1 ms later instead of after `sweepIntervalMs`, so a backlog is
 * worked off in small slices without blocking the event loop.
 */
export const MAX_SWEEP_PER_TICK = 4096;

/**
 * Resolution of the expiry index, in ms: a record is filed under the grain its expiry falls
 * in, so the sweep reclaims a key up to one grain (plus one interval) after it expires. Reads
 * use the exact expiry and never see an expired key.
 */
export const SWEEP_GRAIN_MS = 1024;

/** Default pause between two sweep ticks, in ms. */
export const DEFAULT_SWEEP_INTERVAL_MS = 1000;

/** One stored key: where its value is, its expiry, heap position, namespace and order. */
export class Rec implements Slot {
  /** The key, without namespace. */
  k: string;
  /** The arena chunk holding the value (null once freed). */
  c: Chunk | null = null;
  /** Offset of the value in the chunk. */
  o = 0;
  /** Length of the value in bytes. */
  n = 0;
  /** Absolute expiry in epoch ms, or {@link NEVER}. */
  e: number;
  /** Position in the expiry heap, -1 when it never expires. */
  i = -1;
  /**
   * Heap key: the grain (since the store began) at which to look at this record again. It
   * may be earlier than `e` (an expiry pushed later is re-filed lazily by the sweep), never
   * later, so the sweep never misses a key.
   */
  h = 0;
  /** The namespace that holds it. */
  s: Space;
  /** Store-wide insertion order (the order of `s.map`); a move to the back takes a new one. */
  q: number;
  /**
   * The stored bytes read as a counter, kept by `increment` so the next one neither parses
   * nor allocates; `undefined` once other bytes are written (and before any increment).
   * Always equal to the bytes in the arena, which stay the source of truth for reads.
   */
  v: number | undefined = undefined;

  constructor(k: string, e: number, s: Space, q: number) {
    this.k = k;
    this.e = e;
    this.s = s;
    this.q = q;
  }
}

/** The keys of one namespace, in insertion (LRU: recency) order. */
export class Space {
  readonly map = new Map<string, Rec>();
  /** Most entries kept (LRU eviction beyond), 0 for no limit. */
  maxEntries = 0;
  /** Open managers on this namespace. */
  managers = 0;
  /** Running `keys()` iterations; usually none. */
  cursors: Set<KeyCursor> | undefined;

  /** The store's arena (kept here to save a hop on the write path). */
  readonly arena: Arena;

  constructor(readonly store: StoreCore) {
    this.arena = store.arena;
  }

  /** The live record of `key`; drops it (and returns undefined) when expired. */
  read(key: string): Rec | undefined {
    const rec = this.map.get(key);
    if (rec === undefined) return undefined;
    if (rec.e !== NEVER && rec.e <= now()) {
      this.store.drop(rec);
      return undefined;
    }
    return rec;
  }

  /** Stores a copy of `value` with absolute expiry `e` (which may be {@link NEVER}). */
  write(key: string, value: Uint8Array, e: number): void {
    const rec = this.map.get(key);
    if (rec === undefined) {
      this.insert(key, value, e);
      return;
    }
    rec.v = undefined; // other bytes: no longer a known counter
    this.arena.put(rec, value);
    // `i < 0` means no expiry: a write without ttl to such a key skips the expiry record.
    if ((rec.i >= 0 || e !== NEVER) && rec.e !== e) this.store.expireAt(rec, e);
    if (this.maxEntries !== 0) this.touch(rec);
  }

  /** Adds a record for an absent key. */
  insert(key: string, value: Uint8Array, e: number): void {
    const rec = new Rec(key, e, this, ++this.store.seq);
    this.arena.put(rec, value);
    this.add(rec);
  }

  /** Files a new record (its value already placed) in the map and, with an expiry, the heap. */
  private add(rec: Rec): void {
    const store = this.store;
    this.map.set(rec.k, rec);
    if (rec.e !== NEVER) {
      rec.h = store.grainOf(rec.e);
      store.heap.push(rec);
    }
    if (this.maxEntries !== 0 && this.map.size > this.maxEntries) this.evict();
  }

  /** Adds a counter record holding `n` for an absent key. */
  insertCounter(key: string, n: number, e: number): void {
    const rec = new Rec(key, e, this, ++this.store.seq);
    this.arena.putDecimal(rec, n);
    rec.v = n;
    this.add(rec);
  }

  /** Stores the counter value `n` in `rec`, keeping its expiry. */
  writeCounter(rec: Rec, n: number): void {
    this.arena.putDecimal(rec, n);
    rec.v = n;
    if (this.maxEntries !== 0) this.touch(rec);
  }

  /** Marks `rec` most recently used (LRU mode only). */
  touch(rec: Rec): void {
    if (this.cursors !== undefined) this.noteMove(rec);
    this.map.delete(rec.k);
    this.map.set(rec.k, rec);
    rec.q = ++this.store.seq;
  }

  /** Evicts least recently used records until at most `maxEntries` remain. */
  evict(): void {
    const max = this.maxEntries;
    while (max !== 0 && this.map.size > max) {
      const oldest = this.map.values().next().value as Rec;
      this.store.drop(oldest);
    }
  }

  /** A record visited by a running `keys()` is moving: do not yield it again. */
  noteMove(rec: Rec): void {
    for (const c of this.cursors!) if (rec.q <= c.at) c.skip.add(rec.k);
  }
}

/** The shared part of a store: namespaces, the expiry heap, the background sweep. */
export class StoreCore {
  readonly spaces = new Map<string, Space>();
  readonly heap = new ExpiryHeap<Rec>();
  readonly arena = new Arena();
  /** Last insertion order number handed out. */
  seq = 0;
  private attached = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** When the store began, epoch ms: grains count from here. */
  private readonly base = now();

  constructor(readonly sweepIntervalMs: number) {}

  /** The grain an absolute expiry falls in (rounded up, so the grain ends after it). */
  grainOf(e: number): number {
    return Math.ceil((e - this.base) / SWEEP_GRAIN_MS);
  }

  /** Every record held, expired ones not yet reclaimed included. */
  get size(): number {
    let n = 0;
    for (const space of this.spaces.values()) n += space.map.size;
    return n;
  }

  /** The namespace `name`, created on first use. */
  space(name: string): Space {
    let space = this.spaces.get(name);
    if (space === undefined) {
      space = new Space(this);
      this.spaces.set(name, space);
    }
    return space;
  }

  /** Removes `rec` from its namespace and from the heap. */
  drop(rec: Rec): void {
    const space = rec.s;
    if (space.cursors !== undefined) space.noteMove(rec);
    space.map.delete(rec.k);
    if (rec.i >= 0) this.heap.remove(rec);
    this.arena.free(rec);
  }

  /** Gives `rec` the absolute expiry `e` ({@link NEVER} clears it). */
  expireAt(rec: Rec, e: number): void {
    const was = rec.e;
    rec.e = e;
    // A later expiry leaves the record filed early: the sweep re-files it when its old grain
    // comes, so refreshing a TTL costs O(1) instead of a sift through the heap.
    if (rec.i >= 0 && e >= was && e !== NEVER) return;
    if (e === NEVER) {
      if (rec.i >= 0) this.heap.remove(rec);
      return;
    }
    const h = this.grainOf(e);
    if (rec.i < 0) {
      rec.h = h;
      this.heap.push(rec);
    } else if (h < rec.h) {
      rec.h = h;
      this.heap.update(rec);
    }
  }

  /**
   * One bounded sweep: looks at up to {@link MAX_SWEEP_PER_TICK} records whose grain has
   * passed, removing the expired ones and re-filing those whose expiry was pushed later.
   * Returns how many it removed; sets `behind` when it stopped at the bound.
   */
  sweep(): number {
    const heap = this.heap;
    const t = now();
    const due = Math.floor((t - this.base) / SWEEP_GRAIN_MS);
    let seen = 0;
    let removed = 0;
    for (let rec = heap.peek(); rec !== undefined && rec.h <= due; rec = heap.peek()) {
      if (rec.e <= t) {
        this.drop(rec);
        removed++;
      } else {
        rec.h = this.grainOf(rec.e);
        heap.update(rec);
      }
      if (++seen === MAX_SWEEP_PER_TICK) break;
    }
    this.behind = seen === MAX_SWEEP_PER_TICK;
    this.arena.compact();
    return removed;
  }

  /** Whether the last sweep stopped at its bound with work left. */
  private behind = false;

  /** A manager opened on this store: the sweep runs while any is open. */
  attach(): void {
    if (++this.attached === 1) this.schedule(this.sweepIntervalMs);
  }

  /** A manager closed. */
  detach(): void {
    if (--this.attached === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Drops every record (a private store whose manager closed). */
  destroy(): void {
    for (const space of this.spaces.values()) space.map.clear();
    this.spaces.clear();
    this.heap.clear();
    this.arena.reset();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.sweep();
    if (this.attached > 0) {
      const behind = this.behind || this.arena.fragmented;
      this.schedule(behind ? 1 : this.sweepIntervalMs);
    }
  };

  private schedule(ms: number): void {
    this.timer = setTimeout(this.tick, ms);
    this.timer.unref();
  }
}
