import { afterAll, describe, expect, it } from 'vitest';
import { createLmdbState } from '../src/index.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const bytes = (s: string) => new TextEncoder().encode(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('close and reopen', () => {
  it('keeps values, expiries and counters; a TTL that passed while closed is gone', async () => {
    const path = tempDir('reopen');
    const first = await createLmdbState({ path, namespace: 'app' });
    await first.set('plain', bytes('kept'));
    await first.set('long', bytes('long'), { ttl: 60_000 });
    await first.set('short', bytes('short'), { ttl: 150 });
    await first.increment('hits', 41);
    await first.increment('hits');
    await first.setMany([
      { key: 'nul\u0000key', value: bytes('nul') },
      { key: 'emoji 🎉:x', value: new Uint8Array(0) },
    ]);
    const ttlBefore = await first.ttl('long');
    await first.close();

    await sleep(300);

    await using second = await createLmdbState({ path, namespace: 'app' });
    expect(await second.get('plain')).toEqual(bytes('kept'));
    expect(await second.get('long')).toEqual(bytes('long'));
    const ttlAfter = await second.ttl('long');
    expect(ttlAfter).toBeLessThanOrEqual(ttlBefore as number);
    expect(ttlAfter).toBeGreaterThan(50_000);
    expect(await second.get('short')).toBeUndefined();
    expect(await second.exists('short')).toBe(false);
    expect(await second.increment('hits')).toBe(43);
    expect(await second.get('nul\u0000key')).toEqual(bytes('nul'));
    expect(await second.get('emoji 🎉:x')).toEqual(new Uint8Array(0));
    const keys: string[] = [];
    for await (const k of second.keys()) keys.push(k);
    expect(keys.sort()).toEqual(['emoji 🎉:x', 'hits', 'long', 'nul\u0000key', 'plain'].sort());
  });

  it('reopening after close in one process works repeatedly (the environment is released)', async () => {
    const path = tempDir('cycle');
    for (let i = 0; i < 5; i++) {
      const s = await createLmdbState({ path });
      expect(await s.increment('n')).toBe(i + 1);
      await s.close();
      await s.close(); // idempotent
    }
  });
});
