import { describeValue, StateError } from './errors.js';

/** Throws `ERR_STATE_INVALID_ARGUMENT` unless `delta` is a safe integer. */
export function assertDelta(
  delta: unknown,
  key: string,
  source = '@pforge/state-core',
): asserts delta is number {
  if (typeof delta !== 'number' || !Number.isSafeInteger(delta)) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${source}] delta of increment(${JSON.stringify(key)}) must be a safe integer (got ${describeValue(delta)})`,
    );
  }
}

/**
 * Reads a stored counter: ASCII decimal in canonical form (`0|-?[1-9][0-9]*`, as Redis reads
 * integers); `undefined` (absent) counts as 0. Throws `ERR_STATE_NOT_A_COUNTER` for anything
 * else and `ERR_STATE_OUT_OF_RANGE` for an integer outside the safe range.
 */
export function decodeCounter(
  bytes: Uint8Array | undefined,
  key: string,
  source = '@pforge/state-core',
): number {
  if (bytes === undefined) return 0;
  // Parsed byte by byte: no string, Buffer or RegExp on the hot path of every increment.
  const len = bytes.byteLength;
  if (len > 40) throw notACounter(key, source); // as before: never a counter
  const neg = len > 0 && bytes[0] === 45; // '-'
  let i = neg ? 1 : 0;
  // Canonical: "0", or an optional '-', a non-zero digit, then digits.
  if (len === i || (bytes[i] === 48 && (len !== 1 || neg))) throw notACounter(key, source);
  let n = 0;
  for (; i < len; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) throw notACounter(key, source);
    n = n * 10 + d;
  }
  // 16 digits at most (2^53 - 1 = 9007199254740991), so `n` above was computed exactly.
  if (len - (neg ? 1 : 0) > 16 || !Number.isSafeInteger(n)) throw outOfRange(key, source);
  return neg ? -n : n;
}

/** `current + delta`, or `ERR_STATE_OUT_OF_RANGE` when the sum is not a safe integer. */
export function addCounter(
  current: number,
  delta: number,
  key: string,
  source = '@pforge/state-core',
): number {
  const next = current + delta;
  if (!Number.isSafeInteger(next)) throw outOfRange(key, source);
  return next;
}

/** The stored form of a counter: ASCII decimal bytes, as Redis `INCRBY` keeps it. */
export function encodeCounter(n: number): Uint8Array {
  const s = String(n);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function notACounter(key: string, source: string): StateError {
  return new StateError(
    'ERR_STATE_NOT_A_COUNTER',
    `[${source}] increment(${JSON.stringify(key)}): the stored value is not a decimal integer`,
  );
}

function outOfRange(key: string, source: string): StateError {
  return new StateError(
    'ERR_STATE_OUT_OF_RANGE',
    `[${source}] increment(${JSON.stringify(key)}) would leave the safe-integer range (±${Number.MAX_SAFE_INTEGER})`,
  );
}
