import { describe, expect, it } from 'vitest';
import { assertDelta } from '../src/counter.js';
import {
  isStateError,
  isValidKey,
  isValidTtl,
  isValidValue,
  MAX_KEY_BYTES,
  MAX_TTL_MS,
  MAX_VALUE_BYTES,
} from '../src/index.js';
import { assertKey, assertKeys, resolvePrefix } from '../src/keys.js';
import { assertTtl, resolveTtl } from '../src/ttl.js';
import { assertValue } from '../src/value.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isStateError(err) ? err.code : `not a StateError: ${String(err)}`;
  }
  return undefined;
}

describe('keys', () => {
  it('accepts 1 to 1024 UTF-8 bytes, counting multibyte characters by bytes', () => {
    expect(isValidKey('a')).toBe(true);
    expect(isValidKey('a'.repeat(1024))).toBe(true);
    expect(isValidKey('a'.repeat(1025))).toBe(false);
    expect(isValidKey('é'.repeat(512))).toBe(true); // 2 bytes each = 1024
    expect(isValidKey(`${'é'.repeat(512)}a`)).toBe(false);
    expect(isValidKey('€'.repeat(341))).toBe(true); // 3 bytes each = 1023
    expect(isValidKey(`${'€'.repeat(341)}a`)).toBe(true); // 1024
    expect(isValidKey(`${'€'.repeat(341)}ab`)).toBe(false); // 1025
    expect(isValidKey('😀'.repeat(256))).toBe(true); // 4 bytes each = 1024
    expect(isValidKey(`${'😀'.repeat(256)}a`)).toBe(false);
  });

  it('accepts characters that mean something to a backend as ordinary ones', () => {
    for (const key of ['*', '?', '[a]', 'a:b', 'a\\b', '\u0000', 'x\u0000y', '😀', ' ', '{tag}']) {
      expect(isValidKey(key), JSON.stringify(key)).toBe(true);
      expect(() => assertKey(key)).not.toThrow();
    }
  });

  it('rejects empty strings, lone surrogates and non-strings with ERR_STATE_INVALID_KEY', () => {
    for (const key of [
      '',
      '\uD800',
      'a\uDC00',
      '\uDFFF\uD800',
      1,
      null,
      undefined,
      {},
      Symbol('k'),
    ]) {
      expect(codeOf(() => assertKey(key))).toBe('ERR_STATE_INVALID_KEY');
    }
    expect(isValidKey('\uD83D\uDE00')).toBe(true); // a surrogate pair is fine
  });

  it('names the byte count and the source in the message', () => {
    expect(() => assertKey('a'.repeat(MAX_KEY_BYTES + 1), '@acme/x')).toThrow(
      /\[@acme\/x\] key must be at most 1024 UTF-8 bytes \(got 1025\)/,
    );
  });

  it('assertKeys takes an array only and names the bad index', () => {
    expect(codeOf(() => assertKeys('abc'))).toBe('ERR_STATE_INVALID_ARGUMENT');
    expect(() => assertKeys(['a', ''])).toThrow(/keys\[1\]/);
    expect(codeOf(() => assertKeys(['a', '']))).toBe('ERR_STATE_INVALID_KEY');
    expect(() => assertKeys([])).not.toThrow();
  });
});

describe('values', () => {
  it('accepts Uint8Array and Buffer, empty included, up to the maximum', () => {
    expect(isValidValue(new Uint8Array())).toBe(true);
    expect(isValidValue(Buffer.from('x'))).toBe(true);
    expect(isValidValue(new Uint8Array(MAX_VALUE_BYTES))).toBe(true);
    expect(isValidValue(new Uint8Array(MAX_VALUE_BYTES + 1))).toBe(false);
  });

  it('rejects everything else with ERR_STATE_INVALID_VALUE naming the key', () => {
    for (const v of ['text', 1, null, undefined, [1], new Uint16Array(1), new ArrayBuffer(1), {}]) {
      expect(codeOf(() => assertValue(v, 'k'))).toBe('ERR_STATE_INVALID_VALUE');
    }
    expect(() => assertValue('x', 'my-key')).toThrow(/"my-key"/);
  });
});

describe('ttl', () => {
  it('accepts safe integers from 1 to the maximum', () => {
    expect(isValidTtl(1)).toBe(true);
    expect(isValidTtl(MAX_TTL_MS)).toBe(true);
    expect(isValidTtl(MAX_TTL_MS + 1)).toBe(false);
  });

  it('rejects 0, negatives, fractions, NaN, Infinity and strings', () => {
    for (const t of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10', null, 10n]) {
      expect(codeOf(() => assertTtl(t, 'k'))).toBe('ERR_STATE_INVALID_TTL');
    }
  });

  it('resolveTtl reads SetOptions', () => {
    expect(resolveTtl(undefined, 'k')).toBeUndefined();
    expect(resolveTtl({}, 'k')).toBeUndefined();
    expect(resolveTtl({ ttl: undefined }, 'k')).toBeUndefined();
    expect(resolveTtl({ ttl: 5 }, 'k')).toBe(5);
    expect(codeOf(() => resolveTtl({ ttl: 0 }, 'k'))).toBe('ERR_STATE_INVALID_TTL');
    expect(codeOf(() => resolveTtl(5, 'k'))).toBe('ERR_STATE_INVALID_ARGUMENT');
    expect(codeOf(() => resolveTtl(null, 'k'))).toBe('ERR_STATE_INVALID_ARGUMENT');
  });
});

describe('delta', () => {
  it('takes safe integers, negative and zero included', () => {
    for (const d of [0, 1, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      expect(() => assertDelta(d, 'k')).not.toThrow();
    }
  });

  it('rejects fractions, unsafe integers, NaN and non-numbers', () => {
    for (const d of [0.5, 2 ** 53, Number.NaN, Number.NEGATIVE_INFINITY, '1', 1n, null]) {
      expect(codeOf(() => assertDelta(d, 'k'))).toBe('ERR_STATE_INVALID_ARGUMENT');
    }
  });
});

describe('prefix and namespace', () => {
  it('resolvePrefix: absent or empty means all; special characters are plain', () => {
    expect(resolvePrefix(undefined)).toBe('');
    expect(resolvePrefix({})).toBe('');
    expect(resolvePrefix({ prefix: '' })).toBe('');
    expect(resolvePrefix({ prefix: 'a*[?]:\\' })).toBe('a*[?]:\\');
    for (const bad of [
      { prefix: 1 },
      { prefix: '\uD800' },
      { prefix: 'a'.repeat(1025) },
      'x',
      null,
    ]) {
      expect(codeOf(() => resolvePrefix(bad))).toBe('ERR_STATE_INVALID_ARGUMENT');
    }
  });
});
