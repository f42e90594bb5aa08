import type { StateManager } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, type Harness } from './harness.js';

/** Value sizes that backends often treat differently (pooled, inline, own buffer). */
const SIZES = [0, 1, 5, 100, 1024, 1025, 4096, 4097, 65_536];

const filled = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i + seed) % 251);

/** `v` owns its whole buffer: an exact-size copy shared with nothing. */
function expectOwned(v: Uint8Array | undefined, size: number): void {
  expect(v, 'a value').toBeInstanceOf(Uint8Array);
  expect(v!.byteLength).toBe(size);
  expect(v!.byteOffset, 'byteOffset of a returned value').toBe(0);
  expect(v!.buffer.byteLength, 'buffer.byteLength of a returned value').toBe(size);
}

/** Detaches `v`'s buffer, as `postMessage(v, [v.buffer])` to a worker does. */
const transfer = (v: Uint8Array): Uint8Array =>
  structuredClone(v, { transfer: [v.buffer as ArrayBuffer] });

async function fill(m: StateManager, prefix: string): Promise<string[]> {
  const keys = SIZES.map((n) => `${prefix}${n}`);
  await m.setMany(keys.map((key, i) => ({ key, value: filled(SIZES[i]!, i) })));
  return keys;
}

/** A value handed out belongs to the caller (docs/contract.md, "Values"). */
export function registerOwnership(h: Harness): void {
  describe('ownership', () => {
    it('every value get and getMany return owns its whole buffer (byteOffset 0, exact size)', async () => {
      const m = await h.open();
      const keys = await fill(m, 'v');
      for (const [i, k] of keys.entries()) expectOwned(await m.get(k), SIZES[i]!);
      const many = await m.getMany([...keys, ...keys]);
      for (const [i, v] of many.entries()) expectOwned(v, SIZES[i % SIZES.length]!);
    });

    it("writing through a returned value's .buffer changes no other value, returned or stored", async () => {
      const m = await h.open();
      const other = await h.open();
      await other.set('bravo', bytes('bravo'));
      const keys = await fill(m, 'w');
      const many = await m.getMany(keys);
      const single = await m.get(keys[3]!);
      for (const v of [...many, single])
        if (v && v.byteLength > 0) new Uint8Array(v.buffer).fill(0x21);
      for (const [i, k] of keys.entries()) expectBytes(await m.get(k), filled(SIZES[i]!, i));
      expectBytes(await other.get('bravo'), 'bravo');
      const again = await m.getMany(keys);
      for (const [i, v] of again.entries()) expectBytes(v, filled(SIZES[i]!, i));
    });

    it('transferring returned values (postMessage with transfer) breaks nothing, in any store', {
      timeout: h.slowMs,
    }, async () => {
      const m = await h.open();
      const other = await h.open();
      await other.set('bravo', bytes('bravo'));
      const kept = await other.get('bravo');
      const keys = await fill(m, 't');
      for (const v of await m.getMany(keys)) if (v) transfer(v);
      for (const k of keys) {
        const v = await m.get(k);
        if (v) transfer(v);
      }
      expectBytes(kept, 'bravo');
      // Many later small reads, on this store and another: none may fail or come back empty.
      for (let i = 0; i < 500; i++) {
        expectBytes(await other.get('bravo'), 'bravo');
        const [a] = await m.getMany([keys[2]!]);
        expectBytes(a, filled(SIZES[2]!, 2));
      }
      for (const [i, k] of keys.entries()) expectBytes(await m.get(k), filled(SIZES[i]!, i));
    });
  });
}
