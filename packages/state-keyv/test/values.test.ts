import { isStateError } from '@pforge/state-core';
import { createMemoryState } from '@pforge/state-memory';
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { createKeyvAdapter, decodeValue, encodeValue } from '../src/index.js';
import { allTargets, forEachTarget } from './targets.js';

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('value encoding', () => {
  it('stores a string as its plain UTF-8', () => {
    expect(encodeValue('k', 'héllo {"x":1}')).toEqual(new TextEncoder().encode('héllo {"x":1}'));
    expect(encodeValue('k', '')).toEqual(new Uint8Array(0));
    expect(decodeValue('k', new Uint8Array(0))).toBe('');
  });

  it('tags bytes, lone-surrogate strings and other values behind 0xFF, which UTF-8 never holds', () => {
    expect([...encodeValue('k', new Uint8Array([1, 2])).subarray(0, 2)]).toEqual([0xff, 0x62]);
    expect([...encodeValue('k', 'a\ud800').subarray(0, 2)]).toEqual([0xff, 0x75]);
    expect([...encodeValue('k', { a: 1 }).subarray(0, 2)]).toEqual([0xff, 0x6a]);
  });

  it('round-trips bytes, strings and JSON values, each exactly', () => {
    const back = decodeValue('k', encodeValue('k', allBytes));
    expect(Buffer.isBuffer(back)).toBe(true);
    expect(back).toEqual(allBytes);
    for (const s of ['a\ud800b', '\udfff', '𝄞 ok', '\u0000']) {
      expect(decodeValue('k', encodeValue('k', s))).toBe(s);
    }
    const value = { at: new Date(5), big: 2n ** 70n, m: new Map([[1, new Set(['x'])]]), n: null };
    expect(decodeValue('k', encodeValue('k', value))).toEqual(value);
    for (const v of [0, false, null, [1, 'a'], -0])
      expect(decodeValue('k', encodeValue('k', v))).toEqual(v);
  });

  it('returns a Buffer on memory of its own, not a view of the stored bytes', () => {
    const stored = encodeValue('k', new Uint8Array([7, 8]));
    const back = decodeValue('k', stored) as Buffer;
    back[0] = 0;
    expect(stored[2]).toBe(7);
    expect(back.buffer.byteLength).toBe(2);
  });

  it('rejects what it cannot store or read with a StateError naming the key', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(isStateError(err)).toBe(true);
        expect((err as Error).message).toContain('"the-key"');
        return (err as { code: string }).code;
      }
      return 'no error';
    };
    expect(code(() => encodeValue('the-key', undefined))).toBe('ERR_STATE_INVALID_VALUE');
    expect(code(() => encodeValue('the-key', () => 1))).toBe('ERR_STATE_SERIALIZATION');
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    expect(code(() => encodeValue('the-key', cyclic))).toBe('ERR_STATE_SERIALIZATION');
    expect(code(() => decodeValue('the-key', new Uint8Array([0xc3])))).toBe(
      'ERR_STATE_SERIALIZATION',
    );
    expect(code(() => decodeValue('the-key', new Uint8Array([0xff, 0x21])))).toBe(
      'ERR_STATE_SERIALIZATION',
    );
    expect(code(() => decodeValue('the-key', new Uint8Array([0xff, 0x75, 1])))).toBe(
      'ERR_STATE_SERIALIZATION',
    );
    expect(code(() => decodeValue('the-key', new Uint8Array([0xff, 0x6a, 0x7b])))).toBe(
      'ERR_STATE_SERIALIZATION',
    );
  });
});

forEachTarget(allTargets(), (h) => {
  it('round-trips every byte value, and values Keyv hands over unserialized', async () => {
    const state = await h.open();
    const adapter = createKeyvAdapter(state);
    await adapter.set('bytes', allBytes);
    expect(await adapter.get('bytes')).toEqual(allBytes);
    // Keyv without a serializer hands the store its { value, expires } envelope as an object.
    const keyv = new Keyv({
      store: createKeyvAdapter(state),
      serialize: undefined,
      deserialize: undefined,
    });
    const value = { when: new Date(1_000), tags: new Set(['a']), blob: new Uint8Array([0, 255]) };
    await keyv.set('obj', value, 60_000);
    expect(await keyv.get('obj')).toEqual(value);
    expect(await state.ttl('keyv:obj')).toBeGreaterThan(30_000);
  });

  it('runs Keyv compression through the adapter', async () => {
    const { gzipSync, gunzipSync } = await import('node:zlib');
    const compression = {
      compress: async (v: unknown) => gzipSync(JSON.stringify(v)).toString('base64'),
      decompress: async (v: string) => JSON.parse(gunzipSync(Buffer.from(v, 'base64')).toString()),
      serialize: JSON.stringify,
      deserialize: JSON.parse,
    };
    const keyv = new Keyv({ store: createKeyvAdapter(await h.open()), compression });
    await keyv.set('z', { long: 'x'.repeat(10_000) });
    expect(await keyv.get('z')).toEqual({ long: 'x'.repeat(10_000) });
  });
});

it('a foreign value that is not UTF-8 reaches Keyv as an error event, not a crash', async () => {
  const state = await createMemoryState();
  try {
    await state.set('keyv:bin', new Uint8Array([0x80, 0x81]));
    const keyv = new Keyv({ store: createKeyvAdapter(state) });
    const errors: unknown[] = [];
    keyv.on('error', (e) => errors.push(e));
    expect(await keyv.get('bin')).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(isStateError(errors[0], 'ERR_STATE_SERIALIZATION')).toBe(true);
  } finally {
    await state.close();
  }
});
