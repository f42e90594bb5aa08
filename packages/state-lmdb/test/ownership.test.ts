import { afterAll, describe, expect, it } from 'vitest';
import { createLmdbState } from '../src/index.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const bytes = (s: string) => new TextEncoder().encode(s);

/** Transfers `v`'s buffer away, as `postMessage(v, [v.buffer])` does; returns the clone. */
const transfer = (v: Uint8Array) => structuredClone(v, { transfer: [v.buffer as ArrayBuffer] });

function expectOwned(v: Uint8Array | undefined): asserts v is Uint8Array {
  expect(v).toBeInstanceOf(Uint8Array);
  expect(v!.byteOffset).toBe(0);
  expect(v!.buffer.byteLength).toBe(v!.byteLength);
}

describe('values handed out belong to the caller', () => {
  it('get and getMany return exact-size copies, on the direct and on the queued read path', async () => {
    await using s = await createLmdbState({ path: tempDir('exact'), sweepIntervalMs: 0 });
    const sizes = [0, 1, 7, 100, 1024, 1025, 5000, 70_000];
    await s.setMany(sizes.map((n) => ({ key: `k${n}`, value: new Uint8Array(n).fill(n % 251) })));
    for (const n of sizes) expectOwned(await s.get(`k${n}`));
    for (const v of await s.getMany(sizes.map((n) => `k${n}`))) expectOwned(v);
    // Issued while a write waits: read inside the group's transaction.
    void s.set('w', bytes('queued'));
    const [queued, many] = [s.get('k100'), s.getMany(['k5000', 'w'])];
    expectOwned(await queued);
    for (const v of await many) expectOwned(v);
  });

  it('transferring returned values breaks nothing: later reads of any store work, no value changes', async () => {
    const path = tempDir('transfer');
    await using a = await createLmdbState({ path, namespace: 'a', sweepIntervalMs: 0 });
    await using b = await createLmdbState({ path, namespace: 'b', sweepIntervalMs: 0 });
    await using c = await createLmdbState({ path: tempDir('other'), sweepIntervalMs: 0 });
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    for (const s of [a, b, c])
      await s.setMany(keys.map((key) => ({ key, value: bytes(`v-${key}`) })));
    const kept = [await b.get('k1'), ...(await c.getMany(keys.slice(0, 10)))];
    for (const v of await a.getMany(keys)) {
      const moved = transfer(v!);
      expect(v!.byteLength).toBe(0); // detached
      expect(moved.byteLength).toBeGreaterThan(0);
    }
    const single = (await a.get('k0'))!;
    new Uint8Array(single.buffer).fill(33); // writing through .buffer
    transfer(single);
    expect(kept.map((v) => new TextDecoder().decode(v))).toEqual([
      'v-k1',
      ...keys.slice(0, 10).map((k) => `v-${k}`),
    ]);
    for (const s of [a, b, c]) {
      for (let i = 0; i < 2000; i++)
        expect((await s.get(keys[i % 50]!))?.byteLength).toBe(i % 50 < 10 ? 4 : 5);
      expect((await s.getMany(keys)).every((v) => v !== undefined)).toBe(true);
    }
  });
});
