import { STATE_ERROR_CODES, type StateManager } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import { bytes, expectRejects, type Harness, invoke, METHODS, settleError } from './harness.js';

const JUNK: readonly unknown[] = [
  undefined,
  null,
  0,
  -1,
  Number.NaN,
  '',
  'x'.repeat(1100),
  Symbol('s'),
  {},
  [],
  () => 1,
  1n,
  new Uint16Array(1),
  { ttl: 'x' },
  { prefix: 5 },
  [{ key: 5 }],
  'a\ud800',
];

/** Every failure is a StateError with the right code, a message naming the key, never a sync throw. */
export function registerErrors(h: Harness): void {
  describe('errors', () => {
    registerErrorCodes(h);
    registerNoSyncThrow(h);
    registerDetachedAndClosed(h);
  });
}

/** Each failure kind carries its code and a message naming the key. */
function registerErrorCodes(h: Harness): void {
  it('every failure is a StateError (an Error, name "StateError", a known code) whose message names the key', async () => {
    const m = await h.open();
    const k = h.key('named');
    const cases: [string, () => Promise<unknown>, string][] = [
      ['ERR_STATE_INVALID_VALUE', () => m.set(k, 'x' as unknown as Uint8Array), k],
      [
        'ERR_STATE_INVALID_VALUE',
        () => m.setMany([{ key: k, value: 5 as unknown as Uint8Array }]),
        k,
      ],
      [
        'ERR_STATE_INVALID_VALUE',
        () => m.compareAndSwap(k, undefined, [] as unknown as Uint8Array),
        k,
      ],
      ['ERR_STATE_INVALID_TTL', () => m.set(k, bytes('x'), { ttl: 0 }), k],
      ['ERR_STATE_INVALID_TTL', () => m.expire(k, -1), k],
      ['ERR_STATE_INVALID_ARGUMENT', () => m.increment(k, 0.5), k],
      ['ERR_STATE_INVALID_KEY', () => m.get(`${k}${'x'.repeat(1100)}`), k],
      ['ERR_STATE_INVALID_KEY', () => m.get(''), ''],
    ];
    for (const [code, call, mentions] of cases) {
      const err = await expectRejects(call, code as never, mentions);
      expect(err.name).toBe('StateError');
      expect(STATE_ERROR_CODES).toContain((err as { code?: string }).code);
      expect(err.message.length).toBeGreaterThan(10);
    }
    await m.set(k, bytes('not a number'));
    await expectRejects(() => m.increment(k), 'ERR_STATE_NOT_A_COUNTER', k);
    await m.set(k, bytes(String(Number.MAX_SAFE_INTEGER)));
    await expectRejects(() => m.increment(k), 'ERR_STATE_OUT_OF_RANGE', k);
  });
}

/** Junk in any argument position still gives a promise rejected with a StateError. */
function registerNoSyncThrow(h: Harness): void {
  it('no method ever throws synchronously: junk in every argument gives a promise', async () => {
    const m = await h.open();
    for (const name of METHODS) {
      for (const junk of JUNK) {
        for (const position of [0, 1, 2, 3]) {
          const args: unknown[] = ['k', bytes('v'), undefined, undefined];
          args[position] = junk;
          const err = await settleError(() => invoke(m, name, args));
          if (err !== undefined) {
            expect(
              (err as { name?: string }).name,
              `${name} with ${String(typeof junk)} at ${position}: ${String(err)}`,
            ).toBe('StateError');
          }
        }
      }
    }
  });
}

/** Methods taken off the manager work, and a closed manager fails with StateErrors. */
function registerDetachedAndClosed(h: Harness): void {
  it('every method works detached from its manager (`const { get } = state`, `keys.map(state.get)`)', async () => {
    const m = await h.open();
    const { set, get, getMany, setMany, increment, keys, ttl, exists, close } = m;
    await set('a', bytes('1'));
    await setMany([{ key: 'b', value: bytes('2') }]);
    expect(await increment('n')).toBe(1);
    const got = await Promise.all(['a', 'b', 'zz'].map(m.get));
    expect(got.map((v) => v && Buffer.from(v).toString())).toEqual(['1', '2', undefined]);
    expect((await getMany(['a']))[0]).toBeInstanceOf(Uint8Array);
    expect(await get('n')).toBeInstanceOf(Uint8Array);
    expect(await ttl('a')).toBeNull();
    expect(await exists('b')).toBe(true);
    const listed: string[] = [];
    for await (const k of keys()) listed.push(k);
    expect(listed.sort()).toEqual(['a', 'b', 'n']);
    await close();
    await expectRejects(() => get('a'), 'ERR_STATE_CLOSED');
  });

  it('errors after close are StateErrors too, and a closed manager never throws synchronously', async () => {
    const m: StateManager = await h.open();
    await m.close();
    const err = await settleError(() =>
      m.set(undefined as unknown as string, undefined as unknown as Uint8Array),
    );
    expect((err as { name?: string }).name).toBe('StateError');
  });
}
