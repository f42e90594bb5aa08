import { afterAll, describe, expect, it } from 'vitest';
import { acquireEnvironment, releaseEnvironment } from '../src/environment.js';
import { createLmdbState, type LmdbState } from '../src/index.js';
import { lmdbOptions } from '../src/options.js';
import type { Environment } from '../src/store.js';
import { removeTempDirs, tempDir } from './helpers.js';

afterAll(removeTempDirs);

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (v: Uint8Array | undefined) =>
  v === undefined ? undefined : new TextDecoder().decode(v);

/** A manager, and a counter of the LMDB transactions committed on its directory. */
async function open(
  label: string,
): Promise<{ state: LmdbState; env: Environment; commits: () => number }> {
  const state = await createLmdbState({ path: tempDir(label), sweepIntervalMs: 0 });
  // Joins the manager's environment (one per path per process), to read LMDB's txn id.
  const env: Environment = acquireEnvironment(lmdbOptions.parse({ path: state.path }));
  const txnId = () => (env.root.getStats() as { lastTxnId: number }).lastTxnId;
  const start = txnId();
  const close = state.close;
  Object.assign(state, {
    close: async () => {
      await close();
      await releaseEnvironment(env);
    },
  });
  return { state, env, commits: () => txnId() - start };
}

describe('group commit', () => {
  it('calls issued together share one commit, each with its own result in issue order', async () => {
    const { state, commits } = await open('group');
    try {
      const incs = Array.from({ length: 64 }, () => state.increment('one'));
      const sets = Array.from({ length: 64 }, (_, i) => state.set(`k${i}`, bytes(`v${i}`)));
      const swaps = [
        state.compareAndSwap('k0', bytes('v0'), bytes('swapped')),
        state.compareAndSwap('k1', bytes('nope'), bytes('x')),
      ];
      expect(await Promise.all(incs)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
      await Promise.all(sets);
      expect(await Promise.all(swaps)).toEqual([true, false]);
      expect(commits()).toBe(1);
      expect(text(await state.get('k0'))).toBe('swapped');
      expect(text(await state.get('k63'))).toBe('v63');
    } finally {
      await state.close();
    }
  });

  it('a queue of 4,096 calls is committed at once, the rest in the next group', async () => {
    const { state, commits } = await open('bound');
    try {
      const all = Array.from({ length: 5000 }, () => state.increment('n'));
      expect(commits()).toBe(1); // the first 4,096, synchronously
      expect((await Promise.all(all)).at(-1)).toBe(5000);
      expect(commits()).toBe(2);
    } finally {
      await state.close();
    }
  });

  it('awaited calls commit one by one (one commit each), and reads commit nothing', async () => {
    const { state, commits } = await open('awaited');
    try {
      for (let i = 0; i < 5; i++) await state.increment('n');
      await state.set('a', bytes('1'));
      expect(commits()).toBe(6);
      await state.get('a');
      await state.getMany(['a', 'n']);
      await state.exists('a');
      await state.ttl('a');
      expect(commits()).toBe(6);
    } finally {
      await state.close();
    }
  });

  it('a failing operation rejects alone: its neighbours in the group commit', async () => {
    const { state, commits } = await open('isolated');
    try {
      await state.set('text', bytes('hello'), { ttl: 60_000 });
      await state.set('big', bytes(String(Number.MAX_SAFE_INTEGER)));
      const before = commits();
      const results = await Promise.allSettled([
        state.set('a', bytes('A')),
        state.increment('text'),
        state.increment('c', 2),
        state.increment('big'),
        state.set('b', bytes('B')),
        state.increment('c', 3),
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason.code))).toEqual([
        undefined,
        'ERR_STATE_NOT_A_COUNTER',
        2,
        'ERR_STATE_OUT_OF_RANGE',
        undefined,
        5,
      ]);
      expect(commits() - before).toBe(1);
      expect((await state.getMany(['a', 'b', 'c', 'text', 'big'])).map(text)).toEqual([
        'A',
        'B',
        '5',
        'hello',
        String(Number.MAX_SAFE_INTEGER),
      ]);
      expect(await state.ttl('text')).toBeGreaterThan(50_000);
    } finally {
      await state.close();
    }
  });
});

describe('a group that LMDB aborts', () => {
  it('is re-run one operation at a time, so only the failing one rejects', async () => {
    const { state, env, commits } = await open('abort');
    try {
      // A body that writes and then fails as the engine would (not a StateError): the whole
      // group's transaction aborts, the write with it.
      const broken = env.queue.run(() => {
        env.records.put('pforge:half', Buffer.from([0, 1]));
        throw new TypeError('engine failure');
      });
      const results = await Promise.allSettled([
        state.set('a', bytes('A')),
        broken,
        state.increment('n'),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
      expect(commits()).toBe(2);
      expect(await state.get('half')).toBeUndefined();
      expect((await state.getMany(['a', 'n'])).map(text)).toEqual(['A', '1']);
    } finally {
      await state.close();
    }
  });
});

describe('issue order', () => {
  it('set then increment, not awaited, gives 101; set then delete removes the key', async () => {
    const { state } = await open('order');
    try {
      expect(await Promise.all([state.set('c', bytes('100')), state.increment('c')])).toEqual([
        undefined,
        101,
      ]);
      expect(await Promise.all([state.set('d', bytes('x')), state.delete('d')])).toEqual([
        undefined,
        true,
      ]);
      expect(await state.exists('d')).toBe(false);
      void state.set('m', bytes('old'));
      await state.setMany([{ key: 'm', value: bytes('new') }]);
      expect(text(await state.get('m'))).toBe('new');
    } finally {
      await state.close();
    }
  });

  it('a read issued after a queued write sees it: get, getMany, exists, ttl, keys', async () => {
    const { state } = await open('reads');
    try {
      void state.set('r', bytes('v1'));
      const got = state.get('r');
      void state.set('r', bytes('v2'), { ttl: 60_000 });
      const [many, exists, ttl] = [state.getMany(['r']), state.exists('r'), state.ttl('r')];
      void state.delete('gone');
      void state.set('k', bytes('k'));
      const keys: string[] = [];
      for await (const k of state.keys()) keys.push(k);
      expect(text(await got)).toBe('v1');
      expect((await many).map(text)).toEqual(['v2']);
      expect(await exists).toBe(true);
      expect(await ttl).toBeGreaterThan(50_000);
      expect(keys.sort()).toEqual(['k', 'r']);
    } finally {
      await state.close();
    }
  });

  it('a queued read keeps its own copy of the keys array and a queued write of the value', async () => {
    const { state } = await open('snapshot');
    try {
      void state.set('a', bytes('A'));
      const keys = ['a', 'b'];
      const value = bytes('B');
      const [got] = [state.getMany(keys), state.set('b', value)];
      keys[0] = 'zzz';
      value.fill(0);
      expect((await got).map(text)).toEqual(['A', undefined]);
      expect(text(await state.get('b'))).toBe('B');
    } finally {
      await state.close();
    }
  });

  it('a read on another manager of the same directory also waits for queued writes', async () => {
    const { state } = await open('shared');
    const other = await createLmdbState({ path: state.path, namespace: 'pforge' });
    try {
      void state.set('x', bytes('queued'));
      expect(text(await other.get('x'))).toBe('queued');
    } finally {
      await other.close();
      await state.close();
    }
  });

  it('close() lets calls issued before it settle', async () => {
    const path = tempDir('close');
    const state = await createLmdbState({ path, sweepIntervalMs: 0 });
    const pending = [state.set('a', bytes('1')), state.increment('n', 7)];
    await state.close();
    expect(await Promise.all(pending)).toEqual([undefined, 7]);
    await using again = await createLmdbState({ path, sweepIntervalMs: 0 });
    expect(text(await again.get('n'))).toBe('7');
  });
});
