import { MAX_TTL_MS, type StateManager } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, expectRejects, type Harness, listKeys, sleep } from './harness.js';

/** TTLs every method must reject with ERR_STATE_INVALID_TTL. */
export const INVALID_TTLS: readonly [string, unknown][] = [
  ['0', 0],
  ['-1', -1],
  ['-1000', -1000],
  ['0.5', 0.5],
  ['1.5', 1.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['the string "100"', '100'],
  ['MAX_TTL_MS + 1', MAX_TTL_MS + 1],
  ['2 ** 53', 2 ** 53],
  ['a bigint', 100n],
  ['null', null],
];

/** TTL validation, ttl()/expire(), and "an expired key is absent for every operation". */
export function registerTtl(h: Harness): void {
  describe('ttl', () => {
    registerValidation(h);
    registerTtlReadback(h);
    registerTtlDeadlines(h);
    registerExpiry(h);
  });
}

function registerValidation(h: Harness): void {
  for (const [label, ttl] of INVALID_TTLS) {
    it(`ttl ${label} is ERR_STATE_INVALID_TTL for set, setMany, increment, compareAndSwap and expire, writing nothing`, async () => {
      const m = await h.open();
      const k = h.key();
      const opts = { ttl } as { ttl: number };
      await expectRejects(() => m.set(k, bytes('x'), opts), 'ERR_STATE_INVALID_TTL', k);
      await expectRejects(
        () => m.setMany([{ key: k, value: bytes('x'), ttl: ttl as number }]),
        'ERR_STATE_INVALID_TTL',
      );
      await expectRejects(() => m.increment(k, 1, opts), 'ERR_STATE_INVALID_TTL', k);
      await expectRejects(
        () => m.compareAndSwap(k, undefined, bytes('x'), opts),
        'ERR_STATE_INVALID_TTL',
        k,
      );
      expect(await listKeys(m)).toEqual([]);
      await m.set(k, bytes('live'));
      if (ttl !== null)
        await expectRejects(() => m.expire(k, ttl as number), 'ERR_STATE_INVALID_TTL', k);
      expect(await m.ttl(k)).toBeNull();
    });
  }

  it('expire(key, undefined) is ERR_STATE_INVALID_TTL (null clears, undefined is a mistake)', async () => {
    const m = await h.open();
    await m.set('a', bytes('x'), { ttl: 60_000 });
    await expectRejects(
      () => m.expire('a', undefined as unknown as number),
      'ERR_STATE_INVALID_TTL',
      'a',
    );
    expect(await m.ttl('a')).toBeGreaterThan(0);
  });

  it('ttl 1 and ttl MAX_TTL_MS are accepted; { ttl: undefined } means no expiry', async () => {
    const m = await h.open();
    await m.set('max', bytes('x'), { ttl: MAX_TTL_MS });
    const left = await m.ttl('max');
    expect(left).toBeLessThanOrEqual(MAX_TTL_MS);
    expect(left).toBeGreaterThan(MAX_TTL_MS - 60_000);
    await m.set('one', bytes('x'), { ttl: 1 });
    await m.set('none', bytes('x'), { ttl: undefined });
    expect(await m.ttl('none')).toBeNull();
  });
}

function registerTtlReadback(h: Harness): void {
  it('ttl() is the ms left (an integer, > 0, <= the ttl set), null without expiry, undefined when absent', async () => {
    const m = await h.open();
    await m.set('a', bytes('x'), { ttl: 20_000 });
    const left = await m.ttl('a');
    expect(Number.isSafeInteger(left)).toBe(true);
    expect(left).toBeGreaterThan(10_000);
    expect(left).toBeLessThanOrEqual(20_000);
    await m.set('b', bytes('x'));
    expect(await m.ttl('b')).toBeNull();
    expect(await m.ttl(h.key())).toBeUndefined();
  });

  it('set without a ttl removes an earlier expiry; set with a ttl adds one', async () => {
    const m = await h.open();
    await m.set('a', bytes('x'), { ttl: h.shortTtlMs });
    await m.set('a', bytes('y'));
    expect(await m.ttl('a')).toBeNull();
    await m.set('b', bytes('x'));
    await m.set('b', bytes('y'), { ttl: 30_000 });
    expect(await m.ttl('b')).toBeGreaterThan(0);
    await sleep(h.shortTtlMs + h.slackMs);
    expectBytes(await m.get('a'), 'y');
  });

  it('expire(key, ms) sets an expiry, expire(key, null) clears it; both true for a live key', async () => {
    const m = await h.open();
    await m.set('a', bytes('x'));
    expect(await m.expire('a', 20_000)).toBe(true);
    const left = await m.ttl('a');
    expect(left).toBeGreaterThan(10_000);
    expect(left).toBeLessThanOrEqual(20_000);
    expect(await m.expire('a', null)).toBe(true);
    expect(await m.ttl('a')).toBeNull();
    expectBytes(await m.get('a'), 'x');
    expect(await m.expire('a', 5_000)).toBe(true);
    expect(await m.ttl('a')).toBeLessThanOrEqual(5_000);
  });
}

/** expire on an absent key, and keys that live until their ttl is up. */
function registerTtlDeadlines(h: Harness): void {
  it('expire on an absent key resolves false and creates nothing', async () => {
    const m = await h.open();
    expect(await m.expire('a', 10_000)).toBe(false);
    expect(await m.expire('a', null)).toBe(false);
    expect(await m.exists('a')).toBe(false);
    expect(await listKeys(m)).toEqual([]);
  });

  it('a key stays live until its ttl is up (checked well before), then is gone', async () => {
    const m = await h.open();
    const ttl = h.shortTtlMs + 4 * h.slackMs + 400;
    await m.set('a', bytes('x'), { ttl });
    await sleep(Math.floor(ttl / 4));
    expect(await m.exists('a')).toBe(true);
    expectBytes(await m.get('a'), 'x');
    await sleep(ttl + h.slackMs);
    expect(await m.exists('a')).toBe(false);
  });

  it('expire(key, short) makes the key expire', async () => {
    const m = await h.open();
    await m.set('a', bytes('x'));
    expect(await m.expire('a', h.shortTtlMs)).toBe(true);
    await sleep(h.shortTtlMs + h.slackMs);
    expect(await m.get('a')).toBeUndefined();
  });
}

type Check = (m: StateManager, dead: string, live: string) => Promise<void>;

const EXPIRED_CHECKS: readonly [string, Check][] = [
  [
    'get resolves undefined',
    async (m, dead, live) => {
      expect(await m.get(dead)).toBeUndefined();
      expectBytes(await m.get(live), 'live');
    },
  ],
  [
    'exists resolves false',
    async (m, dead, live) => {
      expect(await m.exists(dead)).toBe(false);
      expect(await m.exists(live)).toBe(true);
    },
  ],
  [
    'getMany resolves undefined in its slot',
    async (m, dead, live) => {
      const got = await m.getMany([dead, live, dead]);
      expect(got[0]).toBeUndefined();
      expectBytes(got[1], 'live');
      expect(got[2]).toBeUndefined();
    },
  ],
  [
    'keys() does not yield it (with and without prefix)',
    async (m, dead, live) => {
      expect(await listKeys(m)).toEqual([live]);
      expect(await listKeys(m, dead)).toEqual([]);
    },
  ],
  [
    'ttl resolves undefined',
    async (m, dead, live) => {
      expect(await m.ttl(dead)).toBeUndefined();
      expect(await m.ttl(live)).toBeGreaterThan(0);
    },
  ],
  [
    'increment counts from 0 and applies the new ttl',
    async (m, dead) => {
      expect(await m.increment(dead, 5, { ttl: 30_000 })).toBe(5);
      expectBytes(await m.get(dead), '5');
      const left = await m.ttl(dead);
      expect(left).toBeGreaterThan(15_000);
      expect(left).toBeLessThanOrEqual(30_000);
    },
  ],
  [
    'increment without ttl counts from 0 and leaves no expiry',
    async (m, dead) => {
      expect(await m.increment(dead)).toBe(1);
      expect(await m.ttl(dead)).toBeNull();
    },
  ],
  [
    'compareAndSwap with expected undefined matches; with the old value does not',
    async (m, dead) => {
      expect(await m.compareAndSwap(dead, bytes('7'), bytes('never'))).toBe(false);
      expect(await m.get(dead)).toBeUndefined();
      expect(await m.compareAndSwap(dead, undefined, bytes('new'))).toBe(true);
      expectBytes(await m.get(dead), 'new');
      expect(await m.ttl(dead)).toBeNull();
    },
  ],
  [
    'delete resolves false',
    async (m, dead, live) => {
      expect(await m.delete(dead)).toBe(false);
      expect(await m.delete(live)).toBe(true);
    },
  ],
  [
    'deleteMany does not count it',
    async (m, dead, live) => {
      expect(await m.deleteMany([dead, live])).toBe(1);
    },
  ],
  [
    'expire resolves false and does not revive it',
    async (m, dead) => {
      expect(await m.expire(dead, 30_000)).toBe(false);
      expect(await m.expire(dead, null)).toBe(false);
      expect(await m.get(dead)).toBeUndefined();
    },
  ],
  [
    'clear does not count it',
    async (m) => {
      expect(await m.clear()).toBe(1);
    },
  ],
];

function registerExpiry(h: Harness): void {
  for (const [label, check] of EXPIRED_CHECKS) {
    it(`an expired key is absent: ${label} (whether or not a sweep ran)`, async () => {
      const m = await h.open();
      const dead = h.key('dead');
      const live = h.key('live');
      await m.set(dead, bytes('7'), { ttl: h.shortTtlMs });
      // The control key stays live long past the wait: a backend that drops everything fails.
      await m.set(live, bytes('live'), { ttl: 60_000 });
      await sleep(h.shortTtlMs + h.slackMs);
      await check(m, dead, live);
    });
  }

  it('an expired key is absent for a second manager on the same namespace too', async () => {
    const ns = h.namespace();
    const a = await h.open(ns);
    const b = await h.open(ns);
    await a.setMany([
      { key: 'x', value: bytes('1'), ttl: h.shortTtlMs },
      { key: 'y', value: bytes('2') },
    ]);
    await sleep(h.shortTtlMs + h.slackMs);
    expect(await b.get('x')).toBeUndefined();
    expect(await listKeys(b)).toEqual(['y']);
  });
}
