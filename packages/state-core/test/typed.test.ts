import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bytesCodec, jsonCodec, textCodec, typed } from '../src/index.js';
import { createMapState } from './map-driver.js';

describe('typed views', () => {
  it('get/set/delete values through a codec under a prefix', async () => {
    const state = createMapState();
    const notes = typed(state, textCodec, { prefix: 'note:' });
    expect(await notes.get('a')).toBeUndefined();
    await notes.set('a', 'héllo 😀');
    expect(await notes.get('a')).toBe('héllo 😀');
    expect(await state.get('note:a')).toEqual(new TextEncoder().encode('héllo 😀'));
    expect(await notes.delete('a')).toBe(true);
    expect(await notes.delete('a')).toBe(false);
    expect(await notes.get('a')).toBeUndefined();
  });

  it('keeps rich JSON values', async () => {
    const state = createMapState();
    const v = typed<{ at: Date; tags: Set<string>; n: bigint }>(state, jsonCodec, { prefix: 'j:' });
    const value = { at: new Date(1_700_000_000_000), tags: new Set(['a', 'b']), n: 2n ** 70n };
    await v.set('x', value);
    expect(await v.get('x')).toStrictEqual(value);
  });

  it('passes ttl to the store', async () => {
    const state = createMapState();
    const blobs = typed(state, bytesCodec, { prefix: 'b:' });
    await blobs.set('x', new Uint8Array([1]), { ttl: 30 });
    expect(await state.ttl('b:x')).toBeGreaterThan(0);
    await sleep(80);
    expect(await blobs.get('x')).toBeUndefined();
    await blobs.update('y', () => new Uint8Array([2]), { ttl: 60_000 });
    expect(await state.ttl('b:y')).toBeGreaterThan(30_000);
  });

  it('checks values against a Standard Schema on read, naming the key', async () => {
    const state = createMapState();
    const schema = z.object({ name: z.string(), age: z.number().int() });
    const users = typed(state, jsonCodec, { prefix: 'user:', schema });
    await users.set('1', { name: 'Ada', age: 36 });
    expect(await users.get('1')).toEqual({ name: 'Ada', age: 36 });
    await state.set('user:2', jsonCodec.encode({ name: 'Bob', age: 'secret-ish' }));
    const err = await users.get('2').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_STATE_SERIALIZATION', name: 'StateError' });
    expect((err as Error).message).toContain('"user:2"');
    expect((err as Error).message).toContain('age');
    expect((err as Error).message).not.toContain('secret-ish');
  });

  it('a schema may transform the value', async () => {
    const state = createMapState();
    const schema = z.object({ n: z.number() }).transform((o) => o.n * 2);
    const doubled = typed(state, jsonCodec, { prefix: '', schema });
    await state.set('k', jsonCodec.encode({ n: 21 }));
    expect(await doubled.get('k')).toBe(42);
  });

  it('a decode failure is ERR_STATE_SERIALIZATION naming the key', async () => {
    const state = createMapState();
    await state.set('j:bad', new TextEncoder().encode('{not json'));
    const view = typed(state, jsonCodec, { prefix: 'j:' });
    await expect(view.get('bad')).rejects.toMatchObject({
      code: 'ERR_STATE_SERIALIZATION',
      message: expect.stringContaining('"j:bad"'),
    });
    await expect(view.update('bad', () => 1)).rejects.toMatchObject({
      code: 'ERR_STATE_SERIALIZATION',
    });
  });

  it('an encode failure is ERR_STATE_SERIALIZATION naming the key, and writes nothing', async () => {
    const state = createMapState();
    const view = typed(state, jsonCodec, { prefix: 'j:' });
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    await expect(view.set('c', cyclic)).rejects.toMatchObject({
      code: 'ERR_STATE_SERIALIZATION',
      message: expect.stringMatching(/"j:c".*cycle/),
    });
    await expect(view.set('f', () => 1)).rejects.toMatchObject({ code: 'ERR_STATE_SERIALIZATION' });
    expect(await state.exists('j:c')).toBe(false);
  });

  it('rejects bad keys and options', async () => {
    const state = createMapState();
    const view = typed(state, textCodec, { prefix: 'p:' });
    await expect(view.get('')).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_KEY' });
    await expect(view.set(1 as unknown as string, 'x')).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_KEY',
    });
    await expect(view.set('a', 'x', { ttl: 0 })).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_TTL',
    });
    expect(() => typed(state, textCodec, { prefix: 1 as unknown as string })).toThrow(/prefix/);
    expect(() => typed(state, textCodec, { prefix: '\uD800' })).toThrow(/prefix/);
    const tooLong = typed(state, textCodec, { prefix: 'p'.repeat(1000) });
    await expect(tooLong.set('q'.repeat(100), 'x')).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_KEY',
    });
  });

  it('update: absent is undefined, undefined deletes, resolves the value written', async () => {
    const state = createMapState();
    const view = typed<number>(state, jsonCodec, { prefix: 'n:' });
    expect(await view.update('a', (cur) => (cur ?? 0) + 1)).toBe(1);
    expect(await view.update('a', (cur) => (cur ?? 0) + 1)).toBe(2);
    expect(await view.update('a', async () => undefined)).toBeUndefined();
    expect(await state.exists('n:a')).toBe(false);
    expect(await view.update('absent', () => undefined)).toBeUndefined();
  });

  it('update: concurrent updates from several managers on one store never lose one', async () => {
    const store = new Map();
    const managers = [
      createMapState('ns', store),
      createMapState('ns', store),
      createMapState('ns', store),
    ];
    const views = managers.map((m) =>
      typed<{ n: number; seen: string[] }>(m, jsonCodec, { prefix: 'c:' }),
    );
    const writers = 60;
    await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        views[i % views.length]!.update('x', (cur) => ({
          n: (cur?.n ?? 0) + 1,
          seen: [...(cur?.seen ?? []), `w${i}`],
        })),
      ),
    );
    const final = await views[0]!.get('x');
    expect(final?.n).toBe(writers);
    expect(new Set(final?.seen).size).toBe(writers);
  });

  it('update: a throwing function rejects and writes nothing', async () => {
    const state = createMapState();
    const view = typed<number>(state, jsonCodec, { prefix: '' });
    await view.set('k', 1);
    await expect(
      view.update('k', () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await view.get('k')).toBe(1);
  });
});
