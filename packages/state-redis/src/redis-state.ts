import {
  assertDelta,
  assertKey,
  assertKeys,
  assertTtl,
  assertValue,
  describeValue,
  type Entry,
  isStateError,
  namespacePrefix,
  type PrefixOptions,
  resolvePrefix,
  resolveTtl,
  type SetOptions,
  StateError,
  type StateManager,
  validateEntries,
} from '@pforge/state-core';
import { copy as bytes, deleteBatch, getBatch, setBatch, view } from './batch.js';
import { type RedisStateOptions, resolveCodeOptions } from './options.js';
import { type Client, Runner } from './runner.js';
import { scanPrefix } from './scan.js';
import { COMPARE_AND_SWAP, INCREMENT, PERSIST, runScript } from './scripts.js';

const SOURCE = '@pforge/state-redis';

/** A plain Uint8Array copy of a reply (set() is much faster than the copying constructor). */
export function copyOut(buf: Uint8Array): Uint8Array {
  const out = new Uint8Array(buf.byteLength);
  out.set(buf);
  return out;
}

/**
 * Runs `f`, turning a synchronous throw into a rejected promise (methods never throw). A
 * throw that is not a StateError comes from reading a hostile argument (a throwing getter or
 * proxy): `ERR_STATE_INVALID_ARGUMENT`.
 */
function guard<T>(op: string, f: () => Promise<T>): Promise<T> {
  try {
    return f();
  } catch (err) {
    return Promise.reject(asStateError(op, err));
  }
}

function asStateError(op: string, err: unknown): StateError {
  if (isStateError(err)) return err;
  const why = err instanceof Error ? err.message : describeValue(err);
  return new StateError(
    'ERR_STATE_INVALID_ARGUMENT',
    `[${SOURCE}] ${op}(): could not read the arguments (${why})`,
    { cause: err },
  );
}
const toBytes = (buf: Buffer | null): Uint8Array | undefined =>
  buf === null ? undefined : copyOut(buf);
const toVoid = (): void => undefined;
const positive = (n: number): boolean => n > 0;
const isOne = (n: unknown): boolean => n === 1;
/** PTTL: -2 absent, -1 no expiry, else ms left (at least 1 while the key lives). */
const fromPttl = (ms: number): number | null | undefined =>
  ms === -2 ? undefined : ms === -1 ? null : Math.max(1, ms);

/** ARGV of the COMPARE_AND_SWAP script (copies: a script may be resent by EVAL). */
function casArgs(
  expected: Uint8Array | undefined,
  next: Uint8Array | undefined,
  ttl: number | undefined,
): (string | Buffer)[] {
  return [
    expected === undefined ? '0' : '1',
    expected === undefined ? '' : bytes(expected),
    next === undefined ? '0' : '1',
    next === undefined ? '' : bytes(next),
    ttl === undefined ? '' : String(ttl),
  ];
}

/** SCAN + UNLINK of every key starting with `prefix`, batch by batch; resolves how many. */
async function clearPrefix(r: Runner, prefix: string): Promise<number> {
  let removed = 0;
  const nodes = await r.scanNodes('clear');
  for await (const batch of scanPrefix(nodes, prefix, (n, fn) => r.runOn('clear', n, fn))) {
    removed += await deleteBatch(r, batch, 'clear');
  }
  return removed;
}

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
      guard('get', () => {
        assertKey(key, SOURCE);
        return r.run('get', key, (c) => c.getBuffer(ns + key), toBytes);
      }),
    set: (key, value, opts?: SetOptions) =>
      guard('set', () => {
        assertKey(key, SOURCE);
        assertValue(value, key, SOURCE);
        const ttl = resolveTtl(opts, key, SOURCE);
        // Sent at once on a ready connection (ioredis serialises the bytes synchronously), so
        // a view is safe; a call that must wait for a connection keeps a copy instead.
        const v = r.readyNow() ? view(value) : bytes(value);
        const k = ns + key;
        const send = (c: Client) => (ttl === undefined ? c.set(k, v) : c.set(k, v, 'PX', ttl));
        return r.run('set', key, send, toVoid);
      }),
    delete: (key) =>
      guard('delete', () => {
        assertKey(key, SOURCE);
        return r.run('delete', key, (c) => c.del(ns + key), positive);
      }),
    exists: (key) =>
      guard('exists', () => {
        assertKey(key, SOURCE);
        return r.run('exists', key, (c) => c.exists(ns + key), positive);
      }),
    getMany: (keys) =>
      guard('getMany', () => {
        assertKeys(keys, SOURCE);
        return getBatch(r, withNs(keys));
      }),
    setMany: (entries: readonly Entry[]) =>
      guard('setMany', () => setBatch(r, ns, validateEntries(entries, SOURCE))),
    deleteMany: (keys) =>
      guard('deleteMany', () => {
        assertKeys(keys, SOURCE);
        r.assertOpen('deleteMany');
        return deleteBatch(r, withNs(keys));
      }),
    increment: (key, delta = 1, opts?: SetOptions) =>
      guard('increment', () => {
        assertKey(key, SOURCE);
        assertDelta(delta, key, SOURCE);
        const ttl = resolveTtl(opts, key, SOURCE);
        const args = [String(delta), ttl === undefined ? '' : String(ttl)];
        return r.run('increment', key, (c) => runScript(c, INCREMENT, ns + key, args), Number);
      }),
    compareAndSwap: (key, expected, next, opts?: SetOptions) =>
      guard('compareAndSwap', () => {
        assertKey(key, SOURCE);
        if (expected !== undefined) assertValue(expected, key, SOURCE);
        if (next !== undefined) assertValue(next, key, SOURCE);
        const ttl = resolveTtl(opts, key, SOURCE);
        const args = casArgs(expected, next, ttl);
        const send = (c: Client) => runScript(c, COMPARE_AND_SWAP, ns + key, args);
        return r.run('compareAndSwap', key, send, isOne);
      }),
    ttl: (key) =>
      guard('ttl', () => {
        assertKey(key, SOURCE);
        return r.run('ttl', key, (c) => c.pttl(ns + key), fromPttl);
      }),
    expire: (key, ttl) =>
      guard('expire', () => {
        assertKey(key, SOURCE);
        if (ttl !== null) assertTtl(ttl, key, SOURCE);
        const k = ns + key;
        const send = (c: Client) =>
          ttl === null ? runScript(c, PERSIST, k, []) : c.pexpire(k, ttl);
        return r.run('expire', key, send, isOne);
      }),
    keys: (opts?: PrefixOptions) => listKeys(opts),
    clear: (opts?: PrefixOptions) =>
      guard('clear', () => {
        const prefix = ns + resolvePrefix(opts, SOURCE);
        return clearPrefix(r, prefix);
      }),
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
    let prefix: string;
    try {
      prefix = ns + resolvePrefix(opts, SOURCE);
    } catch (err) {
      throw asStateError('keys', err);
    }
    r.assertOpen('keys');
    const seen = new Set<string>();
    const nodes = await r.scanNodes('keys');
    for await (const batch of scanPrefix(nodes, prefix, (n, fn) => r.runOn('keys', n, fn))) {
      for (const full of batch) {
        if (seen.has(full)) continue;
        seen.add(full);
        yield full.slice(ns.length);
      }
    }
  }
  return manager;
}
