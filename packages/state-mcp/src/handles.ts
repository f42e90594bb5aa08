import { randomBytes } from 'node:crypto';
import {
  type Codec,
  jsonCodec,
  MAX_TTL_MS,
  StateError,
  type StateManager,
} from '@pforge/state-core';
import { sha256 } from './digest.js';
import { invalidOption, positiveInt, SOURCE } from './errors.js';
import { type PrincipalSource, resolvePrincipal } from './principal.js';

/** Options of {@link createHandleStore}. */
export interface HandleStoreOptions {
  /**
   * What the handles name, also their visible prefix (`cart` gives `cart_…`): a lowercase
   * letter, then up to 31 lowercase letters, digits or `-`.
   * @example 'session'
   */
  kind: string;
  /** Lifetime of a handle in ms: since its last use when `sliding`, else since its creation. @default 1800000 (30 minutes) */
  ttlMs?: number;
  /** Whether `get`, `update` and `touch` extend the expiry to `ttlMs` from now. @default true */
  sliding?: boolean;
  /** Prepended (with the kind) to each stored key. @default 'handle:' */
  prefix?: string;
  /** Encodes the stored record. @default core's `jsonCodec` (`Date`, `Map`, `Set`, `BigInt` survive) */
  codec?: Codec<unknown>;
  /** How many compare-and-swap rounds `update` tries under contention before `ERR_STATE_UNAVAILABLE`. @default 50 */
  maxUpdateAttempts?: number;
}

/** A live handle and its data. */
export interface Handle<T> {
  /** The handle the client passes back: `<kind>_` then 32 URL-safe characters (192 random bits). */
  handle: string;
  /** The data it stands for. */
  data: T;
  /** When it was created, epoch ms. */
  createdAt: number;
  /** When it expires unless used (sliding) or for good (fixed), epoch ms. */
  expiresAt: number;
}

/** Handles on a {@link StateManager}; see {@link createHandleStore}. Every method takes the caller's principal. */
export interface HandleStore<T> {
  /** Creates a handle owned by `principal` for `data`. */
  create(principal: PrincipalSource, data: T): Promise<Handle<T>>;
  /** The live handle, or `undefined` when absent, expired, malformed or owned by another principal. */
  get(principal: PrincipalSource, handle: string): Promise<Handle<T> | undefined>;
  /**
   * Replaces the data with `fn(current)` by compare-and-swap, retrying on a concurrent change
   * (so no update is lost; `fn` may run more than once: keep it pure). `undefined` when gone.
   */
  update(
    principal: PrincipalSource,
    handle: string,
    fn: (data: T) => T | Promise<T>,
  ): Promise<Handle<T> | undefined>;
  /** Extends a sliding handle; `true` when it is live and the principal's. */
  touch(principal: PrincipalSource, handle: string): Promise<boolean>;
  /** Deletes the handle; `true` when a live one of the principal's was removed. */
  delete(principal: PrincipalSource, handle: string): Promise<boolean>;
}

interface HandleRecord {
  /** Owner: SHA-256 of the principal. */
  p: string;
  /** Created at. */
  c: number;
  d: unknown;
}

const WHERE = 'createHandleStore';
const KIND = /^[a-z][a-z0-9-]{0,31}$/;
const RANDOM = /^[A-Za-z0-9_-]{32}$/;

/**
 * Unguessable, principal-bound handles for state that spans requests (the 2026-07-28 spec's
 * "explicit identifier the client passes on each request"): a cart, a session, a cursor.
 * @example
 * const carts = createHandleStore<{ items: string[] }>(state, { kind: 'cart', ttlMs: 3_600_000 });
 * const { handle } = await carts.create(ctx, { items: [] }); // return `handle` to the client
 * await carts.update(ctx, handle, (c) => ({ items: [...c.items, 'apple'] }));
 */
export function createHandleStore<T>(
  state: StateManager,
  options: HandleStoreOptions,
): HandleStore<T> {
  const kind = options?.kind;
  if (typeof kind !== 'string' || !KIND.test(kind)) {
    invalidOption(WHERE, '`kind` must be a lowercase letter then up to 31 of [a-z0-9-]');
  }
  const ttlMs = positiveInt(options.ttlMs, 1_800_000, 'ttlMs', WHERE);
  if (ttlMs > MAX_TTL_MS) invalidOption(WHERE, `\`ttlMs\` must be at most ${MAX_TTL_MS}`);
  const sliding = options.sliding ?? true;
  const codec = options.codec ?? jsonCodec;
  const attempts = positiveInt(options.maxUpdateAttempts, 50, 'maxUpdateAttempts', WHERE);
  const prefix = `${options.prefix ?? 'handle:'}${kind}:`;
  const keyOf = (handle: string): string | undefined => {
    if (typeof handle !== 'string' || !handle.startsWith(`${kind}_`)) return undefined;
    const random = handle.slice(kind.length + 1);
    return RANDOM.test(random) ? prefix + random : undefined;
  };
  const owner = (p: PrincipalSource) => sha256(resolvePrincipal(p, WHERE));
  const expiresAt = (r: HandleRecord) => (sliding ? Date.now() + ttlMs : r.c + ttlMs);
  const ttlFor = (r: HandleRecord) => (sliding ? ttlMs : r.c + ttlMs - Date.now());
  const view = (handle: string, r: HandleRecord): Handle<T> => ({
    handle,
    data: r.d as T,
    createdAt: r.c,
    expiresAt: expiresAt(r),
  });

  /** The record of `handle` if it is live and `p`'s. */
  const read = async (p: PrincipalSource, handle: string) => {
    const key = keyOf(handle);
    const me = owner(p);
    if (key === undefined) return undefined;
    const bytes = await state.get(key);
    if (bytes === undefined) return undefined;
    const record = codec.decode(bytes) as HandleRecord;
    return record.p === me ? { key, bytes, record } : undefined;
  };

  return {
    async create(p, data) {
      const random = randomBytes(24).toString('base64url');
      const record: HandleRecord = { p: owner(p), c: Date.now(), d: data };
      await state.set(prefix + random, codec.encode(record), { ttl: ttlMs });
      return view(`${kind}_${random}`, record);
    },
    async get(p, handle) {
      const found = await read(p, handle);
      if (found === undefined) return undefined;
      if (sliding && !(await state.expire(found.key, ttlMs))) return undefined;
      return view(handle, found.record);
    },
    async touch(p, handle) {
      const found = await read(p, handle);
      return found !== undefined && (!sliding || (await state.expire(found.key, ttlMs)));
    },
    async update(p, handle, fn) {
      for (let i = 0; i < attempts; i++) {
        const found = await read(p, handle);
        if (found === undefined) return undefined;
        const next: HandleRecord = { ...found.record, d: await fn(found.record.d as T) };
        const ttl = ttlFor(next);
        if (ttl < 1) return undefined;
        if (await state.compareAndSwap(found.key, found.bytes, codec.encode(next), { ttl })) {
          return view(handle, next);
        }
      }
      throw new StateError(
        'ERR_STATE_UNAVAILABLE',
        `[${SOURCE}] handle update gave up after ${attempts} attempts under contention (\`maxUpdateAttempts\`)`,
      );
    },
    async delete(p, handle) {
      const found = await read(p, handle);
      return found !== undefined && state.compareAndSwap(found.key, found.bytes, undefined);
    },
  };
}
