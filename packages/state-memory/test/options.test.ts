import { isStateError } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import {
  createMemoryState,
  createMemoryStore,
  isMemoryStore,
  memoryBackend,
  memoryOptions,
  resolveOptions,
} from '../src/index.js';
import { text } from './helpers.js';

function configError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    expect(isStateError(err, 'ERR_STATE_CONFIG')).toBe(true);
    return err as Error;
  }
  throw new Error('expected ERR_STATE_CONFIG');
}

describe('resolveOptions (YAML state: block)', () => {
  it('maps snake_case to the code options', () => {
    expect(resolveOptions({ namespace: 'app', cache_size: 10, sweep_interval_ms: 250 })).toEqual({
      namespace: 'app',
      maxEntries: 10,
      sweepIntervalMs: 250,
    });
    // Defaults applied: the same object `memoryOptions.parse` gives for the code options.
    expect(resolveOptions({})).toEqual({ namespace: 'pforge' });
    expect(resolveOptions(undefined)).toEqual(memoryOptions.parse({}));
  });

  it('reports every problem at once with its dot-path', () => {
    const err = configError(() =>
      resolveOptions({ cache_size: 0, sweep_interval_ms: 1.5, namespace: '' }),
    );
    expect(err.message).toContain('@pforge/state-memory');
    expect(err.message).toContain('`state.cache_size`');
    expect(err.message).toContain('`state.sweep_interval_ms`');
    expect(err.message).toContain('`state.namespace`');
  });

  it('names a likely typo', () => {
    const err = configError(() => resolveOptions({ cache_sise: 5 }));
    expect(err.message).toContain('`state.cache_sise`');
    expect(err.message).toContain('did you mean `cache_size`');
  });

  it('rejects wrong types and a non-object', () => {
    expect(configError(() => resolveOptions({ cache_size: '10' })).message).toContain('cache_size');
    configError(() => resolveOptions('memory'));
    configError(() => resolveOptions({ sweep_interval_ms: 2 ** 31 }));
  });

  it('memoryBackend uses the same rules and opens a working manager', async () => {
    expect(memoryBackend.name).toBe('memory');
    expect(memoryBackend.source).toBe('@pforge/state-memory');
    expect(memoryBackend.resolveOptions({ cache_size: 2 })).toEqual({
      namespace: 'pforge',
      maxEntries: 2,
    });
    configError(() => memoryBackend.resolveOptions({ cache_size: -1 }));
    await using state = await memoryBackend.create(memoryBackend.resolveOptions({ cache_size: 2 }));
    for (const k of ['a', 'b', 'c']) await state.set(k, text(k));
    expect(await state.exists('a')).toBe(false);
  });
});

describe('createMemoryState / createMemoryStore options', () => {
  it('rejects bad values naming the option', () => {
    expect(configError(() => createMemoryState({ maxEntries: -1 })).message).toContain(
      '`options.maxEntries`',
    );
    expect(configError(() => createMemoryState({ sweepIntervalMs: 0 })).message).toContain(
      '`options.sweepIntervalMs`',
    );
    expect(configError(() => createMemoryState({ namespace: 'a\uD800' })).message).toContain(
      '`options.namespace`',
    );
    expect(configError(() => createMemoryState({ store: {} as never })).message).toContain(
      '`options.store`',
    );
    expect(configError(() => createMemoryState({ maxEntris: 3 } as never)).message).toContain(
      'did you mean `maxEntries`',
    );
    expect(configError(() => createMemoryStore({ sweepIntervalMs: -5 })).message).toContain(
      'sweepIntervalMs',
    );
  });

  it('sweepIntervalMs belongs to the store when one is shared', () => {
    const store = createMemoryStore({ sweepIntervalMs: 50 });
    expect(store.sweepIntervalMs).toBe(50);
    const err = configError(() => createMemoryState({ store, sweepIntervalMs: 10 }));
    expect(err.message).toContain('createMemoryStore');
  });

  it('defaults: namespace pforge, sweep every second, no limit', async () => {
    expect(createMemoryStore().sweepIntervalMs).toBe(1000);
    const store = createMemoryStore();
    expect(isMemoryStore(store)).toBe(true);
    expect(isMemoryStore({})).toBe(false);
    await using a = createMemoryState({ store });
    await using b = createMemoryState({ store, namespace: 'pforge' });
    await a.set('shared', text('x'));
    expect(await b.get('shared')).toEqual(text('x'));
    for (let i = 0; i < 5000; i++) await a.set(`k${i}`, text('v'));
    expect(store.size).toBe(5001);
  });

  it('`store` is code only: in YAML it says so', () => {
    const err = configError(() => resolveOptions({ store: 'x' }));
    expect(err.message).toContain('`state.store`');
    expect(err.message).toContain('only be given in code');
  });

  it('code and YAML give the same resolved options', () => {
    expect(resolveOptions({ cache_size: 5, sweep_interval_ms: 20, namespace: 'n' })).toEqual(
      memoryOptions.parse({ maxEntries: 5, sweepIntervalMs: 20, namespace: 'n' }),
    );
  });
});
