import { isStateError, type StateErrorCode } from '@pforge/state-core';
import { createMemoryState } from '@pforge/state-memory';
import { createRedisState } from '@pforge/state-redis';
import { startRedis } from '@pforge/test-redis';
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { createKeyvAdapter, resolveOptions } from '../src/index.js';
import { redisTargets } from './targets.js';

/** A Keyv on a fresh memory manager, and every `error` event it emits. */
async function watched(options: { throwOnErrors?: boolean } = {}) {
  const state = await createMemoryState();
  const keyv = new Keyv({ store: createKeyvAdapter(state), ...options });
  const errors: unknown[] = [];
  keyv.on('error', (e) => errors.push(e));
  return { state, keyv, errors };
}

const hasCode = (code: StateErrorCode) => (e: unknown) => isStateError(e, code);

describe('errors: exactly one Keyv `error` event per failure, StateError code intact', () => {
  it('after the manager closed: reads resolve empty or reject, writes resolve false', async () => {
    const { state, keyv, errors } = await watched();
    await state.close();
    const closed = hasCode('ERR_STATE_CLOSED');
    expect(await keyv.get('a')).toBeUndefined(); // Keyv drops a failed read: the event says why
    expect(await keyv.set('a', 1)).toBe(false);
    expect(await keyv.delete('a')).toBe(false);
    expect(await keyv.delete(['a', 'b'])).toBe(false);
    await keyv.clear();
    expect(await keyv.setMany([{ key: 'a', value: 1 }])).toEqual([false]);
    expect(errors).toHaveLength(6);
    expect(errors.every(closed)).toBe(true);
    errors.length = 0;
    await expect(keyv.get(['a'])).rejects.toSatisfy(closed);
    await expect(keyv.has('a')).rejects.toSatisfy(closed);
    await expect(keyv.iterator!(undefined).next()).rejects.toSatisfy(closed);
    expect(errors).toHaveLength(3);
    expect(errors.every(closed)).toBe(true);
  });

  it('with throwOnErrors, every call rejects with the StateError itself', async () => {
    const { state, keyv, errors } = await watched({ throwOnErrors: true });
    await state.close();
    for (const call of [
      () => keyv.get('a'),
      () => keyv.set('a', 1),
      () => keyv.delete('a'),
      () => keyv.clear(),
    ]) {
      await expect(call()).rejects.toSatisfy(hasCode('ERR_STATE_CLOSED'));
    }
    expect(errors).toHaveLength(4);
  });

  it('bad input keeps its code: key over 1024 bytes, fractional ttl, undefined and symbols', async () => {
    const { state, keyv, errors } = await watched();
    try {
      expect(await keyv.set('x'.repeat(2000), 1)).toBe(false);
      expect(await keyv.set('k', 1, 1.5)).toBe(false);
      expect(await keyv.get('x'.repeat(2000))).toBeUndefined();
      expect(errors.map((e) => (e as { code: string }).code)).toEqual([
        'ERR_STATE_INVALID_KEY',
        'ERR_STATE_INVALID_TTL',
        'ERR_STATE_INVALID_KEY',
      ]);
      const adapter = createKeyvAdapter(state);
      await expect(adapter.set('k', undefined)).rejects.toSatisfy(
        hasCode('ERR_STATE_INVALID_VALUE'),
      );
      await expect(adapter.set('k', Symbol('s'))).rejects.toSatisfy(
        hasCode('ERR_STATE_SERIALIZATION'),
      );
      expect(await state.exists('k')).toBe(false);
    } finally {
      await state.close();
    }
  });

  it('an adapter used without Keyv and without listeners only rejects (no unhandled `error`)', async () => {
    const state = await createMemoryState();
    await state.close();
    await expect(createKeyvAdapter(state).get('a')).rejects.toSatisfy(hasCode('ERR_STATE_CLOSED'));
  });
});

describe.skipIf(redisTargets().length === 0)('errors: Redis down', () => {
  it('reports ERR_STATE_UNAVAILABLE within the command timeout', async () => {
    const server = await startRedis();
    const state = await createRedisState({ url: server.url, commandTimeoutMs: 1_000 });
    try {
      const keyv = new Keyv({ store: createKeyvAdapter(state) });
      const errors: unknown[] = [];
      keyv.on('error', (e) => errors.push(e));
      await keyv.set('a', 'before');
      await server.stop();
      const started = Date.now();
      expect(await keyv.get('a')).toBeUndefined();
      expect(await keyv.set('a', 'during')).toBe(false);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(errors).toHaveLength(2);
      expect(errors.every(hasCode('ERR_STATE_UNAVAILABLE'))).toBe(true);
    } finally {
      await state.close();
      await server.stop();
    }
  });
});

describe('options, arguments and disconnect', () => {
  const thrown = (fn: () => unknown): { code?: string; message?: string; issues?: unknown[] } => {
    try {
      fn();
    } catch (err) {
      return err as { code: string; message: string; issues: unknown[] };
    }
    return {};
  };

  it('resolves the defaults and reports every bad option at once, with a hint for typos', () => {
    expect(resolveOptions()).toEqual({ closeOnDisconnect: false, iterationBatchSize: 100 });
    const typo = thrown(() => resolveOptions({ closeOnDisconect: true }));
    expect(typo.code).toBe('ERR_STATE_CONFIG');
    expect(typo.message).toContain('did you mean `closeOnDisconnect`');
    const bad = thrown(() => resolveOptions({ closeOnDisconnect: 'yes', iterationBatchSize: 0 }));
    expect(bad.code).toBe('ERR_STATE_CONFIG');
    expect(bad.issues).toHaveLength(2);
    expect(thrown(() => resolveOptions(null)).code).toBe('ERR_STATE_CONFIG');
  });

  it('refuses something that is not a StateManager, naming the missing method', () => {
    const err = thrown(() => createKeyvAdapter({ get: () => undefined } as never));
    expect(err.code).toBe('ERR_STATE_INVALID_ARGUMENT');
    expect(err.message).toContain('`set()`');
    expect(thrown(() => createKeyvAdapter(undefined as never)).code).toBe(
      'ERR_STATE_INVALID_ARGUMENT',
    );
  });

  it('leaves the manager open on disconnect() unless closeOnDisconnect is set', async () => {
    const state = await createMemoryState();
    const keyv = new Keyv({ store: createKeyvAdapter(state) });
    await keyv.set('a', 1);
    await keyv.disconnect();
    expect(await state.exists('keyv:a')).toBe(true);
    const owning = new Keyv({ store: createKeyvAdapter(state, { closeOnDisconnect: true }) });
    await owning.disconnect();
    await expect(state.get('keyv:a')).rejects.toSatisfy(hasCode('ERR_STATE_CLOSED'));
  });
});
