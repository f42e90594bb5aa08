import type { StateManager } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, type Harness } from './harness.js';

const MANAGERS = 3;
const MAX_ATTEMPTS = 2000;

/** No lost or doubled updates under concurrency, across managers on one store. */
export function registerConcurrency(h: Harness): void {
  describe('concurrency', () => {
    registerCounterRaces(h);
    registerCasRaces(h);
  });
}

/** Opens MANAGERS managers on one fresh namespace. */
async function openAll(h: Harness): Promise<StateManager[]> {
  const ns = h.namespace();
  return Promise.all(Array.from({ length: MANAGERS }, () => h.open(ns)));
}

/** expire and increment racing each other across managers. */
function registerCounterRaces(h: Harness): void {
  it('an expire racing increments is never lost, on one manager or across managers', {
    timeout: h.slowMs,
  }, async () => {
    const managers = await openAll(h);
    for (let round = 0; round < 10; round++) {
      const k = `race-${round}`;
      await managers[0]!.set(k, bytes('5'), { ttl: 600_000 });
      await Promise.all([
        managers[0]!.expire(k, null),
        managers[0]!.increment(k),
        managers[1]!.increment(k),
        managers[2]!.increment(k, 2),
      ]);
      expect(await managers[1]!.ttl(k), 'the expiry was cleared').toBeNull();
      expectBytes(await managers[2]!.get(k), '9');
    }
  });

  it(`300 concurrent increments across ${MANAGERS} managers give the exact total`, {
    timeout: h.slowMs,
  }, async () => {
    const managers = await openAll(h);
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => managers[i % MANAGERS]!.increment('c')),
    );
    expectBytes(await managers[0]!.get('c'), '300');
    expect(new Set(results).size, 'every increment returns a distinct value').toBe(300);
    expect(Math.max(...results)).toBe(300);
  });

  it('concurrent increments with mixed deltas sum exactly', { timeout: h.slowMs }, async () => {
    const managers = await openAll(h);
    const deltas = Array.from({ length: 240 }, (_, i) => ((i * 37) % 19) - 9);
    await Promise.all(deltas.map((d, i) => managers[i % MANAGERS]!.increment('c', d)));
    const sum = deltas.reduce((a, b) => a + b, 0);
    expectBytes(await managers[1]!.get('c'), String(sum));
  });
}

/** compareAndSwap loops and creations racing across managers. */
function registerCasRaces(h: Harness): void {
  it('concurrent compare-and-swap loops (read, +1, swap, retry) across managers lose nothing', {
    timeout: h.slowMs,
  }, async () => {
    const managers = await openAll(h);
    const WORKERS_PER_MANAGER = 3;
    const STEPS = 10;
    const worker = async (m: StateManager) => {
      for (let s = 0; s < STEPS; s++) {
        for (let attempt = 1; ; attempt++) {
          const cur = await m.get('n');
          const n = cur === undefined ? 0 : Number(Buffer.from(cur).toString());
          if (await m.compareAndSwap('n', cur, bytes(String(n + 1)))) break;
          // Bounded, and yielding, so a broken backend fails the test instead of hanging it.
          if (attempt >= MAX_ATTEMPTS)
            throw new Error(`no swap succeeded in ${MAX_ATTEMPTS} attempts`);
          if (attempt % 20 === 0) await new Promise((r) => setImmediate(r));
        }
      }
    };
    await Promise.all(
      managers.flatMap((m) => Array.from({ length: WORKERS_PER_MANAGER }, () => worker(m))),
    );
    expectBytes(await managers[2]!.get('n'), String(MANAGERS * WORKERS_PER_MANAGER * STEPS));
  });

  it('concurrent compareAndSwap from undefined: exactly one caller creates the key', {
    timeout: h.slowMs,
  }, async () => {
    const managers = await openAll(h);
    const wins = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        managers[i % MANAGERS]!.compareAndSwap('once', undefined, bytes(`w${i}`)),
      ),
    );
    expect(wins.filter(Boolean).length).toBe(1);
    const winner = wins.indexOf(true);
    expectBytes(await managers[0]!.get('once'), `w${winner}`);
  });
}
