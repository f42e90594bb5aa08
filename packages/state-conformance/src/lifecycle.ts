import type { StateManager } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, expectRejects, type Harness, listKeys } from './harness.js';

/** Every method, called with valid arguments. */
export const ALL_CALLS: readonly [string, (m: StateManager) => Promise<unknown>][] = [
  ['get', (m) => m.get('k')],
  ['set', (m) => m.set('k', bytes('v'))],
  ['set with ttl', (m) => m.set('k', bytes('v'), { ttl: 1000 })],
  ['delete', (m) => m.delete('k')],
  ['exists', (m) => m.exists('k')],
  ['getMany', (m) => m.getMany(['k'])],
  ['setMany', (m) => m.setMany([{ key: 'k', value: bytes('v') }])],
  ['deleteMany', (m) => m.deleteMany(['k'])],
  ['increment', (m) => m.increment('n')],
  ['compareAndSwap', (m) => m.compareAndSwap('k', undefined, bytes('v'))],
  ['ttl', (m) => m.ttl('k')],
  ['expire', (m) => m.expire('k', 1000)],
  ['expire null', (m) => m.expire('k', null)],
  ['keys() iteration', (m) => m.keys()[Symbol.asyncIterator]().next()],
  ['keys({ prefix }) iteration', (m) => m.keys({ prefix: 'k' })[Symbol.asyncIterator]().next()],
  ['clear', (m) => m.clear()],
  ['clear({ prefix })', (m) => m.clear({ prefix: 'k' })],
];

/** close(): idempotent, ERR_STATE_CLOSED afterwards, `await using`, shared stores. */
export function registerLifecycle(h: Harness): void {
  describe('lifecycle', () => {
    it('close() is idempotent: repeated and concurrent calls resolve', async () => {
      const m = await h.open();
      await m.set('k', bytes('v'));
      await Promise.all([m.close(), m.close()]);
      await m.close();
      expect(await m.close()).toBeUndefined();
    });

    it('after close() every method rejects with ERR_STATE_CLOSED (keys() iteration included)', async () => {
      const m = await h.open();
      await m.set('k', bytes('v'));
      await m.close();
      for (const [name, call] of ALL_CALLS) {
        await expectRejects(() => call(m), 'ERR_STATE_CLOSED').catch((err: Error) => {
          throw new Error(`${name}: ${err.message}`);
        });
      }
    });

    it('a keys() iteration started before close() rejects with ERR_STATE_CLOSED afterwards', async () => {
      const m = await h.open();
      await m.setMany(Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: bytes('v') })));
      const it = m.keys()[Symbol.asyncIterator]();
      expect((await it.next()).done).toBe(false);
      await m.close();
      await expectRejects(async () => {
        for (let i = 0; i < 60; i++) if ((await it.next()).done) return;
      }, 'ERR_STATE_CLOSED');
    });

    it('Symbol.asyncDispose closes the manager, so `await using` works', async () => {
      const m = await h.open();
      expect(typeof m[Symbol.asyncDispose]).toBe('function');
      let escaped: StateManager | undefined;
      {
        await using scoped = await h.target.create({ namespace: h.namespace() });
        await scoped.set('k', bytes('v'));
        escaped = scoped;
      }
      await expectRejects(() => escaped!.get('k'), 'ERR_STATE_CLOSED');
      await m[Symbol.asyncDispose]();
      await expectRejects(() => m.get('k'), 'ERR_STATE_CLOSED');
    });

    it('closing one manager leaves other managers on the same store working, data intact', async () => {
      const ns = h.namespace();
      const a = await h.open(ns);
      const b = await h.open(ns);
      await a.set('k', bytes('v'));
      await a.close();
      expectBytes(await b.get('k'), 'v');
      await b.set('k2', bytes('w'));
      const c = await h.open(ns);
      expect(await listKeys(c)).toEqual(['k', 'k2']);
    });
  });
}
