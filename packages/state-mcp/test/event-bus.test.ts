import type { ServerEvent } from '@modelcontextprotocol/server';
import type { StateManager } from '@pforge/state-core';
import { expect, it } from 'vitest';
import { createStateEventBus } from '../src/index.js';
import { forEachTarget, rprefix, sleep } from './targets.js';

const updated = (uri: string): ServerEvent => ({ kind: 'resource_updated', uri });

/** Resolves once `got` holds `n` events, or rejects after `ms`. */
async function until(got: unknown[], n: number, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (got.length < n) {
    if (Date.now() > end) throw new Error(`got ${got.length} of ${n} events`);
    await sleep(10);
  }
}

/** `state` with its getMany calls counted. */
function counting(state: StateManager): { state: StateManager; reads: () => number } {
  let n = 0;
  const proxy = new Proxy(state, {
    get: (target, prop, receiver) => {
      if (prop === 'getMany') {
        return (keys: readonly string[]) => {
          n++;
          return target.getMany(keys);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { state: proxy, reads: () => n };
}

forEachTarget((h) => {
  it('delivers an event to listeners on every instance, once each, locally at once', async () => {
    const [a, b] = await h.openMany(2);
    const prefix = rprefix();
    const busA = createStateEventBus(a!, { prefix, pollIntervalMs: 20 });
    const busB = createStateEventBus(b!, { prefix, pollIntervalMs: 20 });
    const onA: ServerEvent[] = [];
    const onB: ServerEvent[] = [];
    busA.subscribe((e) => onA.push(e));
    busB.subscribe((e) => onB.push(e));
    await Promise.all([busA.ready(), busB.ready()]);
    const sentAt = Date.now();
    busB.publish({ kind: 'tools_list_changed' });
    expect(onB).toEqual([{ kind: 'tools_list_changed' }]); // synchronous, as the in-memory bus
    await until(onA, 1);
    expect(Date.now() - sentAt).toBeLessThan(2_000);
    await busB.flush();
    await sleep(150); // several more polls: B must not deliver its own event a second time
    expect(onB).toHaveLength(1);
    expect(onA).toEqual([{ kind: 'tools_list_changed' }]);
    expect(busA.stats).toMatchObject({ received: 1, published: 0 });
    await Promise.all([busA.close(), busB.close()]);
  });

  it('never echoes an event to the listener that published it from inside its dispatch', async () => {
    const [a, b] = await h.openMany(2);
    const prefix = rprefix();
    const busA = createStateEventBus(a!, { prefix, pollIntervalMs: 20 });
    const busB = createStateEventBus(b!, { prefix, pollIntervalMs: 20 });
    const seenByRelay: ServerEvent[] = [];
    const seenByPeer: ServerEvent[] = [];
    const seenOnB: ServerEvent[] = [];
    busA.subscribe((e) => {
      seenByRelay.push(e);
      if (e.kind === 'tools_list_changed') busA.publish(updated('file:///relayed'));
    });
    busA.subscribe((e) => seenByPeer.push(e));
    busB.subscribe((e) => seenOnB.push(e));
    await Promise.all([busA.ready(), busB.ready()]);
    busA.publish({ kind: 'tools_list_changed' });
    await until(seenOnB, 2);
    expect(seenByRelay).toEqual([{ kind: 'tools_list_changed' }]);
    expect(seenByPeer).toEqual([{ kind: 'tools_list_changed' }, updated('file:///relayed')]);
    expect(seenOnB).toEqual(seenByPeer);
    await Promise.all([busA.close(), busB.close()]);
  });

  it('loses none of 1,000 events published in a burst, and keeps their order', async () => {
    const [a, b] = await h.openMany(2);
    const prefix = rprefix();
    const busA = createStateEventBus(a!, { prefix, pollIntervalMs: 20 });
    const busB = createStateEventBus(b!, { prefix });
    const got: ServerEvent[] = [];
    busA.subscribe((e) => got.push(e));
    await busA.ready();
    for (let i = 0; i < 1_000; i++) busB.publish(updated(`file:///${i}`));
    await busB.flush();
    await until(got, 1_000, 30_000);
    expect(got.map((e) => (e.kind === 'resource_updated' ? e.uri : ''))).toEqual(
      Array.from({ length: 1_000 }, (_, i) => `file:///${i}`),
    );
    expect(busA.stats.skipped).toBe(0);
    await Promise.all([busA.close(), busB.close()]);
  });

  it('holds delivery at a taken but unwritten sequence number, then skips it after gapTimeoutMs', async () => {
    const [a, b] = await h.openMany(2);
    const prefix = rprefix();
    const busA = createStateEventBus(a!, { prefix, pollIntervalMs: 20, gapTimeoutMs: 1_500 });
    const busB = createStateEventBus(b!, { prefix });
    const got: ServerEvent[] = [];
    busA.subscribe((e) => got.push(e));
    await busA.ready();
    // A publisher that takes a number and dies before writing its entry.
    await b!.increment(`${prefix}seq`);
    busB.publish(updated('file:///after-gap'));
    await busB.flush();
    await sleep(200);
    expect(got).toEqual([]); // held back: the gap may still be filled
    await until(got, 1, 5_000);
    expect(got).toEqual([updated('file:///after-gap')]);
    expect(busA.stats.skipped).toBe(1);
    // A gap filled late is delivered in order.
    const n = await b!.increment(`${prefix}seq`);
    busB.publish(updated('file:///second'));
    await sleep(100);
    const late = JSON.stringify({ o: 'elsewhere', e: updated('file:///late') });
    await b!.set(`${prefix}e:${n}`, new TextEncoder().encode(late), { ttl: 60_000 });
    await until(got, 3);
    expect(got.slice(1)).toEqual([updated('file:///late'), updated('file:///second')]);
    await Promise.all([busA.close(), busB.close()]);
  });

  it('polls only while a listener is subscribed; unsubscribe is idempotent', async () => {
    const { state, reads } = counting(await h.open());
    const bus = createStateEventBus(state, { prefix: rprefix(), pollIntervalMs: 10 });
    await sleep(60);
    expect(reads()).toBe(0);
    const off = bus.subscribe(() => {});
    await bus.ready();
    await sleep(100);
    expect(reads()).toBeGreaterThan(2);
    off();
    off();
    await sleep(150); // a poll already in flight may still land (slow under load)
    const after = reads();
    await sleep(100);
    expect(reads()).toBe(after);
    await bus.close();
  });

  it('reports write failures to onError and a listener error does not stop the others', async () => {
    const state = await h.open();
    const errors: Error[] = [];
    const bus = createStateEventBus(state, { prefix: rprefix(), onError: (e) => errors.push(e) });
    const got: ServerEvent[] = [];
    bus.subscribe(() => {
      throw new Error('listener failed');
    });
    bus.subscribe((e) => got.push(e));
    await state.close();
    bus.publish({ kind: 'prompts_list_changed' });
    await bus.flush();
    expect(got).toHaveLength(1);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/listener failed\n.*after close\(\)/);
    await bus.close();
  });
});

it("the first read starts at subscribe, not on an unref'd timer (so `await bus.ready()` keeps the process alive)", async () => {
  const { createMemoryState } = await import('@pforge/state-memory');
  let reads = 0;
  const inner = createMemoryState();
  const getMany = (keys: readonly string[]) => {
    reads++;
    return inner.getMany(keys);
  };
  const state = { ...inner, getMany };
  const bus = createStateEventBus(state as StateManager, { prefix: rprefix() });
  bus.subscribe(() => {});
  expect(reads).toBe(1);
  await bus.ready();
  await bus.close();
  await inner.close();
});
