import { describeValue, StateError } from './errors.js';

const CANONICAL = /^(?:0|-?[1-9][0-9]*)$/;
const encoder = new TextEncoder();

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
  const text =
    bytes.byteLength <= 40
      ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
      : '';
  if (!CANONICAL.test(text)) {
    throw new StateError(
      'ERR_STATE_NOT_A_COUNTER',
      `[${source}] increment(${JSON.stringify(key)}): the stored value is not a decimal integer`,
    );
  }
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw outOfRange(key, source);
  return n;
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
  return encoder.encode(String(n));
}

function outOfRange(key: string, source: string): StateError {
  return new StateError(
    'ERR_STATE_OUT_OF_RANGE',
    `[${source}] increment(${JSON.stringify(key)}) would leave the safe-integer range (±${Number.MAX_SAFE_INTEGER})`,
  );
}
