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

interface Found {
  key: string;
  bytes: Uint8Array;
  record: HandleRecord;
}

class StateHandleStore<T> implements HandleStore<T> {
  private readonly prefix: string;

  constructor(
    private readonly state: StateManager,
    private readonly kind: string,
    private readonly ttlMs: number,
    private readonly sliding: boolean,
    private readonly codec: Codec<unknown>,
    private readonly attempts: number,
    prefix: string,
  ) {
    this.prefix = `${prefix}${kind}:`;
  }

  readonly create = async (p: PrincipalSource, data: T): Promise<Handle<T>> => {
    // 192 random bits: a collision is not a practical event, so a plain set suffices.
    const random = randomBytes(24).toString('base64url');
    const record: HandleRecord = { p: owner(p), c: Date.now(), d: data };
    await this.state.set(this.prefix + random, this.codec.encode(record), { ttl: this.ttlMs });
    return this.view(`${this.kind}_${random}`, record);
  };

  readonly get = async (p: PrincipalSource, handle: string): Promise<Handle<T> | undefined> => {
    const found = await this.read(p, handle);
    if (found === undefined) return undefined;
    if (this.sliding && !(await this.state.expire(found.key, this.ttlMs))) return undefined;
    return this.view(handle, found.record);
  };

  readonly touch = async (p: PrincipalSource, handle: string): Promise<boolean> => {
    const found = await this.read(p, handle);
    return (
      found !== undefined && (!this.sliding || (await this.state.expire(found.key, this.ttlMs)))
    );
  };

  readonly update = async (
    p: PrincipalSource,
    handle: string,
    fn: (data: T) => T | Promise<T>,
  ): Promise<Handle<T> | undefined> => {
    for (let i = 0; i < this.attempts; i++) {
      const found = await this.read(p, handle);
      if (found === undefined) return undefined;
      const next: HandleRecord = { ...found.record, d: await fn(found.record.d as T) };
      const ttl = this.sliding ? this.ttlMs : next.c + this.ttlMs - Date.now();
      if (ttl < 1) return undefined;
      if (
        await this.state.compareAndSwap(found.key, found.bytes, this.codec.encode(next), { ttl })
      ) {
        return this.view(handle, next);
      }
    }
    throw new StateError(
      'ERR_STATE_UNAVAILABLE',
      `[${SOURCE}] handle update gave up after ${this.attempts} attempts under contention (\`maxUpdateAttempts\`)`,
    );
  };

  readonly delete = async (p: PrincipalSource, handle: string): Promise<boolean> => {
    for (let i = 0; i < this.attempts; i++) {
      const found = await this.read(p, handle);
      if (found === undefined) return false;
      if (await this.state.compareAndSwap(found.key, found.bytes, undefined)) return true;
    }
    return false;
  };

  /** The stored key of a well-formed handle of this kind. */
  private keyOf(handle: string): string | undefined {
    if (typeof handle !== 'string' || !handle.startsWith(`${this.kind}_`)) return undefined;
    const random = handle.slice(this.kind.length + 1);
    return RANDOM.test(random) ? this.prefix + random : undefined;
  }

  /** The record of `handle` if it is live and `p`'s. */
  private async read(p: PrincipalSource, handle: string): Promise<Found | undefined> {
    const me = owner(p);
    const key = this.keyOf(handle);
    if (key === undefined) return undefined;
    const bytes = await this.state.get(key);
    if (bytes === undefined) return undefined;
    const record = this.codec.decode(bytes) as HandleRecord;
    return record.p === me ? { key, bytes, record } : undefined;
  }

  private view(handle: string, r: HandleRecord): Handle<T> {
    const expiresAt = this.sliding ? Date.now() + this.ttlMs : r.c + this.ttlMs;
    return { handle, data: r.d as T, createdAt: r.c, expiresAt };
  }
}

/** The stored owner of a handle: SHA-256 of the principal (throws for a bad principal). */
const owner = (p: PrincipalSource) => sha256(resolvePrincipal(p, WHERE));

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
  const attempts = positiveInt(options.maxUpdateAttempts, 50, 'maxUpdateAttempts', WHERE);
  const codec = options.codec ?? jsonCodec;
  const prefix = options.prefix ?? 'handle:';
  return new StateHandleStore<T>(
    state,
    kind,
    ttlMs,
    options.sliding ?? true,
    codec,
    attempts,
    prefix,
  );
}
