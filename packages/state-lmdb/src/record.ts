/**
 * The stored forms. A record is a 16-byte header followed by the value bytes: the absolute
 * expiry in epoch ms (`0` = never expires) and the sweep bucket (the time its expiry-index
 * entry comes due, at or after the expiry), both big-endian float64. An expiry-index key is
 * the bucket (same 8 bytes, which sort in time order for positive numbers) followed by the
 * record key, so a sweep reads only what is due, in order. A record key is the namespace
 * prefix and the key as UTF-8.
 */

/** Bytes before the value in a record. */
export const HEADER_BYTES = 16;

/** A record as stored: header and value in one fresh buffer (the caller's bytes are copied). */
export function encodeRecord(value: Uint8Array, expiresAt: number, bucket: number): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + value.byteLength);
  out.writeDoubleBE(expiresAt, 0);
  out.writeDoubleBE(bucket, 8);
  out.set(value, HEADER_BYTES);
  return out;
}

/** Writes the header of an encoded record in place. */
export function setHeader(record: Buffer, expiresAt: number, bucket: number): void {
  record.writeDoubleBE(expiresAt, 0);
  record.writeDoubleBE(bucket, 8);
}

// lmdb-js hands large values out as plain Uint8Array views of its memory map, not Buffers.
function readFloat64(record: Uint8Array, at: number): number {
  if (record instanceof Buffer) return record.readDoubleBE(at);
  return new DataView(record.buffer, record.byteOffset, HEADER_BYTES).getFloat64(at);
}

/** The expiry of a stored record (`0` = none). */
export function recordExpiresAt(record: Uint8Array): number {
  return readFloat64(record, 0);
}

/** The sweep bucket of a stored record (`0` = none). */
export function recordBucket(record: Uint8Array): number {
  return readFloat64(record, 8);
}

/** Whether a record with this expiry is live at `now`. */
export function isLive(expiresAt: number, now: number): boolean {
  return expiresAt === 0 || expiresAt > now;
}

// Small copies handed out are carved from shared slabs, as Node's Buffer pool does: a fresh
// ArrayBuffer per value costs several times the read itself. Each copy owns its bytes (no
// other value or stored data overlaps them); only `.buffer` is shared.
const SLAB_BYTES = 8192;
const POOLED_MAX_BYTES = 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/** A fresh copy of the value of a stored record; `length` is the record's byte length. */
export function copyValue(record: Uint8Array, length: number): Uint8Array {
  const n = length - HEADER_BYTES;
  const source = record.subarray(HEADER_BYTES, length);
  if (n > POOLED_MAX_BYTES) return new Uint8Array(source);
  if (slabUsed + n > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, n);
  slabUsed = (slabUsed + n + 7) & ~7;
  out.set(source);
  return out;
}

/** A view (not a copy) of the value of a stored record, valid until the next read. */
export function viewValue(record: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(record.buffer, record.byteOffset + HEADER_BYTES, length - HEADER_BYTES);
}

/** How a write's expiry is indexed: its bucket, and whether a new index entry is needed. */
export interface ExpiryPlan {
  expiresAt: number;
  bucket: number;
  /** `false` when the previous record's index entry (same bucket) already covers it. */
  index: boolean;
}

const NO_EXPIRY: ExpiryPlan = { expiresAt: 0, bucket: 0, index: false };
/** A reused bucket must be this far off, so no sweep can drop it before the write commits. */
const REUSE_MARGIN_MS = 1000;

/**
 * Plans the expiry of a write of `ttlMs` at `now` over a record whose bucket was `oldBucket`.
 * Buckets round the expiry up to a power-of-two grid of at most 1/16 of the TTL, so a key
 * re-written with a similar TTL (a rolling session, a refreshed cache entry) usually keeps
 * its index entry and the write touches no index page; the sweep reclaims a key at most
 * that grid step after it expired (reads never see it past its exact expiry).
 */
export function planExpiry(ttlMs: number | undefined, now: number, oldBucket: number): ExpiryPlan {
  if (ttlMs === undefined) return NO_EXPIRY;
  const expiresAt = now + ttlMs;
  const grid = 2 ** Math.floor(Math.log2(Math.max(1, ttlMs / 16)));
  if (
    oldBucket >= expiresAt &&
    oldBucket <= expiresAt + grid &&
    expiresAt - now >= REUSE_MARGIN_MS
  ) {
    return { expiresAt, bucket: oldBucket, index: false };
  }
  return { expiresAt, bucket: Math.ceil(expiresAt / grid) * grid, index: true };
}

/** One entry of the expiry index: record `key` comes due for the sweep at `expiresAt` (its bucket). */
export interface ExpiryKey {
  expiresAt: number;
  key: string;
}

function writeUtf8(key: string, target: Buffer, start: number): number {
  // Short ASCII keys (the common case) are copied by hand: cheaper than Buffer#write.
  const n = key.length;
  if (n <= 64 && start + n <= target.length) {
    let i = 0;
    for (; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c > 0x7f) break;
      target[start + i] = c;
    }
    if (i === n) return start + n;
  }
  const written = target.write(key, start, 'utf8');
  // A write that ran out of room leaves fewer than 4 bytes free; only then count exactly.
  if (target.length - start - written < 4 && written !== Buffer.byteLength(key)) {
    throw new RangeError('key does not fit the key buffer');
  }
  return start + written;
}

/**
 * lmdb-js key encoder of the records: the full key string as UTF-8, nothing else, so NUL,
 * `:` and any Unicode are plain bytes and keys sort in UTF-8 byte order.
 */
export const recordKeyEncoder = {
  writeKey: (key: string, target: Buffer, start: number): number => writeUtf8(key, target, start),
  readKey: (source: Buffer, start: number, end: number): string =>
    source.toString('utf8', start, end),
};

/** lmdb-js key encoder of the expiry index: 8-byte expiry, then the record key as UTF-8. */
export const expiryKeyEncoder = {
  writeKey: (entry: ExpiryKey, target: Buffer, start: number): number => {
    target.writeDoubleBE(entry.expiresAt, start);
    return writeUtf8(entry.key, target, start + 8);
  },
  readKey: (source: Buffer, start: number, end: number): ExpiryKey => ({
    expiresAt: source.readDoubleBE(start),
    key: source.toString('utf8', start + 8, end),
  }),
};
