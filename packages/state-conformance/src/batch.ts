import type { Entry, StateManager } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, expectRejects, type Harness, hex, snapshot } from './harness.js';

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));
const text = (v: Uint8Array | undefined) =>
  v === undefined ? undefined : Buffer.from(v).toString();

/** getMany / setMany / deleteMany: order, counts, validate-all-first, atomicity. */
export function registerBatch(h: Harness): void {
  describe('batches', () => {
    registerShapes(h);
    registerValidation(h);
    if (h.atomicBatches) registerAtomicity(h);
    else registerDeclaredNonAtomic(h);
  });
}

function registerShapes(h: Harness): void {
  it('getMany keeps the order of keys and repeats duplicates; absent keys are undefined', async () => {
    const m = await h.open();
    await m.set('a', bytes('A'));
    await m.set('b', bytes('B'));
    const got = await m.getMany(['b', 'missing', 'a', 'b', 'a']);
    expect(got.map(text)).toEqual(['B', undefined, 'A', 'B', 'A']);
    expect(await m.getMany([])).toEqual([]);
  });

  it('setMany writes every entry with its own ttl; an empty batch is fine', async () => {
    const m = await h.open();
    await m.setMany([]);
    await m.set('c', bytes('old'), { ttl: 60_000 });
    await m.setMany([
      { key: 'a', value: bytes('1') },
      { key: 'b', value: bytes('2'), ttl: 20_000 },
      { key: 'c', value: bytes('3') },
    ]);
    expect((await m.getMany(['a', 'b', 'c'])).map(text)).toEqual(['1', '2', '3']);
    expect(await m.ttl('a')).toBeNull();
    expect(await m.ttl('b')).toBeGreaterThan(0);
    expect(await m.ttl('b')).toBeLessThanOrEqual(20_000);
    expect(await m.ttl('c'), 'setMany without ttl removes an earlier expiry').toBeNull();
  });

  it('setMany with a repeated key keeps the last entry', async () => {
    const m = await h.open();
    await m.setMany([
      { key: 'a', value: bytes('first') },
      { key: 'b', value: bytes('B') },
      { key: 'a', value: bytes('last') },
    ]);
    expectBytes(await m.get('a'), 'last');
  });

  it('deleteMany counts the live keys removed: absent not counted, duplicates once', async () => {
    const m = await h.open();
    await m.setMany([
      { key: 'a', value: bytes('1') },
      { key: 'b', value: bytes('2') },
      { key: 'c', value: bytes('3') },
    ]);
    expect(await m.deleteMany(['a', 'missing', 'a', 'b', 'b'])).toBe(2);
    expect(await m.exists('a')).toBe(false);
    expect(await m.exists('b')).toBe(false);
    expectBytes(await m.get('c'), '3');
    expect(await m.deleteMany([])).toBe(0);
    expect(await m.deleteMany(['a', 'b'])).toBe(0);
  });
}

const BAD_KEYS: readonly [string, unknown][] = [
  ['an empty key', ''],
  ['a number key', 7],
  ['a 1025-byte key', 'k'.repeat(1025)],
  ['a lone surrogate', 'a\ud800'],
];

const POSITIONS = ['first', 'middle', 'last'] as const;
type Position = (typeof POSITIONS)[number];

/** Writes two entries (one with a ttl) and returns the snapshot later checks compare with. */
async function seed(m: StateManager): Promise<Record<string, string>> {
  await m.setMany([
    { key: 'keep-1', value: bytes('1') },
    { key: 'keep-2', value: bytes('2'), ttl: 60_000 },
  ]);
  return snapshot(m);
}

/** `good` with `bad` inserted first, in the middle or last. */
function place<T>(good: T[], bad: T, at: Position): T[] {
  return at === 'first'
    ? [bad, ...good]
    : at === 'last'
      ? [...good, bad]
      : [good[0]!, bad, ...good.slice(1)];
}

/** Valid setMany entries that would change the seeded store. */
function goodEntries(): Entry[] {
  return [
    { key: 'keep-1', value: bytes('changed') },
    { key: 'new-1', value: bytes('n1') },
    { key: 'new-2', value: bytes('n2'), ttl: 1000 },
  ];
}

/** Validate-all-first: one bad argument anywhere in a batch writes nothing. */
function registerValidation(h: Harness): void {
  for (const at of POSITIONS) {
    registerBadKey(h, at);
    registerBadValueOrTtl(h, at);
  }
  registerNotAnArray(h);
}

function registerBadKey(h: Harness, at: Position): void {
  it(`one bad key (${at}) rejects the whole setMany/getMany/deleteMany with ERR_STATE_INVALID_KEY and writes nothing`, async () => {
    const m = await h.open();
    const before = await seed(m);
    for (const [, bad] of BAD_KEYS) {
      const entries = place(goodEntries(), { key: bad as string, value: bytes('x') }, at);
      await expectRejects(() => m.setMany(entries), 'ERR_STATE_INVALID_KEY');
      await expectRejects(
        () => m.getMany(place(['keep-1', 'keep-2'], bad as string, at)),
        'ERR_STATE_INVALID_KEY',
      );
      await expectRejects(
        () => m.deleteMany(place(['keep-1', 'keep-2'], bad as string, at)),
        'ERR_STATE_INVALID_KEY',
      );
    }
    expect(await snapshot(m)).toEqual(before);
  });
}

function registerBadValueOrTtl(h: Harness, at: Position): void {
  it(`one bad value or ttl (${at}) rejects the whole setMany and writes nothing`, async () => {
    const m = await h.open();
    const before = await seed(m);
    const badValue = { key: 'bad', value: 'not bytes' as unknown as Uint8Array };
    await expectRejects(
      () => m.setMany(place(goodEntries(), badValue, at)),
      'ERR_STATE_INVALID_VALUE',
      'bad',
    );
    for (const ttl of [0, -5, 1.5, Number.NaN, '10']) {
      const badTtl = { key: 'bad', value: bytes('x'), ttl: ttl as number };
      await expectRejects(
        () => m.setMany(place(goodEntries(), badTtl, at)),
        'ERR_STATE_INVALID_TTL',
        'bad',
      );
    }
    const notObject = 'entry' as unknown as Entry;
    await expectRejects(
      () => m.setMany(place(goodEntries(), notObject, at)),
      ['ERR_STATE_INVALID_ARGUMENT', 'ERR_STATE_INVALID_KEY'],
    );
    expect(await snapshot(m)).toEqual(before);
  });
}

function registerNotAnArray(h: Harness): void {
  it('a batch argument that is not an array is ERR_STATE_INVALID_ARGUMENT and writes nothing', async () => {
    const m = await h.open();
    const before = await seed(m);
    for (const junk of ['keep-1', undefined, null, 5, { 0: 'keep-1', length: 1 }] as unknown[]) {
      await expectRejects(() => m.getMany(junk as string[]), 'ERR_STATE_INVALID_ARGUMENT');
      await expectRejects(() => m.deleteMany(junk as string[]), 'ERR_STATE_INVALID_ARGUMENT');
      await expectRejects(() => m.setMany(junk as Entry[]), 'ERR_STATE_INVALID_ARGUMENT');
    }
    expect(await snapshot(m)).toEqual(before);
  });
}

function registerAtomicity(h: Harness): void {
  const SIZE = 16;
  const keys = Array.from({ length: SIZE }, (_, i) => `batch-${i}`);
  const entries = (round: number): Entry[] =>
    keys.map((key) => ({ key, value: bytes(`round-${round}`) }));

  /** Reads `keys` in a loop on `reader` until `stop`; returns every torn read seen. */
  const watch = async (reader: StateManager, stop: () => boolean) => {
    const torn: string[] = [];
    let reads = 0;
    while (!stop() || reads === 0) {
      const got = (await reader.getMany(keys)).map(hex);
      reads++;
      // Reads interleave with the writer's promise chain; every few reads the loop also yields
      // to the event loop, so a writer waiting on I/O or a timer gets to run too.
      if (reads % 4 === 0) await yieldToEventLoop();
      if (new Set(got).size !== 1)
        torn.push(JSON.stringify(got.map((g) => (g ? Buffer.from(g, 'hex').toString() : g))));
    }
    return { torn, reads };
  };

  it('setMany is never seen half-done by a concurrent reader on another manager', {
    timeout: h.slowMs,
  }, async () => {
    const ns = h.namespace();
    const writer = await h.open(ns);
    const reader = await h.open(ns);
    await writer.setMany(entries(0));
    let done = false;
    const watching = watch(reader, () => done);
    for (let round = 1; round <= 150; round++) {
      await writer.setMany(entries(round));
      if (round % 3 === 0) await yieldToEventLoop();
    }
    done = true;
    const { torn, reads } = await watching;
    expect(reads).toBeGreaterThan(0);
    expect(torn.slice(0, 3), `${torn.length} torn reads of ${reads}`).toEqual([]);
  });

  it('deleteMany is never seen half-done by a concurrent reader on another manager', {
    timeout: h.slowMs,
  }, async () => {
    const ns = h.namespace();
    const writer = await h.open(ns);
    const reader = await h.open(ns);
    let done = false;
    const watching = watch(reader, () => done);
    for (let round = 1; round <= 75; round++) {
      await writer.setMany(entries(round));
      expect(await writer.deleteMany(keys)).toBe(SIZE);
      if (round % 3 === 0) await yieldToEventLoop();
    }
    done = true;
    const { torn, reads } = await watching;
    expect(torn.slice(0, 3), `${torn.length} torn reads of ${reads}`).toEqual([]);
  });
}

function registerDeclaredNonAtomic(h: Harness): void {
  it(`setMany/deleteMany are declared NOT all-or-nothing on ${h.name}: the target must say where this is documented`, () => {
    const note = h.target.capabilities?.batchAtomicityNote;
    expect(typeof note, 'capabilities.batchAtomicityNote must name the documentation').toBe(
      'string',
    );
    expect(note!.trim().length).toBeGreaterThan(10);
  });
}
