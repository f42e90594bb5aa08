import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createManager, type StoredEntry, type StoreOperations } from '../src/backend.js';
import { type StateTraceContext, stateInfo, stateTracingChannel } from '../src/index.js';
import { createMapOperations, createMapState } from './map-driver.js';

const b = (s: string) => new TextEncoder().encode(s);

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out.sort();
}

const open = (
  operations: StoreOperations,
  extra: Partial<Parameters<typeof createManager>[0]> = {},
) => createManager({ source: '@acme/t', backend: 't', namespace: 'n', operations, ...extra });

describe('createManager: derived operations from the five primitives', () => {
  it('derives exists, getMany, ttl and expire', async () => {
    const s = createMapState();
    await s.set('a', b('1'));
    await s.set('t', b('2'), { ttl: 60_000 });
    expect(await s.exists('a')).toBe(true);
    expect(await s.exists('zz')).toBe(false);
    expect(await s.getMany(['a', 'zz', 't'])).toEqual([b('1'), undefined, b('2')]);
    expect(await s.ttl('a')).toBeNull();
    expect(await s.ttl('zz')).toBeUndefined();
    const left = await s.ttl('t');
    expect(left).toBeGreaterThan(50_000);
    expect(left).toBeLessThanOrEqual(60_000);
    expect(await s.expire('a', 60_000)).toBe(true);
    expect(await s.ttl('a')).toBeGreaterThan(0);
    expect(await s.expire('a', null)).toBe(true);
    expect(await s.ttl('a')).toBeNull();
    expect(await s.expire('zz', 10)).toBe(false);
    await s.set('t', b('3'));
    expect(await s.ttl('t')).toBeNull(); // set without ttl clears the expiry
  });

  it('an expired key is absent for every operation at once', async () => {
    const s = createMapState();
    await s.set('x', b('1'), { ttl: 20 });
    await sleep(60);
    expect(await s.get('x')).toBeUndefined();
    expect(await s.exists('x')).toBe(false);
    expect(await s.ttl('x')).toBeUndefined();
    expect(await s.delete('x')).toBe(false);
    expect(await collect(s.keys())).toEqual([]);
    expect(await s.compareAndSwap('x', undefined, b('n'))).toBe(true);
  });

  it('never aliases values in or out; returned values own their whole buffer', async () => {
    const s = createMapState();
    const v = b('abc');
    await s.set('k', v);
    v[0] = 0;
    const out = (await s.get('k'))!;
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(3);
    out[1] = 0;
    expect(await s.get('k')).toEqual(b('abc'));
  });

  it('an expire issued with an increment is never lost (whole-entry compare)', async () => {
    for (let round = 0; round < 20; round++) {
      const s = createMapState();
      await s.set('c', b('5'), { ttl: 60_000 });
      const [, n] = await Promise.all([s.expire('c', null), s.increment('c')]);
      expect(n).toBe(6);
      expect(await s.ttl('c')).toBeNull();
      // And from two managers on one store, where nothing orders them.
      const store = new Map<string, StoredEntry>();
      const one = createMapState('n', store);
      const two = createMapState('n', store);
      await one.set('c', b('5'), { ttl: 60_000 });
      await Promise.all([one.expire('c', null), two.increment('c'), two.increment('c')]);
      expect(await one.ttl('c')).toBeNull();
      expect(await one.get('c')).toEqual(b('7'));
    }
  });

  it('uses the native operations it is given instead of deriving them', async () => {
    const calls: string[] = [];
    const base = createMapOperations();
    const s = open({
      ...base,
      setMany: async (entries) => {
        calls.push(`setMany:${entries.length}`);
      },
      getMany: (keys) => {
        calls.push(`getMany:${keys.length}`);
        return keys.map(() => undefined);
      },
      increment: (_k, delta) => {
        calls.push('increment');
        return delta;
      },
    });
    await s.setMany([{ key: 'a', value: b('1') }]);
    expect(await s.getMany(['a', 'b'])).toEqual([undefined, undefined]);
    expect(await s.increment('n', 3)).toBe(3);
    expect(calls).toEqual(['setMany:1', 'getMany:2', 'increment']);
  });

  it('names every operation it can neither find nor derive', () => {
    expect(() => open({ get: () => undefined })).toThrow(
      expect.objectContaining({
        code: 'ERR_STATE_INVALID_ARGUMENT',
        message: expect.stringMatching(/lack: set \(or write\).*increment \(or read \+ swap\)/),
      }),
    );
  });
});

describe('createManager: what the base owns', () => {
  it('validates every argument before calling any operation', async () => {
    const called: string[] = [];
    const ops = createMapOperations();
    const spy = Object.fromEntries(
      Object.entries(ops).map(([k, f]) => [
        k,
        (...a: unknown[]) => {
          called.push(k);
          return (f as (...x: unknown[]) => unknown)(...a);
        },
      ]),
    ) as StoreOperations;
    const s = open(spy);
    const detached = new Uint8Array(2);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    await expect(s.get('')).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_KEY' });
    await expect(s.set('k', detached)).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_VALUE' });
    await expect(s.set('k', b('v'), { ttl: 0 })).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_TTL',
    });
    await expect(
      s.setMany([
        { key: 'ok', value: b('1') },
        { key: 'bad', value: detached },
      ]),
    ).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_VALUE' });
    await expect(s.increment('k', 1.5)).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_ARGUMENT',
    });
    await expect(s.expire('k', undefined as never)).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_TTL',
    });
    await expect(collect(s.keys({ prefix: 7 } as never))).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_ARGUMENT',
    });
    expect(called).toEqual([]);
  });

  it('rejects (never throws), and maps any other failure to ERR_STATE_BACKEND with its cause', async () => {
    const boom = new Error('disk on fire\nsecond line');
    const s = open({
      ...createMapOperations(),
      read: () => {
        throw boom;
      },
      remove: async () => {
        throw boom;
      },
    });
    const p = s.get('k');
    expect(p).toBeInstanceOf(Promise);
    const err = await p.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_STATE_BACKEND', cause: boom });
    expect((err as Error).message).toBe('[@acme/t] get() failed: disk on fire');
    await expect(s.delete('k')).rejects.toMatchObject({
      code: 'ERR_STATE_BACKEND',
      message: '[@acme/t] delete() failed: disk on fire',
    });
  });

  it('every method works detached from the manager', async () => {
    const s = createMapState();
    const { set, get, getMany, keys, increment } = s;
    await set('a', b('1'));
    expect(await Promise.all(['a', 'b'].map(get as (k: string) => Promise<unknown>))).toEqual([
      b('1'),
      undefined,
    ]);
    expect(await increment('n')).toBe(1);
    expect(await getMany(['a'])).toEqual([b('1')]);
    expect(await collect(keys())).toEqual(['a', 'n']);
  });

  it('keeps issue order for an engine whose calls could overtake each other', async () => {
    // Each call answers after a random delay: without the base's queue they reorder.
    const store = new Map<string, StoredEntry>();
    const base = createMapOperations(store);
    const slow = Object.fromEntries(
      Object.entries(base).map(([k, f]) => [
        k,
        async (...a: unknown[]) => {
          await sleep(Math.random() * 5);
          return (f as (...x: unknown[]) => unknown)(...a);
        },
      ]),
    ) as StoreOperations;
    const s = open(slow);
    const results = await Promise.all([
      s.set('c', b('100')),
      s.increment('c'),
      s.delete('c'),
      s.increment('c', 5),
      s.get('c'),
    ]);
    expect(results).toEqual([undefined, 101, true, 5, b('5')]);
  });

  it('close is idempotent, waits for calls in flight, and then every call is ERR_STATE_CLOSED', async () => {
    let closes = 0;
    const s = open({
      ...createMapOperations(),
      close: () => {
        closes++;
      },
    });
    const pending = s.set('k', b('v'));
    await Promise.all([s.close(), s.close()]);
    await pending;
    await s.close();
    expect(closes).toBe(1);
    await expect(s.get('k')).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
    await expect(s.set('k', b('v'))).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
    await expect(collect(s.keys())).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
    let disposed = false;
    {
      await using t = open({
        ...createMapOperations(),
        close: () => {
          disposed = true;
        },
      });
      await t.set('k', b('v'));
    }
    expect(disposed).toBe(true);
  });

  it('carries stateInfo and a guarded inspect(); extra members run through the guard', async () => {
    const s = createManager({
      source: '@acme/t',
      backend: 't',
      namespace: 'n',
      settlesLocally: true,
      operations: { ...createMapOperations(), inspect: () => ({ size: 1 }) },
      extend: (guard) => ({
        path: '/x',
        stats: () => guard('stats', () => 7),
        broken: () =>
          guard('broken', () => {
            throw new Error('nope');
          }),
      }),
    });
    expect(stateInfo(s)).toEqual({
      backend: 't',
      source: '@acme/t',
      namespace: 'n',
      settlesLocally: true,
    });
    expect(s.path).toBe('/x');
    expect(await s.stats()).toBe(7);
    await expect(s.broken()).rejects.toMatchObject({ code: 'ERR_STATE_BACKEND' });
    await s.close();
    await expect(s.stats()).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
  });
});

describe('createManager: tracing', () => {
  it('publishes each call on pforge:state:<op> with OpenTelemetry names and the error code', async () => {
    const seen: StateTraceContext[] = [];
    const onEnd = (ctx: unknown) => seen.push(ctx as StateTraceContext);
    const handlers = { asyncEnd: onEnd, error: onEnd };
    for (const op of ['set', 'getMany', 'increment', 'keys']) {
      stateTracingChannel(op).subscribe(handlers as never);
    }
    try {
      const s = createMapState('traced');
      await s.set('k', b('v'));
      await s.getMany(['k', 'x']);
      await s.increment('k').catch(() => undefined);
      await collect(s.keys());
    } finally {
      for (const op of ['set', 'getMany', 'increment', 'keys']) {
        stateTracingChannel(op).unsubscribe(handlers as never);
      }
    }
    const byOp = (op: string) => seen.filter((c) => c.operation === op);
    expect(byOp('set')[0]).toMatchObject({
      backend: 'test-map',
      namespace: 'traced',
      keyCount: 1,
      attributes: {
        'db.system.name': 'test-map',
        'db.namespace': 'traced',
        'db.operation.name': 'set',
      },
    });
    expect(byOp('getMany')[0]?.attributes['db.operation.batch.size']).toBe(2);
    expect(byOp('increment')[0]).toMatchObject({ errorCode: 'ERR_STATE_NOT_A_COUNTER' });
    expect(byOp('keys').at(-1)).toMatchObject({ result: 1 });
  });

  it('publishes nothing when no one listens (and a plain channel subscriber is not enough)', async () => {
    const heard: unknown[] = [];
    const listener = (m: unknown) => heard.push(m);
    subscribe('pforge:state:get', listener);
    try {
      const s = createMapState();
      await s.get('k');
    } finally {
      unsubscribe('pforge:state:get', listener);
    }
    expect(heard).toEqual([]);
  });
});

describe('PFORGE_STATE_TRACING=off', () => {
  it('removes tracing entirely (checked in a child process, as the switch is read at load)', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `
      const { createManager } = require('./dist/backend.cjs');
      const { stateTracingChannel } = require('./dist/index.cjs');
      const seen = [];
      stateTracingChannel('get').subscribe({ start: (c) => seen.push(c.operation) });
      const map = new Map();
      const m = createManager({ source: 't', backend: 't', namespace: 'n', keepsIssueOrder: true,
        operations: { read: (k) => map.get(k), write: (k, e) => void map.set(k, e),
          remove: (k) => map.delete(k), swap: () => false, scan: () => [] } });
      m.get('k').then(() => console.log(JSON.stringify(seen)));`;
    const run = (env: NodeJS.ProcessEnv) =>
      execFileSync(process.execPath, ['-e', script], { cwd: `${import.meta.dirname}/..`, env })
        .toString()
        .trim();
    expect(run({ ...process.env, PFORGE_STATE_TRACING: '' })).toBe('["get"]');
    expect(run({ ...process.env, PFORGE_STATE_TRACING: 'off' })).toBe('[]');
  });
});
