import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, type Harness, listKeys } from './harness.js';

/** get / set / delete / exists, and visibility across managers. */
export function registerBasic(h: Harness): void {
  describe('basic operations', () => {
    registerReadWrite(h);
    registerExistsDelete(h);
  });

  describe('visibility', () => {
    const bound = h.target.capabilities?.crossManagerVisibilityMs;
    if (bound !== undefined) {
      registerBoundedVisibility(h, bound);
      return;
    }
    registerImmediateVisibility(h);
  });
}

/** get of an absent key, set then get, overwrite. */
function registerReadWrite(h: Harness): void {
  it('get of an absent key resolves undefined', async () => {
    const m = await h.open();
    expect(await m.get(h.key())).toBeUndefined();
  });

  it('set then get returns the same bytes; set resolves undefined', async () => {
    const m = await h.open();
    const k = h.key();
    expect(await m.set(k, bytes('hello'))).toBeUndefined();
    expectBytes(await m.get(k), 'hello');
  });

  it('set overwrites an earlier value', async () => {
    const m = await h.open();
    const k = h.key();
    await m.set(k, bytes('one'));
    await m.set(k, bytes('two-longer'));
    expectBytes(await m.get(k), 'two-longer');
    await m.set(k, bytes('3'));
    expectBytes(await m.get(k), '3');
  });
}

/** exists, delete, and independence of keys. */
function registerExistsDelete(h: Harness): void {
  it('exists is true for a live key and false for an absent one', async () => {
    const m = await h.open();
    const k = h.key();
    expect(await m.exists(k)).toBe(false);
    await m.set(k, bytes('x'));
    expect(await m.exists(k)).toBe(true);
  });

  it('delete resolves true when a live key was removed, false when absent', async () => {
    const m = await h.open();
    const k = h.key();
    await m.set(k, bytes('x'));
    expect(await m.delete(k)).toBe(true);
    expect(await m.get(k)).toBeUndefined();
    expect(await m.exists(k)).toBe(false);
    expect(await m.delete(k)).toBe(false);
    expect(await m.delete(h.key())).toBe(false);
  });

  it('keys are independent of each other', async () => {
    const m = await h.open();
    const [a, b] = [h.key('a'), h.key('b')];
    await m.set(a, bytes('A'));
    await m.set(b, bytes('B'));
    await m.delete(a);
    expectBytes(await m.get(b), 'B');
    expect(await listKeys(m)).toEqual([b]);
  });
}

/** With no declared bound, a resolved write is seen at once by every other manager. */
function registerImmediateVisibility(h: Harness): void {
  it('a write resolved on one manager is seen by a read started afterwards on another', async () => {
    const ns = h.namespace();
    const a = await h.open(ns);
    const b = await h.open(ns);
    for (let i = 0; i < 30; i++) {
      const k = `v-${i}`;
      const [w, r] = i % 2 === 0 ? [a, b] : [b, a];
      await w.set(k, bytes(`value-${i}`));
      expectBytes(await r.get(k), `value-${i}`);
      expect(await r.exists(k)).toBe(true);
      expect(await w.increment(`c-${i}`, 5)).toBe(5);
      expectBytes(await r.get(`c-${i}`), '5');
      expect(await w.delete(k)).toBe(true);
      expect(await r.get(k)).toBeUndefined();
    }
    await a.setMany([
      { key: 'm1', value: bytes('1') },
      { key: 'm2', value: bytes('2') },
    ]);
    expect((await b.getMany(['m1', 'm2'])).map((v) => v && Buffer.from(v).toString())).toEqual([
      '1',
      '2',
    ]);
    expect(await a.compareAndSwap('m1', bytes('1'), bytes('one'))).toBe(true);
    expectBytes(await b.get('m1'), 'one');
    expect(await b.expire('m2', 60_000)).toBe(true);
    expect(await a.ttl('m2')).toBeGreaterThan(0);
    expect(await b.clear()).toBeGreaterThan(0);
    expect(await listKeys(a)).toEqual([]);
  });
}

function registerBoundedVisibility(h: Harness, bound: number): void {
  it(`visibility across managers is declared bounded (${bound} ms) on ${h.name}: the target must say where this is documented`, () => {
    const note = h.target.capabilities?.visibilityNote;
    expect(typeof note, 'capabilities.visibilityNote must name the documentation').toBe('string');
    expect(note!.trim().length).toBeGreaterThan(10);
  });

  it(`a write on one manager is seen by another within ${bound} ms, and by its own manager at once`, {
    timeout: h.slowMs,
  }, async () => {
    const ns = h.namespace();
    const a = await h.open(ns);
    const b = await h.open(ns);
    for (let i = 0; i < 3; i++) {
      const k = `v-${i}`;
      expect(await b.get(k)).toBeUndefined(); // b may now hold "absent"
      await a.set(k, bytes(`value-${i}`));
      expectBytes(await a.get(k), `value-${i}`);
      const deadline = Date.now() + bound + h.slackMs;
      let seen = await b.get(k);
      while (seen === undefined && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
        seen = await b.get(k);
      }
      expectBytes(seen, `value-${i}`);
    }
  });
}
