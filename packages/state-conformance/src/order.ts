import { isStateError, type StateManager } from '@pforge/state-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, type Harness, hex, snapshot } from './harness.js';

/** One call of a pipeline: what it does, given the manager. */
interface Step {
  name: string;
  call: (m: StateManager) => Promise<unknown>;
}

const KEYS = ['c', 'd', 'p:1', 'p:2'];
const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom('0', '5', '41', 'x', '').map(bytes);
const ttl = fc.option(fc.constant(600_000), { nil: undefined });
const show = (v: Uint8Array | undefined) => (v === undefined ? '-' : `0x${hex(v)}`);

/** Every write method, and the reads that observe them. */
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.tuple(key, value, ttl).map(([k, v, t]) => ({
    name: `set(${k}, ${show(v)}, ${t})`,
    call: (m: StateManager) => m.set(k, v, t === undefined ? undefined : { ttl: t }),
  })),
  fc.tuple(key, fc.integer({ min: -3, max: 3 }), ttl).map(([k, d, t]) => ({
    name: `increment(${k}, ${d}, ${t})`,
    call: (m: StateManager) => m.increment(k, d, t === undefined ? undefined : { ttl: t }),
  })),
  key.map((k) => ({ name: `delete(${k})`, call: (m: StateManager) => m.delete(k) })),
  fc
    .tuple(key, fc.option(value, { nil: undefined }), fc.option(value, { nil: undefined }))
    .map(([k, e, n]) => ({
      name: `compareAndSwap(${k}, ${show(e)}, ${show(n)})`,
      call: (m: StateManager) => m.compareAndSwap(k, e, n),
    })),
  fc.tuple(key, fc.option(fc.constant(600_000), { nil: null })).map(([k, t]) => ({
    name: `expire(${k}, ${t})`,
    call: (m: StateManager) => m.expire(k, t),
  })),
  fc.array(fc.tuple(key, value, ttl), { minLength: 1, maxLength: 3 }).map((es) => ({
    name: `setMany(${es.map(([k]) => k).join(',')})`,
    call: (m: StateManager) =>
      m.setMany(
        es.map(([k, v, t]) =>
          t === undefined ? { key: k, value: v } : { key: k, value: v, ttl: t },
        ),
      ),
  })),
  fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => ({
    name: `deleteMany(${ks.join(',')})`,
    call: (m: StateManager) => m.deleteMany(ks),
  })),
  fc.constantFrom('', 'p:').map((p) => ({
    name: `clear(${p})`,
    call: (m: StateManager) => m.clear(p === '' ? undefined : { prefix: p }),
  })),
  key.map((k) => ({ name: `get(${k})`, call: (m: StateManager) => m.get(k) })),
  key.map((k) => ({ name: `exists(${k})`, call: (m: StateManager) => m.exists(k) })),
  key.map((k) => ({
    name: `ttl(${k})`,
    // Only its kind is compared: time passes differently in the two runs.
    call: async (m: StateManager) => {
      const t = await m.ttl(k);
      return t === undefined ? 'absent' : t === null ? 'forever' : 'expiring';
    },
  })),
  fc.constant({ name: 'getMany(all)', call: (m: StateManager) => m.getMany(KEYS) }),
);

/** A call's outcome as a comparable string: its result, or its error code. */
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    (v) =>
      `ok ${v instanceof Uint8Array ? show(v) : Array.isArray(v) ? v.map((x) => show(x)).join('|') : String(v)}`,
    (err: unknown) => `err ${isStateError(err) ? err.code : String(err)}`,
  );

/** Calls issued on one manager take effect in issue order, awaited or not (docs/contract.md, "Visibility and order"). */
export function registerOrder(h: Harness): void {
  describe('order', () => {
    it('set then increment, not awaited: the increment counts from the value just set', async () => {
      const m = await h.open();
      const [, n] = await Promise.all([m.set('c', bytes('100')), m.increment('c')]);
      expect(n).toBe(101);
      expectBytes(await m.get('c'), '101');
    });

    it('set then delete / get / setMany / compareAndSwap, not awaited, each see the set', async () => {
      const m = await h.open();
      const results = await Promise.all([
        m.set('k', bytes('old')),
        m.get('k'),
        m.compareAndSwap('k', bytes('old'), bytes('mid')),
        m.setMany([{ key: 'k', value: bytes('new') }]),
        m.get('k'),
        m.delete('k'),
        m.exists('k'),
      ]);
      expect(results.map((r) => (r instanceof Uint8Array ? show(r) : r))).toEqual([
        undefined,
        show(bytes('old')),
        true,
        undefined,
        show(bytes('new')),
        true,
        false,
      ]);
    });

    it('mixed pipelines of every write method end as the same calls awaited one by one', {
      timeout: h.slowMs,
    }, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 25 }), async (steps) => {
          const [piped, awaited] = await Promise.all([h.open(), h.open()]);
          const pipelined = await Promise.all(steps.map((s) => outcome(s.call(piped))));
          const oneByOne: string[] = [];
          for (const s of steps) oneByOne.push(await outcome(s.call(awaited)));
          const labelled = (xs: string[]) => xs.map((x, i) => `${steps[i]!.name} -> ${x}`);
          expect(labelled(pipelined)).toEqual(labelled(oneByOne));
          expect(await snapshot(piped)).toEqual(await snapshot(awaited));
          await Promise.all([piped.close(), awaited.close()]);
        }),
        {
          numRuns: Math.max(10, Math.round(h.modelRuns / 2)),
          ...(h.seed === undefined ? {} : { seed: h.seed }),
        },
      );
    });
  });
}
