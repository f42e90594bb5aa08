import {
  addCounter,
  assertDelta,
  assertKey,
  assertKeys,
  assertTtl,
  assertValue,
  decodeCounter,
  type Entry,
  equalBytes,
  type PrefixOptions,
  resolveNamespace,
  resolvePrefix,
  resolveTtl,
  type SetOptions,
  StateError,
  type StateManager,
} from '@pforge/state-core';
import type { Arena } from './arena.js';
import { readMany, writeMany } from './batch.js';
import { now, nowMs } from './clock.js';
import { asStateError } from './errors.js';
import { scanKeys } from './key-cursor.js';
import {
  DEFAULT_SWEEP_INTERVAL_MS,
  NEVER,
  type Rec,
  type Space,
  StoreCore,
} from './memory-store.js';
import { type MemoryStateOptions, parseStateOptions, SOURCE } from './options.js';
import { coreOf } from './store.js';

// Shared settled promises: the hot paths return these instead of allocating one per call.
const NOTHING: Promise<undefined> = Promise.resolve(undefined);
const DONE: Promise<void> = Promise.resolve();
const TRUE: Promise<boolean> = Promise.resolve(true);
const FALSE: Promise<boolean> = Promise.resolve(false);

/** The absolute expiry `options` asks for; reads the clock only when there is a ttl. */
const expiryOf = (options: SetOptions | undefined, key: string): number => {
  if (options === undefined) return NEVER;
  const ttl = resolveTtl(options, key, SOURCE);
  return ttl === undefined ? NEVER : nowMs() + ttl;
};

/**
 * The in-process {@link StateManager}. Every method validates, then works on a `Map` directly;
 * every failure comes back as a rejected promise (the bodies catch and never throw).
 */
class MemoryState implements StateManager {
  private closed = false;
  private readonly space: Space;
  private readonly map: Map<string, Rec>;
  private readonly arena: Arena;

  constructor(
    private readonly core: StoreCore,
    private readonly owned: boolean,
    namespace: string,
    maxEntries: number,
  ) {
    const space = core.space(namespace);
    if (space.managers > 0 && space.maxEntries !== maxEntries) {
      throw new StateError(
        'ERR_STATE_CONFIG',
        `[${SOURCE}] \`maxEntries\` of namespace ${JSON.stringify(namespace)} is ${space.maxEntries || 'unset'} in a manager already open on this store (got ${maxEntries || 'unset'})`,
      );
    }
    space.maxEntries = maxEntries;
    space.evict();
    space.managers++;
    core.attach();
    this.space = space;
    this.map = space.map;
    this.arena = core.arena;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    try {
      if (this.closed) return this.rejectClosed('get');
      assertKey(key, SOURCE);
      const rec = this.map.get(key);
      if (rec === undefined) return NOTHING;
      if (rec.e !== NEVER && rec.e <= now()) {
        this.core.drop(rec);
        return NOTHING;
      }
      if (this.space.maxEntries !== 0) this.space.touch(rec);
      return Promise.resolve(this.arena.read(rec));
    } catch (err) {
      return Promise.reject(asStateError(err, 'get'));
    }
  }

  set(key: string, value: Uint8Array, options?: SetOptions): Promise<void> {
    try {
      if (this.closed) return this.rejectClosed('set');
      assertKey(key, SOURCE);
      assertValue(value, key, SOURCE);
      const e = expiryOf(options, key);
      this.space.write(key, value, e);
      return DONE;
    } catch (err) {
      return Promise.reject(asStateError(err, 'set'));
    }
  }

  delete(key: string): Promise<boolean> {
    try {
      if (this.closed) return this.rejectClosed('delete');
      assertKey(key, SOURCE);
      const rec = this.map.get(key);
      if (rec === undefined) return FALSE;
      this.core.drop(rec);
      return rec.e === NEVER || rec.e > now() ? TRUE : FALSE;
    } catch (err) {
      return Promise.reject(asStateError(err, 'delete'));
    }
  }

  exists(key: string): Promise<boolean> {
    try {
      if (this.closed) return this.rejectClosed('exists');
      assertKey(key, SOURCE);
      return this.space.read(key) === undefined ? FALSE : TRUE;
    } catch (err) {
      return Promise.reject(asStateError(err, 'exists'));
    }
  }

  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    try {
      if (this.closed) return this.rejectClosed('getMany');
      return Promise.resolve(readMany(this.space, keys));
    } catch (err) {
      return Promise.reject(asStateError(err, 'getMany'));
    }
  }

  setMany(entries: readonly Entry[]): Promise<void> {
    try {
      if (this.closed) return this.rejectClosed('setMany');
      writeMany(this.space, entries);
      return DONE;
    } catch (err) {
      return Promise.reject(asStateError(err, 'setMany'));
    }
  }

  deleteMany(keys: readonly string[]): Promise<number> {
    try {
      if (this.closed) return this.rejectClosed('deleteMany');
      assertKeys(keys, SOURCE);
      const t = now();
      let n = 0;
      for (let i = 0; i < keys.length; i++) {
        const rec = this.map.get(keys[i]!);
        if (rec === undefined) continue;
        this.core.drop(rec);
        if (rec.e > t) n++;
      }
      return Promise.resolve(n);
    } catch (err) {
      return Promise.reject(asStateError(err, 'deleteMany'));
    }
  }

  increment(key: string, delta = 1, options?: SetOptions): Promise<number> {
    try {
      if (this.closed) return this.rejectClosed('increment');
      assertKey(key, SOURCE);
      assertDelta(delta, key, SOURCE);
      // Validated on every call, but the clock is read at most once: to check an expiry, and
      // that same reading starts the ttl of a key this call creates.
      const ttl = options === undefined ? undefined : resolveTtl(options, key, SOURCE);
      let rec = this.map.get(key);
      let t = -1;
      if (rec !== undefined && rec.e !== NEVER) {
        t = now();
        if (rec.e <= t) {
          this.core.drop(rec);
          rec = undefined;
        }
      }
      if (rec === undefined) {
        const next = addCounter(0, delta, key, SOURCE);
        const e = ttl === undefined ? NEVER : Math.floor(t < 0 ? now() : t) + ttl;
        this.space.insertCounter(key, next, e);
        return Promise.resolve(next);
      }
      // A record last written by increment keeps its number: no parse, no view.
      const current = rec.v ?? decodeCounter(this.arena.view(rec), key, SOURCE);
      const next = addCounter(current, delta, key, SOURCE);
      this.space.writeCounter(rec, next); // an existing counter keeps its expiry
      return Promise.resolve(next);
    } catch (err) {
      return Promise.reject(asStateError(err, 'increment'));
    }
  }

  compareAndSwap(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
    options?: SetOptions,
  ): Promise<boolean> {
    try {
      if (this.closed) return this.rejectClosed('compareAndSwap');
      assertKey(key, SOURCE);
      if (expected !== undefined) assertValue(expected, key, SOURCE);
      if (next !== undefined) assertValue(next, key, SOURCE);
      const e = expiryOf(options, key);
      const rec = this.space.read(key);
      const same =
        expected === undefined
          ? rec === undefined
          : rec !== undefined && equalBytes(this.arena.view(rec), expected);
      if (!same) return FALSE;
      if (next !== undefined) this.space.write(key, next, e);
      else if (rec !== undefined) this.core.drop(rec);
      return TRUE;
    } catch (err) {
      return Promise.reject(asStateError(err, 'compareAndSwap'));
    }
  }

  ttl(key: string): Promise<number | null | undefined> {
    try {
      if (this.closed) return this.rejectClosed('ttl');
      assertKey(key, SOURCE);
      const rec = this.space.read(key);
      if (rec === undefined) return NOTHING;
      return Promise.resolve(rec.e === NEVER ? null : Math.max(1, Math.ceil(rec.e - now())));
    } catch (err) {
      return Promise.reject(asStateError(err, 'ttl'));
    }
  }

  expire(key: string, ttl: number | null): Promise<boolean> {
    try {
      if (this.closed) return this.rejectClosed('expire');
      assertKey(key, SOURCE);
      if (ttl !== null) assertTtl(ttl, key, SOURCE);
      const rec = this.space.read(key);
      if (rec === undefined) return FALSE;
      this.core.expireAt(rec, ttl === null ? NEVER : nowMs() + ttl);
      return TRUE;
    } catch (err) {
      return Promise.reject(asStateError(err, 'expire'));
    }
  }

  keys(options?: PrefixOptions): AsyncIterable<string> {
    return scanKeys(this.space, options, () => {
      if (this.closed) throw this.closedError('keys');
    });
  }

  clear(options?: PrefixOptions): Promise<number> {
    try {
      if (this.closed) return this.rejectClosed('clear');
      const prefix = resolvePrefix(options, SOURCE);
      const t = now();
      let n = 0;
      for (const rec of this.map.values()) {
        if (prefix !== '' && !rec.k.startsWith(prefix)) continue;
        this.core.drop(rec);
        if (rec.e > t) n++;
      }
      return Promise.resolve(n);
    } catch (err) {
      return Promise.reject(asStateError(err, 'clear'));
    }
  }

  close(): Promise<void> {
    if (this.closed) return DONE;
    this.closed = true;
    this.space.managers--;
    this.core.detach();
    if (this.owned) this.core.destroy();
    return DONE;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private closedError(op: string): StateError {
    return new StateError('ERR_STATE_CLOSED', `[${SOURCE}] ${op}() called after close()`);
  }

  private rejectClosed<T>(op: string): Promise<T> {
    return Promise.reject(this.closedError(op));
  }
}

/**
 * Opens an in-process {@link StateManager}: values copied in and out, exact TTLs, an optional
 * LRU bound, and a bounded background sweep of expired keys. Throws `ERR_STATE_CONFIG` for
 * bad options.
 * @example
 * const state = createMemoryState({ namespace: 'my-server', maxEntries: 10_000 });
 * await state.set('greeting', new TextEncoder().encode('hi'), { ttl: 60_000 });
 * await state.close();
 */
export function createMemoryState(options?: MemoryStateOptions): StateManager {
  const o = parseStateOptions(options);
  const namespace = resolveNamespace(o.namespace, SOURCE);
  const shared = coreOf(o.store);
  const core = shared ?? new StoreCore(o.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
  return new MemoryState(core, shared === undefined, namespace, o.maxEntries ?? 0);
}
