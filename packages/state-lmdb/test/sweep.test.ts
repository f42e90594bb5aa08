import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createLmdbState } from '../src/index.js';
import { removeTempDirs, runChild, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const value = new Uint8Array(32).fill(1);
const LIVE = 1000;

async function fill(state: Awaited<ReturnType<typeof createLmdbState>>, n: number, ttl: number) {
  for (let start = 0; start < n; start += 10_000) {
    await state.setMany(
      Array.from({ length: Math.min(10_000, n - start) }, (_, i) => ({
        key: `dead:${start + i}`,
        value,
        ttl,
      })),
    );
  }
}

describe('background sweep', () => {
  it('reclaims 100k expired keys (the entry count drops) while reads of live keys go on', async () => {
    const path = tempDir('sweep');
    await using state = await createLmdbState({ path, sweepIntervalMs: 20, sweepBatchSize: 2000 });
    const liveKeys = Array.from({ length: LIVE }, (_, i) => `live:${i}`);
    await state.setMany(liveKeys.map((key) => ({ key, value })));
    await fill(state, 100_000, 2500);
    // The sweep may already have begun on the first keys when a slow machine is still filling.
    expect((await state.stats()).records).toBeGreaterThan(LIVE + 50_000);

    let reads = 0;
    let maxGapMs = 0;
    let last = performance.now();
    const started = last;
    for (;;) {
      const got = await state.getMany(liveKeys.slice(reads % 900, (reads % 900) + 100));
      expect(got.every((v) => v !== undefined)).toBe(true);
      reads++;
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
      const { records, expiryIndex } = await state.stats();
      if (records === LIVE && expiryIndex === 0) break;
      if (now - started > 45_000) throw new Error(`not reclaimed in 45 s: ${records} records`);
      await sleep(5);
    }
    expect(reads).toBeGreaterThan(10);
    // Each sweep step is bounded, so reads were never held up for long.
    expect(maxGapMs).toBeLessThan(2000);
    expect(await state.getMany(liveKeys)).not.toContain(undefined);
  }, 60_000);

  it('never removes a key re-written without a TTL or with a longer one', async () => {
    const path = tempDir('sweep-rewrite');
    await using state = await createLmdbState({ path, sweepIntervalMs: 10 });
    await state.set('a', value, { ttl: 50 });
    await state.set('a', value);
    await state.set('b', value, { ttl: 50 });
    await state.set('b', value, { ttl: 60_000 });
    await state.increment('c', 1, { ttl: 50 });
    await state.expire('c', null);
    await sleep(300);
    await state.sweepExpired();
    expect(await state.get('a')).toEqual(value);
    expect(await state.get('b')).toEqual(value);
    expect(await state.get('c')).toEqual(new TextEncoder().encode('1'));
    expect((await state.stats()).records).toBe(3);
  });

  it('a key re-written with a similar TTL keeps one index entry (rolling expiry stays cheap)', async () => {
    const path = tempDir('sweep-bucket');
    await using state = await createLmdbState({ path, sweepIntervalMs: 0 });
    for (let i = 0; i < 200; i++) await state.set('session', value, { ttl: 3_600_000 });
    expect((await state.stats()).expiryIndex).toBeLessThanOrEqual(2);
    expect(await state.ttl('session')).toBeGreaterThan(3_500_000);
  });

  it('several processes sweeping one directory at once remove exactly the expired keys', async () => {
    const path = tempDir('sweep-mp');
    const state = await createLmdbState({ path, namespace: 'mp', sweepIntervalMs: 0 });
    const liveKeys = Array.from({ length: 200 }, (_, i) => `live:${i}`);
    await state.setMany(liveKeys.map((key) => ({ key, value, ttl: 600_000 })));
    await fill(state, 20_000, 50);
    await sleep(200);
    const [a, b] = await Promise.all([runChild(['sweep', path]), runChild(['sweep', path])]);
    await state.sweepExpired();
    const swept = Number(a.split(' ')[1]) + Number(b.split(' ')[1]);
    expect(swept).toBe(20_000);
    expect(await state.stats()).toEqual({ records: 200, expiryIndex: 200 });
    expect(await state.getMany(liveKeys)).not.toContain(undefined);
    await state.close();
  }, 60_000);

  it('a process that leaves a manager open, its sweep timer running, exits by itself', async () => {
    const path = tempDir('sweep-alive');
    const lib = pathToFileURL(fileURLToPath(new URL('../dist/index.js', import.meta.url))).href;
    const script = `
      const { createLmdbState } = await import(${JSON.stringify(lib)});
      const state = await createLmdbState({ path: ${JSON.stringify(path)}, sweepIntervalMs: 5 });
      await state.set('x', new Uint8Array([1]), { ttl: 3600000 });
      await state.set('y', new Uint8Array([1]), { ttl: 10 });
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code, signal] = await once(child, 'exit');
    clearTimeout(timer);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 20_000);

  it('the sweep runs on its timer, and after close sweepExpired rejects', async () => {
    const path = tempDir('sweep-timer');
    const state = await createLmdbState({ path, sweepIntervalMs: 5 });
    await state.set('x', value, { ttl: 10 });
    await sleep(100);
    expect((await state.stats()).records).toBe(0);
    await state.close();
    await expect(state.sweepExpired()).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
  });
});
