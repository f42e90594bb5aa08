import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inspectState, isStateError, stateInfo } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import { createMemoryState, createMemoryStore } from '../src/index.js';
import { rand, text } from './helpers.js';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Runs `body` in a fresh Node process that imports the built package; resolves its exit. */
function runChild(
  body: string,
  timeoutMs = 20_000,
): Promise<{ code: number | null; killed: boolean; ms: number }> {
  const script = `import { createMemoryState, createMemoryStore } from ${JSON.stringify(dist)};\n${body}`;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: 'inherit',
    });
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, killed, ms: Date.now() - started });
    });
  });
}

describe('lifecycle', () => {
  it('a process that opens a manager and never closes it still exits by itself', async () => {
    const r = await runChild(`
      const store = createMemoryStore({ sweepIntervalMs: 60000 });
      const state = createMemoryState({ store, maxEntries: 10 });
      await state.set('a', new Uint8Array([1]), { ttl: 3600000 });
      const own = createMemoryState();
      await own.set('b', new Uint8Array([2]), { ttl: 3600000 });
    `);
    expect(r.killed).toBe(false);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(15_000);
  });

  it('a process that closes its managers exits too', async () => {
    const r = await runChild(`
      const state = createMemoryState({ sweepIntervalMs: 60000 });
      await state.set('a', new Uint8Array([1]), { ttl: 3600000 });
      await state.close();
      await state.close();
      const scoped = createMemoryState();
      await scoped.set('b', new Uint8Array([2]));
      await scoped[Symbol.asyncDispose]();
    `);
    expect(r.killed).toBe(false);
    expect(r.code).toBe(0);
  });

  it('close is idempotent and every later call rejects with ERR_STATE_CLOSED', async () => {
    const state = createMemoryState();
    await state.set('k', text('v'));
    await state.close();
    await state.close();
    const calls: (() => Promise<unknown>)[] = [
      () => state.get('k'),
      () => state.set('k', text('v')),
      () => state.getMany(['k']),
      () => state.setMany([]),
      () => state.deleteMany(['k']),
      () => state.increment('n'),
      () => state.compareAndSwap('k', undefined, text('v')),
      () => state.ttl('k'),
      () => state.expire('k', null),
      () => state.clear(),
      () => state.keys()[Symbol.asyncIterator]().next(),
    ];
    for (const call of calls) {
      const p = call();
      expect(p).toBeInstanceOf(Promise);
      await expect(p).rejects.toSatisfy((e: unknown) => isStateError(e, 'ERR_STATE_CLOSED'));
    }
  });

  it('await using closes the manager at the end of the scope', async () => {
    let escaped: ReturnType<typeof createMemoryState> | undefined;
    {
      await using state = createMemoryState();
      escaped = state;
      await state.set('k', text('v'));
    }
    await expect(escaped.get('k')).rejects.toSatisfy((e: unknown) =>
      isStateError(e, 'ERR_STATE_CLOSED'),
    );
  });

  it('a shared store keeps its data when a manager closes; a private store drops it', async () => {
    const store = createMemoryStore();
    const namespace = rand('ns');
    const a = createMemoryState({ store, namespace });
    await a.set('k', text('v'));
    await a.close();
    expect(store.size).toBe(1);
    await using b = createMemoryState({ store, namespace });
    expect(await b.get('k')).toEqual(text('v'));
  });

  it('bad input never throws synchronously', async () => {
    await using state = createMemoryState();
    const bad: unknown[] = [undefined, null, 1, Symbol('s'), {}, '', 'a\uD800', 'x'.repeat(1025)];
    for (const key of bad) {
      const k = key as string;
      const calls = [
        () => state.get(k),
        () => state.set(k, text('v')),
        () => state.set('ok', k as never),
        () => state.set('ok', text('v'), { ttl: k as never }),
        () => state.delete(k),
        () => state.exists(k),
        () => state.getMany([k]),
        () => state.setMany([{ key: k, value: text('v') }]),
        () => state.deleteMany([k]),
        () => state.increment(k),
        () => state.increment('ok', k as never),
        () => state.compareAndSwap(k, undefined, undefined),
        () => state.ttl(k),
        () => state.expire(k, 5),
        () => state.clear({ prefix: k as never }),
      ];
      for (const call of calls) {
        let p: Promise<unknown> | undefined;
        expect(() => {
          p = call();
        }).not.toThrow();
        await p?.catch(() => undefined);
      }
    }
  });

  it('an argument whose getters throw is rejected with a StateError, and nothing is written', async () => {
    await using state = createMemoryState();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile getter');
        },
      },
    ) as never;
    const calls = [
      () => state.set('k', text('v'), hostile),
      () => state.setMany([{ key: 'k', value: text('v') }, hostile]),
      () => state.increment('k', 1, hostile),
      () => state.compareAndSwap('k', undefined, text('v'), hostile),
      () => state.clear(hostile),
      () => state.keys(hostile)[Symbol.asyncIterator]().next(),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toSatisfy((e: unknown) => isStateError(e, 'ERR_STATE_BACKEND'));
    }
    expect(await state.exists('k')).toBe(false);
  });

  it('says it is memory, settles every call locally, and reports its figures', async () => {
    const namespace = rand('ns');
    await using state = createMemoryState({ namespace, maxEntries: 10 });
    await state.set('a', text('1'), { ttl: 60_000 });
    await state.set('b', text('2'));
    expect(stateInfo(state)).toEqual({
      backend: 'memory',
      source: '@pforge/state-memory',
      namespace,
      settlesLocally: true,
    });
    const { details } = await inspectState(state);
    expect(details).toEqual({ keys: 2, expiring: 1, max_entries: 10 });
  });
});
