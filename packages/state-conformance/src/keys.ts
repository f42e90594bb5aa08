import type { StateManager } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, expectRejects, type Harness, listKeys } from './harness.js';

/** Characters some store treats specially: ordinary here. */
export const SPECIAL_KEYS: readonly string[] = [
  '*',
  '?',
  '[',
  ']',
  '[a-z]',
  ':',
  '::',
  '\\',
  '\\*',
  '\0',
  'a\0b',
  '😀',
  'a😀b',
  '{tag}',
  '%',
  '_',
  '.',
  '^$',
  'line\nbreak',
  ' space ',
  '"quote\'',
  '/',
  'é',
  '\u0000\u0001',
];

const NON_STRINGS: readonly [string, unknown][] = [
  ['a number', 1],
  ['null', null],
  ['undefined', undefined],
  ['an object', { key: 'a' }],
  ['an array', ['a']],
  ['a String object', new String('a')],
  ['a Buffer', Buffer.from('a')],
  ['a symbol', Symbol('a')],
  ['a bigint', 1n],
  ['a function', () => 'a'],
];

/** Calls every single-key method with `key`. */
const SINGLE_KEY: readonly [string, (m: StateManager, key: string) => Promise<unknown>][] = [
  ['get', (m, k) => m.get(k)],
  ['set', (m, k) => m.set(k, bytes('x'))],
  ['delete', (m, k) => m.delete(k)],
  ['exists', (m, k) => m.exists(k)],
  ['increment', (m, k) => m.increment(k)],
  ['compareAndSwap', (m, k) => m.compareAndSwap(k, undefined, bytes('x'))],
  ['ttl', (m, k) => m.ttl(k)],
  ['expire', (m, k) => m.expire(k, 1000)],
  ['getMany', (m, k) => m.getMany([k])],
  ['setMany', (m, k) => m.setMany([{ key: k, value: bytes('x') }])],
  ['deleteMany', (m, k) => m.deleteMany([k])],
];

/** Key rules and keys(). */
export function registerKeys(h: Harness): void {
  describe('keys', () => {
    registerKeyRules(h);
    registerSpecialKeys(h);
    registerPlainPrefixes(h);
    registerKeysListing(h);
    registerKeysUnderChange(h);
  });
}

function registerKeyRules(h: Harness): void {
  const valid: [string, string][] = [
    ['1 byte', 'k'],
    ['1024 ASCII bytes', 'k'.repeat(1024)],
    ['1024 bytes of 2-byte characters', 'é'.repeat(512)],
    ['1024 bytes of 4-byte characters (surrogate pairs)', '😀'.repeat(256)],
    ['1024 bytes of 3-byte characters plus one ASCII', `${'€'.repeat(341)}a`],
  ];
  for (const [label, key] of valid) {
    it(`a key of ${label} works with every method and in keys()`, async () => {
      const m = await h.open();
      await m.set(key, bytes('v'));
      expectBytes(await m.get(key), 'v');
      expect(await m.exists(key)).toBe(true);
      expect(await listKeys(m)).toEqual([key]);
      expect(await m.ttl(key)).toBeNull();
      expect(await m.compareAndSwap(key, bytes('v'), bytes('1'))).toBe(true);
      expect(await m.increment(key)).toBe(2);
      expect(await m.delete(key)).toBe(true);
    });
  }

  const invalid: [string, string][] = [
    ['empty', ''],
    ['1025 ASCII bytes', 'k'.repeat(1025)],
    ['1025 bytes of 3-byte characters and ASCII', `${'€'.repeat(341)}ab`],
    ['1026 bytes of 2-byte characters', 'é'.repeat(513)],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', '\udc00'],
    ['a reversed surrogate pair', '\ude00\ud83d'],
  ];
  for (const [label, key] of invalid) {
    it(`a key that is ${label} is ERR_STATE_INVALID_KEY for every method, writing nothing`, async () => {
      const m = await h.open();
      for (const [name, call] of SINGLE_KEY) {
        await expectRejects(() => call(m, key), 'ERR_STATE_INVALID_KEY').catch((err: Error) => {
          throw new Error(`${name}: ${err.message}`);
        });
      }
      expect(await listKeys(m)).toEqual([]);
    });
  }

  it(`non-string keys (${NON_STRINGS.map(([l]) => l).join(', ')}) are ERR_STATE_INVALID_KEY for every method`, async () => {
    const m = await h.open();
    for (const [label, key] of NON_STRINGS) {
      for (const [name, call] of SINGLE_KEY) {
        await expectRejects(() => call(m, key as string), 'ERR_STATE_INVALID_KEY').catch(
          (err: Error) => {
            throw new Error(`${name}(${label}): ${err.message}`);
          },
        );
      }
    }
    expect(await listKeys(m)).toEqual([]);
  });
}

/** Keys that share a first character, with characters a pattern matcher would treat specially. */
const FAMILY = [
  'a',
  'ab',
  'a*',
  'a*b',
  'a?',
  'a?b',
  'a[',
  'a[b]',
  'a\\',
  'a\\b',
  'a:',
  'a:b',
  'a\0',
  'a😀',
  'b',
  'A',
  'a%',
  'a_',
  'a.',
];
/** Prefixes that must be compared as plain strings. */
const PREFIXES = [
  'a*',
  'a?',
  'a[',
  'a[b',
  'a\\',
  'a:',
  'a\0',
  'a😀',
  'a%',
  'a_',
  'a.',
  '[',
  '*',
  'a',
];

/** The keys of FAMILY that start with `p`, sorted. */
const starting = (p: string) => FAMILY.filter((k) => k.startsWith(p)).sort();

/** Special characters in keys are stored, read, listed and deleted like any other. */
function registerSpecialKeys(h: Harness): void {
  it('glob, separator, escape, NUL and emoji characters are ordinary in keys', async () => {
    const m = await h.open();
    for (const [i, k] of SPECIAL_KEYS.entries()) await m.set(k, bytes(`v${i}`));
    for (const [i, k] of SPECIAL_KEYS.entries()) {
      expectBytes(await m.get(k), `v${i}`);
      expect(await m.exists(k)).toBe(true);
      expect(await m.ttl(k)).toBeNull();
    }
    expect((await m.getMany([...SPECIAL_KEYS])).map((v) => v && Buffer.from(v).toString())).toEqual(
      SPECIAL_KEYS.map((_, i) => `v${i}`),
    );
    expect(await listKeys(m)).toEqual([...SPECIAL_KEYS].sort());
    expect(await m.delete('*')).toBe(true);
    expect(await m.exists('?')).toBe(true);
    expect(await m.deleteMany(['[a-z]', '\\'])).toBe(2);
    expect(await m.exists('[')).toBe(true);
    expect(await m.exists('\\*')).toBe(true);
  });
}

/** keys({ prefix }) and clear({ prefix }) never treat the prefix as a pattern. */
function registerPlainPrefixes(h: Harness): void {
  it('keys({ prefix }) compares the prefix as a plain string (a* does not match ab)', async () => {
    const m = await h.open();
    await m.setMany(FAMILY.map((key) => ({ key, value: bytes(key) })));
    for (const p of PREFIXES)
      expect(await listKeys(m, p), `prefix ${JSON.stringify(p)}`).toEqual(starting(p));
    expect(await listKeys(m, '')).toEqual([...FAMILY].sort());
  });

  it('clear({ prefix }) compares the prefix as a plain string and counts what it removed', async () => {
    const m = await h.open();
    for (const p of ['a*', 'a?', 'a[', 'a\\', 'a:', 'a\0', 'a😀', 'a%']) {
      await m.setMany(FAMILY.map((key) => ({ key, value: bytes(key) })));
      const expected = starting(p);
      expect(await m.clear({ prefix: p }), `clear prefix ${JSON.stringify(p)}`).toBe(
        expected.length,
      );
      expect(await listKeys(m)).toEqual(FAMILY.filter((k) => !k.startsWith(p)).sort());
    }
  });
}

/** keys() lists every live key once, lazily. */
function registerKeysListing(h: Harness): void {
  it('keys() yields each live key once (300 keys), and resolves an AsyncIterable', async () => {
    const m = await h.open();
    const all = Array.from({ length: 300 }, (_, i) => `key-${i}`);
    await m.setMany(all.map((key) => ({ key, value: bytes(key) })));
    const it = m.keys();
    expect(typeof it[Symbol.asyncIterator]).toBe('function');
    const seen: string[] = [];
    for await (const k of it) seen.push(k);
    expect(seen.length).toBe(300);
    expect(seen.sort()).toEqual(all.sort());
  });

  it('keys() is lazy: breaking early after 10 of 5,000 keys works and the manager stays usable', {
    timeout: h.slowMs,
  }, async () => {
    const m = await h.open();
    for (let c = 0; c < 10; c++) {
      await m.setMany(
        Array.from({ length: 500 }, (_, i) => ({ key: `k-${c}-${i}`, value: bytes('v') })),
      );
    }
    const first: string[] = [];
    for await (const k of m.keys()) {
      first.push(k);
      if (first.length === 10) break;
    }
    expect(first.length).toBe(10);
    expect(new Set(first).size).toBe(10);
    const iterator = m.keys()[Symbol.asyncIterator]();
    const step = await iterator.next();
    expect(step.done).toBe(false);
    await iterator.return?.();
    await m.set('after', bytes('x'));
    expectBytes(await m.get('after'), 'x');
    expect((await listKeys(m)).length).toBe(5001);
  });
}

/** keys() while another manager writes, and with an invalid prefix. */
function registerKeysUnderChange(h: Harness): void {
  it('iterating keys() while another manager writes and deletes does not throw and yields every stable key', {
    timeout: h.slowMs,
  }, async () => {
    const ns = h.namespace();
    const reader = await h.open(ns);
    const writer = await h.open(ns);
    const stable = Array.from({ length: 400 }, (_, i) => `stable-${i}`);
    const doomed = Array.from({ length: 200 }, (_, i) => `doomed-${i}`);
    await reader.setMany([...stable, ...doomed].map((key) => ({ key, value: bytes('v') })));
    const seen = new Set<string>();
    let i = 0;
    for await (const k of reader.keys()) {
      seen.add(k);
      if (i < 200) {
        await writer.set(`new-${i}`, bytes('n'));
        await writer.delete(`doomed-${i}`);
      }
      i++;
    }
    for (const k of stable) expect(seen.has(k), k).toBe(true);
  });

  it('an invalid prefix rejects the iteration (not the call) with a StateError', async () => {
    const m = await h.open();
    let iterable: AsyncIterable<string> | undefined;
    expect(() => {
      iterable = m.keys({ prefix: 5 as unknown as string });
    }).not.toThrow();
    await expectRejects(
      () => iterable![Symbol.asyncIterator]().next(),
      ['ERR_STATE_INVALID_ARGUMENT', 'ERR_STATE_INVALID_KEY'],
    );
  });
}
