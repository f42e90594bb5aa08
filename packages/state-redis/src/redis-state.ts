import {
  assertDelta,
  assertKey,
  assertKeys,
  assertTtl,
  assertValue,
  type Entry,
  namespacePrefix,
  type PrefixOptions,
  resolvePrefix,
  resolveTtl,
  type SetOptions,
  type StateManager,
  validateEntries,
} from '@pforge/state-core';
import { deleteBatch, getBatch, setBatch } from './batch.js';
import { type RedisStateOptions, resolveCodeOptions } from './options.js';
import { Runner } from './runner.js';
import { scanPrefix } from './scan.js';
import { COMPARE_AND_SWAP, INCREMENT, PERSIST, runScript } from './scripts.js';

const SOURCE = '@pforge/state-redis';

/** A plain Uint8Array copy of a reply (set() is much faster than the copying constructor). */
export function copyOut(buf: Uint8Array): Uint8Array {
  const out = new Uint8Array(buf.byteLength);
  out.set(buf);
  return out;
}

/** Runs `f`, turning a synchronous throw (bad input) into a rejected promise. */
function guard<T>(f: () => Promise<T>): Promise<T> {
  try {
    return f();
  } catch (err) {
    return Promise.reject(err);
  }
}
const toBytes = (buf: Buffer | null): Uint8Array | undefined =>
  buf === null ? undefined : copyOut(buf);
const toVoid = (): void => undefined;
const positive = (n: number): boolean => n > 0;
/** A Buffer over the same memory as `v` (no copy). */
const view = (v: Uint8Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** A fresh Buffer holding a copy of `v`, so later changes to `v` never reach Redis. */
const bytes = (v: Uint8Array): Buffer => Buffer.from(v);

/**
 * Opens a {@link StateManager} on Redis (standalone, Sentinel or Cluster) and waits for the
 * first connection. Options are validated before any I/O (`ERR_STATE_CONFIG`); an unreachable
 * server rejects with `ERR_STATE_UNAVAILABLE` after `connectTimeoutMs`.
 * @example
 * const state = await createRedisState({ url: 'redis://localhost:6379', namespace: 'my-server' });
 * await state.set('greeting', new TextEncoder().encode('hi'), { ttl: 60_000 });
 */
export async function createRedisState(options: RedisStateOptions = {}): Promise<StateManager> {
  const o = resolveCodeOptions(options);
  const r = new Runner(o);
  await r.pool.connect();
  const ns = namespacePrefix(o.namespace);
  const withNs = (keys: readonly string[]): string[] => {
    const out = new Array<string>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = ns + keys[i];
    return out;
  };
  let closing: Promise<void> | undefined;

  const manager: StateManager = {
    get: (key) =>
      guard(() => {
        assertKey(key, SOURCE);
        return r.run('get', key, (c) => c.getBuffer(ns + key)).then(toBytes);
      }),
    set: (key, value, opts?: SetOptions) =>
      guard(() => {
        assertKey(key, SOURCE);
        assertValue(value, key, SOURCE);
        const ttl = resolveTtl(opts, key, SOURCE);
        // Sent at once on a ready connection (ioredis serialises the bytes synchronously), so
        // a view is safe; a call that must wait for a connection keeps a copy instead.
        const v = r.readyNow() ? view(value) : Buffer.from(value);
        return r
          .run('set', key, (c) =>
            ttl === undefined ? c.set(ns + key, v) : c.set(ns + key, v, 'PX', ttl),
          )
          .then(toVoid);
      }),
    delete: (key) =>
      guard(() => {
        assertKey(key, SOURCE);
        return r.run('delete', key, (c) => c.del(ns + key)).then(positive);
      }),
    exists: (key) =>
      guard(() => {
        assertKey(key, SOURCE);
        return r.run('exists', key, (c) => c.exists(ns + key)).then(positive);
      }),
    getMany: (keys) =>
      guard(() => {
        assertKeys(keys, SOURCE);
        return getBatch(r, withNs(keys));
      }),
    async setMany(entries: readonly Entry[]) {
      const batch = validateEntries(entries, SOURCE);
      r.assertOpen('setMany');
      await setBatch(
        r,
        batch.map((e) => ({ key: ns + e.key, value: bytes(e.value), ttl: e.ttl })),
      );
    },
    async deleteMany(keys) {
      assertKeys(keys, SOURCE);
      r.assertOpen('deleteMany');
      return deleteBatch(r, withNs(keys));
    },
    async increment(key, delta = 1, opts?: SetOptions) {
      assertKey(key, SOURCE);
      assertDelta(delta, key, SOURCE);
      const ttl = resolveTtl(opts, key, SOURCE);
      const args = [String(delta), ttl === undefined ? '' : String(ttl)];
      return Number(await r.run('increment', key, (c) => runScript(c, INCREMENT, ns + key, args)));
    },
    async compareAndSwap(key, expected, next, opts?: SetOptions) {
      assertKey(key, SOURCE);
      if (expected !== undefined) assertValue(expected, key, SOURCE);
      if (next !== undefined) assertValue(next, key, SOURCE);
      const ttl = resolveTtl(opts, key, SOURCE);
      const args = [
        expected === undefined ? '0' : '1',
        expected === undefined ? '' : bytes(expected),
        next === undefined ? '0' : '1',
        next === undefined ? '' : bytes(next),
        ttl === undefined ? '' : String(ttl),
      ];
      return (
        (await r.run('compareAndSwap', key, (c) =>
          runScript(c, COMPARE_AND_SWAP, ns + key, args),
        )) === 1
      );
    },
    async ttl(key) {
      assertKey(key, SOURCE);
      const ms = await r.run('ttl', key, (c) => c.pttl(ns + key));
      return ms === -2 ? undefined : ms === -1 ? null : Math.max(1, ms);
    },
    async expire(key, ttl) {
      assertKey(key, SOURCE);
      if (ttl !== null) assertTtl(ttl, key, SOURCE);
      const n = await r.run('expire', key, (c) =>
        ttl === null ? runScript(c, PERSIST, ns + key, []) : c.pexpire(ns + key, ttl),
      );
      return n === 1;
    },
    keys: (opts?: PrefixOptions) => listKeys(opts),
    async clear(opts?: PrefixOptions) {
      const prefix = ns + resolvePrefix(opts, SOURCE);
      let removed = 0;
      for await (const batch of scanPrefix(await r.scanNodes('clear'), prefix, (n, fn) =>
        r.runOn('clear', n, fn),
      )) {
        removed += await deleteBatch(r, batch, 'clear');
      }
      return removed;
    },
    close() {
      if (!closing) {
        r.closed = true;
        closing = r.pool.close();
      }
      return closing;
    },
    [Symbol.asyncDispose]: () => manager.close(),
  };

  async function* listKeys(opts?: PrefixOptions): AsyncGenerator<string> {
    const prefix = ns + resolvePrefix(opts, SOURCE);
    r.assertOpen('keys');
    const seen = new Set<string>();
    for await (const batch of scanPrefix(await r.scanNodes('keys'), prefix, (n, fn) =>
      r.runOn('keys', n, fn),
    )) {
      for (const full of batch) {
        if (seen.has(full)) continue;
        seen.add(full);
        yield full.slice(ns.length);
      }
    }
  }
  return manager;
}
