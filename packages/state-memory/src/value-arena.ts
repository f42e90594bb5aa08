/**
 * Where stored values live: their bytes copied into shared 64 KiB chunks (a value over 4 KiB
 * gets a chunk of its own) instead of one `ArrayBuffer` per value. Measured in
 * `bench/results/memory.md`: this halves the JS heap per key (an `ArrayBuffer` and its
 * `Uint8Array` cost ~170 bytes of heap) and spares an allocation on every write of a new key;
 * an overwrite of the same size reuses its place.
 *
 * Stored bytes never leave the arena: {@link ValueArena.copyOut} hands out an exact-size copy
 * that owns its whole buffer, so nothing a caller does with it (write through `.buffer`,
 * transfer it) reaches a stored value or another caller's.
 *
 * Freed places are reclaimed by compaction: a chunk whose live bytes drop below half is
 * queued, and the sweep moves its live values into the current chunk, a few chunks per tick,
 * so chunks hold at most about twice the live bytes.
 */

/** Bytes in one shared chunk. */
export const CHUNK_BYTES = 64 * 1024;
/** Larger values get a chunk of their own. */
export const POOLED_MAX = 4 * 1024;
/** Most chunks one sweep tick compacts (each moves under 32 KiB). */
export const MAX_COMPACT_PER_TICK = 8;

/** A region of memory holding values. */
export class Chunk {
  /** Bytes of the places still in use. */
  live = 0;
  /** Every slot placed here (some since moved or freed: `slot.chunk !== this`). */
  slots: ValueSlot[] = [];
  constructor(
    readonly bytes: Uint8Array,
    readonly pooled: boolean,
  ) {}
}

/** Where one value is: its chunk (null when freed), offset and length. */
export interface ValueSlot {
  chunk: Chunk | null;
  offset: number;
  length: number;
}

/** Bytes a value of `n` bytes takes in a shared chunk (8-byte aligned). */
const placeBytes = (n: number): number => (n + 7) & ~7;

const newChunk = (bytes: number, pooled: boolean): Chunk =>
  new Chunk(new Uint8Array(bytes), pooled);

/** Where every empty value is: it takes no place, so it never fills (or pins) a chunk. */
const EMPTY = newChunk(0, false);

/** The chunks of one store. */
export class ValueArena {
  private current: Chunk = newChunk(CHUNK_BYTES, true);
  private top = 0;
  private readonly sparse = new Set<Chunk>();

  /** Copies `src` into `slot`, in place when the size allows. */
  write(slot: ValueSlot, src: Uint8Array): void {
    this.reserve(slot, src.byteLength);
    slot.chunk!.bytes.set(src, slot.offset);
  }

  /**
   * Stores the ASCII decimal form of the safe integer `n` (what `increment` keeps, as Redis
   * `INCRBY` does), writing the digits straight into the chunk: no string, no temporary array.
   */
  writeDecimal(slot: ValueSlot, n: number): void {
    let m = n < 0 ? -n : n;
    let len = n < 0 ? 2 : 1;
    for (let x = m; x >= 10; x = (x - (x % 10)) / 10) len++;
    this.reserve(slot, len);
    const bytes = slot.chunk!.bytes;
    let at = slot.offset + len;
    do {
      const d = m % 10;
      bytes[--at] = 48 + d;
      m = (m - d) / 10; // exact: m - d is a multiple of 10
    } while (m > 0);
    if (n < 0) bytes[--at] = 45; // '-'
  }

  /** A fresh, exact-size copy of the bytes in `slot` that owns its whole buffer. */
  copyOut(slot: ValueSlot): Uint8Array {
    const at = slot.offset;
    return slot.chunk!.bytes.slice(at, at + slot.length);
  }

  /** A view of the bytes in `slot`, valid until the next write; never hand it out. */
  view(slot: ValueSlot): Uint8Array {
    const at = slot.offset;
    return slot.chunk!.bytes.subarray(at, at + slot.length);
  }

  /** Gives back the place of `slot`. */
  release(slot: ValueSlot): void {
    const c = slot.chunk;
    if (c === null) return;
    slot.chunk = null;
    if (!c.pooled) return;
    c.live -= placeBytes(slot.length);
    if (c === this.current) return;
    if (c.live === 0) this.sparse.delete(c);
    else if (c.live < CHUNK_BYTES >>> 1) this.sparse.add(c);
  }

  /** Whether some chunk waits for compaction. */
  get fragmented(): boolean {
    return this.sparse.size > 0;
  }

  /** Moves the live values of up to {@link MAX_COMPACT_PER_TICK} sparse chunks. */
  compact(): void {
    let budget = MAX_COMPACT_PER_TICK;
    for (const c of this.sparse) {
      if (budget-- === 0) return;
      this.sparse.delete(c);
      for (const slot of c.slots) {
        if (slot.chunk !== c) continue;
        const from = c.bytes.subarray(slot.offset, slot.offset + slot.length);
        this.place(slot, slot.length);
        slot.chunk!.bytes.set(from, slot.offset);
      }
      c.slots = [];
      c.live = 0;
    }
  }

  /** Drops every value. */
  reset(): void {
    this.sparse.clear();
    this.current = newChunk(CHUNK_BYTES, true);
    this.top = 0;
  }

  /** Makes `slot` hold `n` bytes: in place when the size allows, else a new place. */
  private reserve(slot: ValueSlot, n: number): void {
    const c = slot.chunk;
    if (c !== null && (c.pooled ? placeBytes(n) === placeBytes(slot.length) : n === slot.length)) {
      slot.length = n;
      return;
    }
    if (c !== null) this.release(slot);
    this.place(slot, n);
  }

  private place(slot: ValueSlot, n: number): void {
    slot.length = n;
    if (n === 0 || n > POOLED_MAX) {
      slot.chunk = n === 0 ? EMPTY : newChunk(n, false);
      slot.offset = 0;
      return;
    }
    const size = placeBytes(n);
    if (this.top + size > CHUNK_BYTES) {
      const full = this.current;
      this.current = newChunk(CHUNK_BYTES, true);
      this.top = 0;
      if (full.live < CHUNK_BYTES >>> 1 && full.live > 0) this.sparse.add(full);
    }
    const c = this.current;
    slot.chunk = c;
    slot.offset = this.top;
    this.top += size;
    c.live += size;
    c.slots.push(slot);
  }
}
