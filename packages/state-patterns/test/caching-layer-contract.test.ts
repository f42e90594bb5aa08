import { inspectState, type StateManager, stateInfo } from '@pforge/state-core';
import { createMemoryState } from '@pforge/state-memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCachingLayer } from '../src/index.js';
import { realTargets } from './real-targets.js';
import { forEachTarget, rkey, sleep } from './targets.js';

// What the conformance suite cannot see: it opens a fresh layer per manager, so its pipelines
// start on an empty cache. These tests warm the cache first.

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : new TextDecoder().decode(b);

forEachTarget((h) => {
  it('pipelined calls on a warm cache take effect in issue order (clear included)', async () => {
    const cached = createCachingLayer(await h.open(rkey('ns')), { maxAgeMs: 60_000 });
    const [a, b] = [rkey('p'), rkey('q')];
    await cached.setMany([
      { key: a, value: enc('5') },
      { key: b, value: enc('B') },
    ]);
    expect((await cached.getMany([a, b])).map(dec)).toEqual(['5', 'B']); // now in memory
    const results = await Promise.all([
      cached.increment(a, 2),
      cached.get(a),
      cached.compareAndSwap(a, enc('7'), enc('x')),
      cached.exists(a),
      cached.getMany([a, b]),
      cached.delete(a),
      cached.get(a),
      cached.set(a, enc('y')),
      cached.get(a),
      cached.expire(a, 60_000),
      cached.ttl(a),
      cached.clear({ prefix: a }),
      cached.get(a),
      cached.get(b),
      cached.clear(),
      cached.exists(b),
    ]);
    const shown = results.map((r) =>
      Array.isArray(r) ? r.map(dec) : r instanceof Uint8Array ? dec(r) : r,
    );
    shown[10] = typeof shown[10] === 'number' && shown[10] > 0 ? 'expiring' : shown[10];
    expect(shown).toEqual([
      7,
      '7',
      true,
      true,
      ['x', 'B'],
      true,
      undefined,
      undefined,
      'y',
      true,
      'expiring',
      1,
      undefined,
      'B',
      1,
      false,
    ]);
  });
}, realTargets());

forEachTarget((h) => {
  it('keeps the expiry the backend was given, whatever the caller does to its options later', async () => {
    const cached = createCachingLayer(await h.open(), { maxAgeMs: 60_000 });
    const k = rkey('k');
    const options = { ttl: 300 };
    const written = cached.set(k, enc('v'), options);
    options.ttl = 600_000; // before the write resolves
    await written;
    expect(dec(await cached.get(k))).toBe('v');
    await sleep(450);
    expect(await cached.get(k)).toBeUndefined();
    expect(await cached.backend.get(k)).toBeUndefined();
  });

  it('carries the stateInfo of its backend, and inspectState adds its own figures', async () => {
    const backend = await h.open(rkey('ns'));
    const cached = createCachingLayer(backend);
    expect(stateInfo(cached)).toEqual(stateInfo(backend));
    if (stateInfo(backend) === undefined) return;
    await cached.set(rkey('k'), enc('v'));
    const inspected = await inspectState(cached);
    expect(inspected).toMatchObject({ ...stateInfo(backend), details: { cache_entries: 1 } });
    const own = Object.keys((await inspectState(backend)).details);
    expect(Object.keys(inspected.details)).toEqual(expect.arrayContaining(own));
    await cached.close();
    await expect(inspectState(cached)).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
  });
});

describe('caching layer clock', () => {
  const open: StateManager[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(open.splice(0).map((m) => m.close()));
  });

  it('a wall-clock jump backwards never keeps an entry past the backend expiry', async () => {
    // The memory backend counts expiries on the monotonic clock: so must the layer.
    const backend = await createMemoryState({ namespace: rkey('ns') });
    open.push(backend);
    const cached = createCachingLayer(backend, { maxAgeMs: 60_000 });
    const k = rkey('k');
    await cached.set(k, enc('v'), { ttl: 300 });
    const wall = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => wall() - 3_600_000); // NTP steps back 1 h
    expect(dec(await cached.get(k))).toBe('v');
    await sleep(450);
    expect(await backend.get(k)).toBeUndefined();
    expect(await cached.get(k)).toBeUndefined();
  });

  it('a write to a layer holding one key does not cost O(maxEntries)', async () => {
    // lru-cache empties itself when its last entry is deleted, refilling arrays of maxEntries
    // slots (about 3 ms each at a million): 400 writes took over a second before.
    const backend = await createMemoryState({ namespace: rkey('ns') });
    open.push(backend);
    const cached = createCachingLayer(backend, { maxEntries: 1_000_000 });
    const started = performance.now();
    for (let i = 0; i < 400; i++) await cached.set('k', enc(String(i)));
    expect(performance.now() - started).toBeLessThan(250);
    expect(cached.stats()).toMatchObject({ entries: 1, evictions: 0 });
    expect(dec(await cached.get('k'))).toBe('399');
  });

  it('rejects a backend that is not a StateManager', () => {
    expect(() => createCachingLayer(undefined as unknown as StateManager)).toThrow(
      expect.objectContaining({ code: 'ERR_STATE_INVALID_ARGUMENT' }),
    );
  });
});
