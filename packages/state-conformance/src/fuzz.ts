import { isStateError, MAX_TTL_MS, MAX_VALUE_BYTES, type StateManager } from '@pforge/state-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, type Harness, invoke, listKeys, METHODS, settleError } from './harness.js';

let oversize: Uint8Array | undefined;
/** One byte over the maximum, allocated once. */
const oversized = () => {
  oversize ??= new Uint8Array(MAX_VALUE_BYTES + 1);
  return oversize;
};

const hostile = () =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('hostile getter');
      },
    },
  );

/** Junk of every type. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .constantFrom<unknown>(
      undefined,
      null,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0,
      -0,
      -1,
      1.5,
      2 ** 53,
      MAX_TTL_MS + 1,
      '',
      'a\ud800',
      '\udfff',
      'k'.repeat(1025),
      'é'.repeat(513),
      true,
      false,
      Symbol('junk'),
      10n,
      () => 'k',
      [],
      {},
      new Uint16Array(2),
      new ArrayBuffer(2),
      new DataView(new ArrayBuffer(1)),
      Buffer.alloc(0),
      { ttl: 0 },
      { ttl: '5' },
      { ttl: 1.5 },
      { prefix: 5 },
      { prefix: 'a\ud800' },
      [{ key: 1 }],
      [{ key: 'k', value: 'v' }],
      [null],
      [{ key: 'k', value: bytes('v'), ttl: -1 }],
      Object.create(null),
      new Date(0),
      /k/,
      new Map(),
      new String('k'),
      'OVERSIZE',
      'HOSTILE',
    )
    .map((v) => (v === 'OVERSIZE' ? oversized() : v === 'HOSTILE' ? hostile() : v)),
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 3 }),
  fc.uint8Array({ maxLength: 6 }),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant(null)), {
    maxLength: 3,
  }),
  fc.anything({ maxDepth: 1 }),
);

// Valid arguments (long TTLs only, so nothing expires between two snapshots).
const validKey = fc.constantFrom('k', 'a', 'b:c', '*');
const validTtl = fc.integer({ min: 600_000, max: 3_600_000 });
const valid = [
  validKey,
  fc.uint8Array({ maxLength: 4 }),
  fc.record({ ttl: validTtl }, { requiredKeys: [] }),
  fc.array(validKey, { maxLength: 3 }),
  fc.array(fc.record({ key: validKey, value: fc.uint8Array({ maxLength: 3 }) }), { maxLength: 3 }),
  fc.integer({ min: -5, max: 5 }),
  validTtl,
  fc.record({ prefix: fc.constantFrom('a', '', '*') }, { requiredKeys: [] }),
];
const arg = fc.oneof({ arbitrary: junk, weight: 3 }, { arbitrary: fc.oneof(...valid), weight: 1 });

/** The keys without a (near) expiry and their values: what a rejected call must not change. */
async function stableView(m: StateManager): Promise<Record<string, string>> {
  const keys = await listKeys(m);
  const [ttls, values] = await Promise.all([
    Promise.all(keys.map((k) => m.ttl(k))),
    m.getMany(keys),
  ]);
  const out: Record<string, string> = {};
  keys.forEach((k, i) => {
    const ttl = ttls[i];
    if (ttl === undefined || (ttl !== null && ttl < 60_000)) return;
    const v = values[i];
    out[k] =
      `${v === undefined ? 'gone' : Buffer.from(v).toString('hex')}|${ttl === null ? 'none' : 'ttl'}`;
  });
  return out;
}

/** fast-check bad-input fuzz: every call succeeds or rejects with a StateError, changing nothing. */
export function registerFuzz(h: Harness): void {
  describe('bad-input fuzz (fast-check)', () => {
    it(`${h.fuzzRuns} calls with junk in every argument: a promise that resolves, or rejects with a StateError and changes nothing`, {
      timeout: h.slowMs,
    }, async () => {
      const m = await h.open();
      await m.setMany([
        { key: 'k', value: bytes('1') },
        { key: 'b:c', value: bytes('x'), ttl: 3_600_000 },
      ]);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...METHODS),
          fc.array(arg, { minLength: 0, maxLength: 4 }),
          async (method, args) => {
            const before = await stableView(m);
            const err = await settleError(() => invoke(m, method, args));
            if (err === undefined) return;
            expect(
              isStateError(err),
              `${method} rejected with a non-StateError: ${String(err)}`,
            ).toBe(true);
            expect(
              await stableView(m),
              `${method} rejected (${(err as Error).message}) but changed the store`,
            ).toEqual(before);
          },
        ),
        { numRuns: h.fuzzRuns, ...(h.seed === undefined ? {} : { seed: h.seed }) },
      );
      await m.set('still-works', bytes('yes'));
      expect(Buffer.from((await m.get('still-works'))!).toString()).toBe('yes');
    });
  });
}
