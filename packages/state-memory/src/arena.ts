/**
 * Where values live: bytes copied into 64 KiB chunks (one per value above 4 KiB) rather than
 * one ArrayBuffer per value. An ArrayBuffer costs ~250 ns to allocate and ~120 bytes of heap;
 * a copy into a chunk costs ~10 ns, and an overwrite of the same size reuses its place.
 * Stored bytes are never handed out: reads copy them into fresh arrays.
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
  /** Every slot placed here (some since moved or freed: `slot.c !== this`). */
  slots: Slot[] = [];
  constructor(
    readonly buf: ArrayBuffer,
    readonly u8: Uint8Array,
    readonly pooled: boolean,
  ) {}
}

/** Where one value is: its chunk (null when freed), offset and length. */
export interface Slot {
  c: Chunk | null;
  o: number;
  n: number;
}

/** Bytes a value of `n` bytes takes in a chunk (8-byte aligned, as Node's pool). */
export const placeBytes = (n: number): number => (n + 7) & ~7;

/** Bytes a value of `n` bytes takes in the shared buffer of a `readMany`. */
export const batchBytes = (n: number): number => (n > POOLED_MAX ? 0 : (n + 7) & ~7);

const newChunk = (bytes: number, pooled: boolean): Chunk => {
  const buf = new ArrayBuffer(bytes);
  return new Chunk(buf, new Uint8Array(buf), pooled);
};

/** Where every empty value is: it takes no place, so it never fills (or pins) a chunk. */
const EMPTY = newChunk(0, false);

/**
 * Where returned arrays are carved from, like Node's `Buffer` pool: an `ArrayBuffer` costs
 * ~0.6 µs plus ~20 ns per KiB here, more than copying out a whole `getMany` of 100 small
 * values. The trade-off: a returned view kept alive keeps its slab alive.
 */
class Slab {
  buf: ArrayBuffer;
  private top = 0;
  constructor(private readonly size: number) {
    this.buf = new ArrayBuffer(size);
  }

  /** Takes `n` bytes (at most half the slab); returns their offset in `buf`. */
  carve(n: number): number {
    if (this.top + n > this.size) {
      this.buf = new ArrayBuffer(this.size);
      this.top = 0;
    }
    const at = this.top;
    this.top = placeBytes(at + n);
    return at;
  }
}

/** Single values up to 4 KiB come from an 8 KiB slab, as `Buffer.allocUnsafe` does. */
const OUT_ONE_MAX = 4 * 1024;
const oneSlab = new Slab(8 * 1024);
/**
 * A `getMany` whose values total up to 16 KiB shares a 32 KiB slab (a kept value pins at
 * most 32 KiB; a larger batch gets a buffer of its own).
 */
const OUT_BATCH_MAX = 16 * 1024;
const batchSlab = new Slab(32 * 1024);

/** A fresh array of `n` bytes, from the output slab when small. */
export function freshBytes(n: number): Uint8Array {
  if (n > OUT_ONE_MAX) return new Uint8Array(n);
  const at = oneSlab.carve(n);
  return new Uint8Array(oneSlab.buf, at, n);
}

/** The chunks of one store. */
export class Arena {
  private cur: Chunk = newChunk(CHUNK_BYTES, true);
  private top = 0;
  private readonly sparse = new Set<Chunk>();

  /** Copies `src` into `slot`, in place when the size allows. */
  put(slot: Slot, src: Uint8Array): void {
    this.reserve(slot, src.byteLength);
    slot.c!.u8.set(src, slot.o);
  }

  /**
   * Stores the ASCII decimal form of the safe integer `n` (what `increment` keeps, as Redis
   * `INCRBY` does), writing the digits straight into the chunk: no string, no temporary array.
   */
  putDecimal(slot: Slot, n: number): void {
    let m = n < 0 ? -n : n;
    let len = n < 0 ? 2 : 1;
    for (let x = m; x >= 10; x = (x - (x % 10)) / 10) len++;
    this.reserve(slot, len);
    const u8 = slot.c!.u8;
    let at = slot.o + len;
    do {
      const d = m % 10;
      u8[--at] = 48 + d;
      m = (m - d) / 10; // exact: m - d is a multiple of 10
    } while (m > 0);
    if (n < 0) u8[--at] = 45; // '-'
  }

  /** Makes `slot` hold `n` bytes: in place when the size allows, else a new place. */
  private reserve(slot: Slot, n: number): void {
    const c = slot.c;
    if (c !== null && (c.pooled ? placeBytes(n) === placeBytes(slot.n) : n === slot.n)) {
      slot.n = n;
      return;
    }
    if (c !== null) this.free(slot);
    this.place(slot, n);
  }

  /** A fresh copy of the bytes in `slot`. */
  read(slot: Slot): Uint8Array {
    const n = slot.n;
    const out = freshBytes(n);
    out.set(new Uint8Array(slot.c!.buf, slot.o, n));
    return out;
  }

  /**
   * Fresh copies of many slots at once, replacing each slot of `slots` in place with its copy:
   * the small values share one new buffer (or the output slab), `total` bytes of
   * {@link batchBytes}; a large value gets its own.
   */
  readMany(slots: (Slot | Uint8Array | undefined)[], total: number): (Uint8Array | undefined)[] {
    let buf: ArrayBuffer;
    let at: number;
    if (total > OUT_BATCH_MAX) {
      buf = new ArrayBuffer(total);
      at = 0;
    } else {
      at = batchSlab.carve(total);
      buf = batchSlab.buf;
    }
    const count = slots.length;
    let i = 0;
    while (i < count) {
      const first = slots[i] as Slot | undefined;
      if (first === undefined) {
        i++;
        continue;
      }
      if (first.n > POOLED_MAX) {
        // A large value gets its own buffer, so keeping a small one never pins it.
        slots[i++] = this.read(first);
        continue;
      }
      // Values written together sit together: copy each run of neighbours in one go.
      const c = first.c!;
      let end = first.o + placeBytes(first.n);
      let j = i + 1;
      for (; j < count; j++) {
        const next = slots[j] as Slot | undefined;
        if (next === undefined || next.c !== c || next.o !== end) break;
        end += placeBytes(next.n);
      }
      if (j - i === 1) {
        const out = new Uint8Array(buf, at, first.n);
        out.set(new Uint8Array(c.buf, first.o, first.n));
        slots[i++] = out;
        at += placeBytes(first.n);
        continue;
      }
      const run = end - first.o;
      new Uint8Array(buf, at, run).set(new Uint8Array(c.buf, first.o, run));
      for (; i < j; i++) {
        const n = (slots[i] as Slot).n;
        slots[i] = new Uint8Array(buf, at, n);
        at += placeBytes(n);
      }
    }
    return slots as (Uint8Array | undefined)[];
  }

  /** A view of the bytes in `slot`, valid until the next write; never hand it out. */
  view(slot: Slot): Uint8Array {
    return new Uint8Array(slot.c!.buf, slot.o, slot.n);
  }

  /** Gives back the place of `slot`. */
  free(slot: Slot): void {
    const c = slot.c;
    if (c === null) return;
    slot.c = null;
    if (!c.pooled) return;
    c.live -= placeBytes(slot.n);
    if (c === this.cur) return;
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
        if (slot.c !== c) continue;
        const from = new Uint8Array(c.buf, slot.o, slot.n);
        this.place(slot, slot.n);
        slot.c!.u8.set(from, slot.o);
      }
      c.slots = [];
      c.live = 0;
    }
  }

  /** Drops every value. */
  reset(): void {
    this.sparse.clear();
    this.cur = newChunk(CHUNK_BYTES, true);
    this.top = 0;
  }

  private place(slot: Slot, n: number): void {
    if (n === 0) {
      slot.c = EMPTY;
      slot.o = 0;
      slot.n = 0;
      return;
    }
    if (n > POOLED_MAX) {
      slot.c = newChunk(n, false);
      slot.o = 0;
      slot.n = n;
      return;
    }
    const size = placeBytes(n);
    if (this.top + size > CHUNK_BYTES) {
      const full = this.cur;
      this.cur = newChunk(CHUNK_BYTES, true);
      this.top = 0;
      if (full.live < CHUNK_BYTES >>> 1 && full.live > 0) this.sparse.add(full);
    }
    const c = this.cur;
    slot.c = c;
    slot.o = this.top;
    slot.n = n;
    this.top += size;
    c.live += size;
    c.slots.push(slot);
  }
}
