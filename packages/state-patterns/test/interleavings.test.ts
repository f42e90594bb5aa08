import { createMemoryState } from '@pforge/state-memory';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { getOrCompute } from '../src/index.js';
import { declareLocality } from './locality.js';
import { createMapStore } from './map-backend.js';
import { rkey, sleep } from './targets.js';

const flush = () => new Promise((r) => setImmediate(r));
const step = fc.constantFrom('get', 'get', 'delete', 'release', 'tick');

// fast-check's scheduler decides when each computation finishes, so runs explore the orders in
// which reads, deletes, stale-while-revalidate refreshes and misses meet. `tick` lets 2 ms pass,
// which makes a stored value stale (ttl 1 ms) but keeps it for the 60 s revalidate window.
const opens = {
  memory: async (ns: string) =>
    declareLocality(await createMemoryState({ namespace: ns }), 'memory', ns, true),
  'map (driver base)': async (ns: string) => createMapStore().open(ns),
};

it.each(Object.entries(opens))(
  '%s: reads, deletes, refreshes and misses in any order run one computation at a time',
  async (_name, open) => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(step, { minLength: 4, maxLength: 16 }),
        async (s, steps) => {
          const state = await open(rkey('ns'));
          const opts = { ttl: 1, staleWhileRevalidateMs: 60_000 };
          let running = 0;
          let most = 0;
          let n = 0;
          const compute = () => {
            running++;
            most = Math.max(most, running);
            return s.schedule(Promise.resolve(), 'compute ends').then(() => {
              running--;
              return ++n;
            });
          };
          const calls: Promise<number>[] = [];
          try {
            for (const op of steps) {
              if (op === 'get') calls.push(getOrCompute(state, 'k', compute, opts));
              else if (op === 'delete') await state.delete('k');
              else if (op === 'release' && s.count() > 0) await s.waitOne();
              else if (op === 'tick') await sleep(2);
              for (let i = 0; i < 4; i++) await flush(); // let each call reach its computation
            }
            while (s.count() > 0) {
              await s.waitAll();
              for (let i = 0; i < 4; i++) await flush();
            }
            for (const v of await Promise.all(calls)) expect(v).toBeGreaterThanOrEqual(1);
            expect(most).toBeLessThanOrEqual(1);
          } finally {
            await state.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  },
  60_000,
);
