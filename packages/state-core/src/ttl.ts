import { describeValue, StateError } from './errors.js';

/** The longest TTL accepted, in milliseconds: 10 years of 365 days. */
export const MAX_TTL_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/** Whether `ttl` is a valid TTL: a safe integer of milliseconds from 1 to {@link MAX_TTL_MS}. */
export function isValidTtl(ttl: unknown): ttl is number {
  return typeof ttl === 'number' && Number.isSafeInteger(ttl) && ttl >= 1 && ttl <= MAX_TTL_MS;
}

/** Throws `ERR_STATE_INVALID_TTL` unless `ttl` is valid; names `key`. */
export function assertTtl(
  ttl: unknown,
  key: string,
  source = '@pforge/state-core',
): asserts ttl is number {
  if (!isValidTtl(ttl)) {
    throw new StateError(
      'ERR_STATE_INVALID_TTL',
      `[${source}] ttl of key ${JSON.stringify(key)} must be a whole number of milliseconds from 1 to ${MAX_TTL_MS} (got ${describeValue(ttl)})`,
    );
  }
}

/**
 * Validates a `SetOptions` argument and returns its ttl in ms, or `undefined` for none.
 * `undefined` options and `{ ttl: undefined }` mean no expiry; a non-object is
 * `ERR_STATE_INVALID_ARGUMENT`; a bad ttl is `ERR_STATE_INVALID_TTL`.
 */
export function resolveTtl(
  options: unknown,
  key: string,
  source = '@pforge/state-core',
): number | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${source}] options of key ${JSON.stringify(key)} must be an object like { ttl } (got ${describeValue(options)})`,
    );
  }
  const ttl = (options as { ttl?: unknown }).ttl;
  if (ttl === undefined) return undefined;
  assertTtl(ttl, key, source);
  return ttl;
}

/** The absolute expiry (epoch ms) of a write with `ttlMs` made at `now`, or `undefined`. */
export function expiresAtFor(
  ttlMs: number | undefined,
  now: number = Date.now(),
): number | undefined {
  return ttlMs === undefined ? undefined : now + ttlMs;
}
