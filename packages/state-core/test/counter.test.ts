import { describe, expect, it } from 'vitest';
import { addCounter, decodeCounter, encodeCounter } from '../src/backend.js';
import { isStateError } from '../src/index.js';
import { createMapState } from './map-driver.js';

const bytes = (s: string) => new TextEncoder().encode(s);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isStateError(err) ? err.code : 'not a StateError';
  }
  return undefined;
}

describe('counters', () => {
  it('reads canonical decimal integers; absent is 0', () => {
    expect(decodeCounter(undefined, 'k')).toBe(0);
    for (const [text, n] of [
      ['0', 0],
      ['42', 42],
      ['-7', -7],
      [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
    ] as const) {
      expect(decodeCounter(bytes(text), 'k')).toBe(n);
    }
  });

  it('rejects non-canonical forms with ERR_STATE_NOT_A_COUNTER', () => {
    for (const text of [
      '+1',
      ' 1',
      '1 ',
      '01',
      '-0',
      '1e3',
      '1.0',
      '0x1',
      '',
      'abc',
      '--1',
      '１',
    ]) {
      expect(
        codeOf(() => decodeCounter(bytes(text), 'k')),
        JSON.stringify(text),
      ).toBe('ERR_STATE_NOT_A_COUNTER');
    }
    expect(codeOf(() => decodeCounter(new Uint8Array(100).fill(0x31), 'k'))).toBe(
      'ERR_STATE_NOT_A_COUNTER',
    );
  });

  it('an integer outside the safe range is ERR_STATE_OUT_OF_RANGE', () => {
    expect(codeOf(() => decodeCounter(bytes('9007199254740992'), 'k'))).toBe(
      'ERR_STATE_OUT_OF_RANGE',
    );
    expect(codeOf(() => addCounter(Number.MAX_SAFE_INTEGER, 1, 'k'))).toBe(
      'ERR_STATE_OUT_OF_RANGE',
    );
    expect(addCounter(-5, 3, 'k')).toBe(-2);
  });

  it('writes ASCII decimal', () => {
    expect(new TextDecoder().decode(encodeCounter(-42))).toBe('-42');
  });

  it('derived increment: exact under concurrency, leaves a bad value untouched, ttl only on create', async () => {
    const state = createMapState();
    const results = await Promise.all(Array.from({ length: 50 }, () => state.increment('c')));
    expect(new Set(results).size).toBe(50);
    expect(await state.get('c')).toEqual(bytes('50'));
    await state.set('bad', bytes('01'));
    await expect(state.increment('bad')).rejects.toMatchObject({ code: 'ERR_STATE_NOT_A_COUNTER' });
    expect(await state.get('bad')).toEqual(bytes('01'));
    await state.increment('t', 1, { ttl: 60_000 });
    await state.increment('t', 1, { ttl: 1 });
    expect(await state.ttl('t')).toBeGreaterThan(50_000);
    await expect(state.increment('c', 0.5)).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_ARGUMENT',
    });
  });
});
