/**
 * The store's clock: epoch milliseconds from the monotonic clock, so a wall-clock jump (NTP,
 * a suspended VM) neither expires nor revives keys. Read once per TTL write and once per read
 * of a key that has an expiry; never cached, since a stale clock would shorten TTLs.
 */
const origin = performance.timeOrigin;

/** Now, in fractional epoch ms; reads compare expiries against it. */
export const now = (): number => origin + performance.now();

/**
 * The start of the current millisecond: expiries are counted from it, so a key written with
 * `ttl` is gone from the moment `start + ttl` begins (never later, as with Redis `PX`).
 */
export const nowMs = (): number => Math.floor(origin + performance.now());
