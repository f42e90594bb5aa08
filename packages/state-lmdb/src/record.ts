/**
 * The stored forms. A record is a header followed by the value bytes. The header is one tag
 * byte: `0` for a record that never expires (header of 1 byte, so a plain record is barely
 * larger than its value), or `1` followed by the absolute expiry in epoch ms as a 48-bit
 * big-endian integer and the exponent `g` of its sweep grid (header of 8 bytes). The record's
 * sweep bucket, the time its expiry-index entry comes due, is its expiry rounded up to a
 * multiple of 2^g. An expiry-index key is the bucket (big-endian float64, which sorts in time
 * order for positive numbers) followed by the record key, so a sweep reads only what is due,
 * in order. A record key is the namespace prefix and the key as UTF-8.
 */

const TAG_PLAIN = 0;
const TAG_EXPIRING = 1;
const PLAIN_HEADER = 1;
const EXPIRING_HEADER = 8;

/** How a write's expiry is stored and indexed. */
export interface ExpiryPlan {
  /** Absolute expiry in epoch ms; `0` = never expires. */
  expiresAt: number;
  /** Exponent of the sweep grid. */
  grid: number;
  /** When the index entry comes due: `expiresAt` rounded up to the grid. */
  bucket: number;
  /** Whether the write must add an index entry (`false`: the previous one already covers it). */
  index: boolean;
}

const NO_EXPIRY: ExpiryPlan = { expiresAt: 0, grid: 0, bucket: 0, index: false };
/** A reused bucket is at least this far off, so no sweep can drop it before the write commits. */
const REUSE_MARGIN_MS = 1000;

const bucketOf = (expiresAt: number, grid: number): number => {
  const step = 2 ** grid;
  return Math.ceil(expiresAt / step) * step;
};

/**
 * Plans the expiry of a write of `ttlMs` at `now` over a record whose bucket was `oldBucket`.
 * The grid step is the largest power of two up to 1/16 of the TTL, so a key re-written with
 * a similar TTL (a rolling session, a refreshed cache entry) usually lands in the bucket it
 * had and keeps its index entry: the write touches no index page. The sweep reclaims a key at
 * most one grid step after it expired (reads never see it past its exact expiry).
 */
export function planExpiry(ttlMs: number | undefined, now: number, oldBucket: number): ExpiryPlan {
  if (ttlMs === undefined) return NO_EXPIRY;
  const expiresAt = now + ttlMs;
  const grid = Math.floor(Math.log2(Math.max(1, ttlMs / 16)));
  const bucket = bucketOf(expiresAt, grid);
  return { expiresAt, grid, bucket, index: bucket !== oldBucket || ttlMs < REUSE_MARGIN_MS };
}

/** The plan that keeps a record's stored expiry as it is. */
export function keepExpiry(record: Uint8Array): ExpiryPlan {
  if (record[0] === TAG_PLAIN) return NO_EXPIRY;
  const expiresAt = readUint48(record, 1);
  const grid = record[7]!;
  return { expiresAt, grid, bucket: bucketOf(expiresAt, grid), index: false };
}

/** A record with room for an expiry header (filled in later by {@link setHeader}) or none. */
export function allocateRecord(value: Uint8Array, expiring: boolean): Buffer {
  return writeRecord(Buffer.allocUnsafe(recordBytes(value, expiring)), value, expiring);
}

/** The size of the record of `value`. */
export function recordBytes(value: Uint8Array, expiring: boolean): number {
  return (expiring ? EXPIRING_HEADER : PLAIN_HEADER) + value.byteLength;
}

/** Writes the record of `value` into `out` (exactly {@link recordBytes} long); returns `out`. */
export function writeRecord(out: Buffer, value: Uint8Array, expiring: boolean): Buffer {
  out[0] = expiring ? TAG_EXPIRING : TAG_PLAIN;
  out.set(value, expiring ? EXPIRING_HEADER : PLAIN_HEADER);
  return out;
}

/** Writes the expiry header of a record made by `allocateRecord(value, true)`. */
export function setHeader(record: Buffer, plan: ExpiryPlan): void {
  record.writeUIntBE(plan.expiresAt, 1, 6);
  record[7] = plan.grid;
}

// lmdb-js hands large values out as plain Uint8Array views of its memory map, not Buffers.
function readUint48(r: Uint8Array, at: number): number {
  return (
    (r[at]! * 0x10000 + ((r[at + 1]! << 8) | r[at + 2]!)) * 0x1000000 +
    ((r[at + 3]! << 16) | (r[at + 4]! << 8) | r[at + 5]!)
  );
}

function headerBytes(record: Uint8Array): number {
  return record[0] === TAG_PLAIN ? PLAIN_HEADER : EXPIRING_HEADER;
}

/** The expiry of a stored record (`0` = none). */
export function recordExpiresAt(record: Uint8Array): number {
  return record[0] === TAG_PLAIN ? 0 : readUint48(record, 1);
}

/** The sweep bucket of a stored record (`0` = none). */
export function recordBucket(record: Uint8Array): number {
  return record[0] === TAG_PLAIN ? 0 : bucketOf(readUint48(record, 1), record[7]!);
}

/** Whether a record with this expiry is live at `now`. */
export function isLive(expiresAt: number, now: number): boolean {
  return expiresAt === 0 || expiresAt > now;
}

/**
 * A fresh copy of the value of a stored record (`length` is the record's byte length): an
 * exact-size `Uint8Array` that owns its whole buffer (`byteOffset` 0, `buffer.byteLength ===
 * byteLength`), so writing through its `.buffer` or transferring it changes nothing else.
 */
export function copyValue(record: Uint8Array, length: number): Uint8Array {
  const header = headerBytes(record);
  const out = new Uint8Array(length - header);
  out.set(record.subarray(header, length));
  return out;
}

/** A view (not a copy) of the value of a stored record, valid until the next read. */
export function viewValue(record: Uint8Array, length: number): Uint8Array {
  const header = headerBytes(record);
  return new Uint8Array(record.buffer, record.byteOffset + header, length - header);
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
