import { addCounter, assertDelta, decodeCounter, encodeCounter } from './counter.js';
import type { StoreDriver, StoredEntry } from './driver.js';
import { describeValue, isStateError, StateError } from './errors.js';
import { assertKey, assertKeys, resolvePrefix } from './keys.js';
import { namespacePrefix, resolveNamespace } from './namespace.js';
import { assertTtl, expiresAtFor, resolveTtl } from './ttl.js';
import type { Entry, PrefixOptions, SetOptions, StateManager } from './types.js';
import { assertValue, copyBytes } from './value.js';

/** Options of {@link createDriverManager}. */
export interface DriverManagerOptions {
  /** The backend's name or package, shown in every error message. @example '@acme/state-foo' */
  source: string;
  /** The namespace; keys of other namespaces are never seen. @default 'pforge' */
  namespace?: string;
}

/**
 * Builds a full {@link StateManager} from a {@link StoreDriver}: validation, namespacing,
 * copies in and out, expiry arithmetic, the closed state and error wrapping are done here, and
 * the methods the driver leaves out are derived:
 * - `exists`, `ttl`, `getMany` from `read`;
 * - `increment` and `expire` as compare-and-swap loops (atomic, since `compareAndSwap` is);
 * - `setMany`/`deleteMany` from `write`/`remove` one by one: validated before anything is
 *   written, but NOT all-or-nothing unless the driver implements `writeMany`/`removeMany`;
 * - `clear` from `scan` + `remove`.
 * @example
 * const state = createDriverManager(myDriver, { source: '@acme/state-foo', namespace: 'app' });
 */
export function createDriverManager(
  driver: StoreDriver,
  options: DriverManagerOptions,
): StateManager {
  const { source } = options;
  const ns = namespacePrefix(resolveNamespace(options.namespace, source));
  let closed = false;
  let closing: Promise<void> | undefined;

  const run = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    if (closed)
      throw new StateError('ERR_STATE_CLOSED', `[${source}] ${op}() called after close()`);
    try {
      return await fn();
    } catch (err) {
      if (isStateError(err)) throw err;
      throw new StateError(
        'ERR_STATE_BACKEND',
        `[${source}] ${op}() failed: ${(err as Error)?.message ?? describeValue(err)}`,
        { cause: err },
      );
    }
  };
  const live = (e: StoredEntry | undefined, now = Date.now()): StoredEntry | undefined =>
    e === undefined || (e.expiresAt != null && e.expiresAt <= now) ? undefined : e;
  const entryOf = (value: Uint8Array, ttl: number | undefined): StoredEntry => ({
    value: copyBytes(value),
    expiresAt: expiresAtFor(ttl),
  });
  const readLive = async (key: string) => live(await driver.read(ns + key));
  const casLoop = async <T>(
    key: string,
    step: (
      cur: StoredEntry | undefined,
    ) => { next: StoredEntry | undefined; result: T } | { done: T },
  ): Promise<T> => {
    for (;;) {
      const cur = await readLive(key);
      const out = step(cur);
      if ('done' in out) return out.done;
      if (await driver.compareAndSwap(ns + key, cur?.value, out.next)) return out.result;
    }
  };

  const manager: StateManager = {
    get: (key) =>
      run('get', async () => {
        assertKey(key, source);
        const e = await readLive(key);
        return e === undefined ? undefined : copyBytes(e.value);
      }),
    set: (key, value, opts?: SetOptions) =>
      run('set', async () => {
        assertKey(key, source);
        assertValue(value, key, source);
        const ttl = resolveTtl(opts, key, source);
        await driver.write(ns + key, entryOf(value, ttl));
      }),
    delete: (key) =>
      run('delete', async () => {
        assertKey(key, source);
        return driver.remove(ns + key);
      }),
    exists: (key) =>
      run('exists', async () => {
        assertKey(key, source);
        return (await readLive(key)) !== undefined;
      }),
    getMany: (keys) =>
      run('getMany', async () => {
        assertKeys(keys, source);
        const full = keys.map((k) => ns + k);
        const found = driver.readMany
          ? await driver.readMany(full)
          : await Promise.all(full.map((k) => driver.read(k)));
        const now = Date.now();
        return found.map((e) => {
          const l = live(e, now);
          return l === undefined ? undefined : copyBytes(l.value);
        });
      }),
    setMany: (entries: readonly Entry[]) =>
      run('setMany', async () => {
        const batch = validateEntries(entries, source).map(
          (e) => [ns + e.key, entryOf(e.value, e.ttl)] as const,
        );
        if (driver.writeMany) return driver.writeMany(batch);
        for (const [k, e] of batch) await driver.write(k, e);
      }),
    deleteMany: (keys) =>
      run('deleteMany', async () => {
        assertKeys(keys, source);
        const full = keys.map((k) => ns + k);
        if (driver.removeMany) return driver.removeMany(full);
        let n = 0;
        for (const k of new Set(full)) if (await driver.remove(k)) n++;
        return n;
      }),
    increment: (key, delta = 1, opts?: SetOptions) =>
      run('increment', async () => {
        assertKey(key, source);
        assertDelta(delta, key, source);
        const ttl = resolveTtl(opts, key, source);
        if (driver.increment) return driver.increment(ns + key, delta, expiresAtFor(ttl));
        return casLoop(key, (cur) => {
          const n = addCounter(decodeCounter(cur?.value, key, source), delta, key, source);
          const expiresAt = cur ? cur.expiresAt : expiresAtFor(ttl);
          return { next: { value: encodeCounter(n), expiresAt }, result: n };
        });
      }),
    compareAndSwap: (key, expected, next, opts?: SetOptions) =>
      run('compareAndSwap', async () => {
        assertKey(key, source);
        if (expected !== undefined) assertValue(expected, key, source);
        if (next !== undefined) assertValue(next, key, source);
        const ttl = resolveTtl(opts, key, source);
        const exp = expected === undefined ? undefined : copyBytes(expected);
        return driver.compareAndSwap(
          ns + key,
          exp,
          next === undefined ? undefined : entryOf(next, ttl),
        );
      }),
    ttl: (key) =>
      run('ttl', async () => {
        assertKey(key, source);
        const e = await readLive(key);
        if (e === undefined) return undefined;
        return e.expiresAt === undefined ? null : Math.max(1, e.expiresAt - Date.now());
      }),
    expire: (key, ttl) =>
      run('expire', async () => {
        assertKey(key, source);
        if (ttl !== null) assertTtl(ttl, key, source);
        return casLoop<boolean>(key, (cur) =>
          cur === undefined
            ? { done: false }
            : {
                next: { value: cur.value, expiresAt: ttl === null ? undefined : expiresAtFor(ttl) },
                result: true,
              },
        );
      }),
    keys: (opts?: PrefixOptions) => scanKeys(opts),
    clear: (opts?: PrefixOptions) =>
      run('clear', async () => {
        const prefix = ns + resolvePrefix(opts, source);
        let n = 0;
        for await (const k of driver.scan(prefix)) if (await driver.remove(k)) n++;
        return n;
      }),
    close: () => {
      if (closing) return closing;
      closed = true;
      closing = driver.close().catch((err: unknown) => {
        throw new StateError('ERR_STATE_BACKEND', `[${source}] close() failed`, { cause: err });
      });
      return closing;
    },
    [Symbol.asyncDispose]: () => manager.close(),
  };

  async function* scanKeys(opts?: PrefixOptions): AsyncGenerator<string> {
    const it = await run('keys', async () =>
      driver.scan(ns + resolvePrefix(opts, source))[Symbol.asyncIterator](),
    );
    try {
      for (;;) {
        const step = await run('keys', () => it.next());
        if (step.done) return;
        yield step.value.slice(ns.length);
      }
    } finally {
      // A consumer that stops early (`break`) lets the driver release its cursor.
      await it.return?.()?.catch(() => undefined);
    }
  }
  return manager;
}

/** Validates a whole `setMany` batch before anything is written; returns it typed. */
export function validateEntries(
  entries: unknown,
  source = '@pforge/state-core',
): { key: string; value: Uint8Array; ttl: number | undefined }[] {
  if (!Array.isArray(entries)) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${source}] setMany() takes an array of { key, value, ttl? } (got ${describeValue(entries)})`,
    );
  }
  return entries.map((e: unknown, i) => {
    if (typeof e !== 'object' || e === null) {
      throw new StateError(
        'ERR_STATE_INVALID_ARGUMENT',
        `[${source}] entries[${i}] must be an object { key, value, ttl? } (got ${describeValue(e)})`,
      );
    }
    const { key, value } = e as Entry;
    assertKey(key, source);
    assertValue(value, key, source);
    return { key, value, ttl: resolveTtl(e, key, source) };
  });
}
