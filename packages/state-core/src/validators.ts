import { assertDelta } from './counter.js';
import { describeValue, StateError } from './errors.js';
import { assertKey, assertKeys, isValidKey, resolvePrefix } from './keys.js';
import { assertTtl, isValidTtl, resolveTtl } from './ttl.js';
import type { Entry } from './types.js';
import { assertValue, isValidValue } from './value.js';

/**
 * The argument rules of the contract (docs/contract.md), bound once to the package named in their messages. Each
 * function returns its argument typed, or throws the `StateError` the contract names
 * (`ERR_STATE_INVALID_KEY`, `_VALUE`, `_TTL` or `_ARGUMENT`).
 */
export interface Validators {
  /** A key: a well-formed string of 1 to 1024 UTF-8 bytes. */
  key(key: unknown): string;
  /** An array of keys. */
  keys(keys: unknown): readonly string[];
  /** A value of `key`: a readable `Uint8Array` of at most `MAX_VALUE_BYTES`. */
  value(value: unknown, key: string): Uint8Array;
  /** `undefined` (absent) or a value of `key`. */
  optionalValue(value: unknown, key: string): Uint8Array | undefined;
  /** A `SetOptions` argument of `key`; returns its ttl in ms, `undefined` for none. */
  setOptions(options: unknown, key: string): number | undefined;
  /** The ttl argument of `expire`: a TTL in ms, or `null` to clear the expiry. */
  expireTtl(ttl: unknown, key: string): number | null;
  /** The delta of `increment` (`undefined` = 1): a safe integer. */
  delta(delta: unknown, key: string): number;
  /** The options of `keys()`/`clear()`; returns the prefix, `''` for all. */
  prefix(options: unknown): string;
  /** A whole `setMany` batch, checked entry by entry before anything is written. */
  entries(entries: unknown): readonly Entry[];
}

/**
 * Binds the contract's argument rules to `source`, the package named in every message.
 * @example
 * const v = createValidators('@acme/state-foo');
 * const limit = v.delta(input, 'sweep'); // throws ERR_STATE_INVALID_ARGUMENT
 */
export function createValidators(source: string): Validators {
  return {
    key: (key) => {
      assertKey(key, source);
      return key;
    },
    keys: (keys) => {
      assertKeys(keys, source);
      return keys;
    },
    value: (value, key) => {
      assertValue(value, key, source);
      return value;
    },
    optionalValue: (value, key) => {
      if (value !== undefined) assertValue(value, key, source);
      return value;
    },
    setOptions: (options, key) => resolveTtl(options, key, source),
    expireTtl: (ttl, key) => {
      if (ttl !== null) assertTtl(ttl, key, source);
      return ttl;
    },
    delta: (delta, key) => {
      if (delta === undefined) return 1;
      assertDelta(delta, key, source);
      return delta;
    },
    prefix: (options) => resolvePrefix(options, source),
    entries: (entries) => checkEntries(entries, source),
  };
}

/** The quick, allocation-free pass over a batch that is almost always valid. */
function isValidBatch(entries: unknown): entries is readonly Entry[] {
  if (!Array.isArray(entries)) return false;
  for (let i = 0; i < entries.length; i++) {
    const e: unknown = entries[i];
    if (typeof e !== 'object' || e === null) return false;
    const { key, value, ttl } = e as Entry;
    if (!isValidKey(key) || !isValidValue(value)) return false;
    if (ttl !== undefined && !isValidTtl(ttl)) return false;
  }
  return true;
}

function checkEntries(entries: unknown, source: string): readonly Entry[] {
  if (isValidBatch(entries)) return entries;
  if (!Array.isArray(entries)) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${source}] setMany() takes an array of { key, value, ttl? } (got ${describeValue(entries)})`,
    );
  }
  entries.forEach((e: unknown, i) => {
    if (typeof e !== 'object' || e === null) {
      throw new StateError(
        'ERR_STATE_INVALID_ARGUMENT',
        `[${source}] entries[${i}] must be an object { key, value, ttl? } (got ${describeValue(e)})`,
      );
    }
    const { key, value } = e as Entry;
    assertKey(key, source);
    assertValue(value, key, source);
    resolveTtl(e, key, source);
  });
  return entries as readonly Entry[];
}
