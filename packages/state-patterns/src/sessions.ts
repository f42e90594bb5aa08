import { randomBytes } from 'node:crypto';
import { type Codec, jsonCodec, MAX_TTL_MS, type StateManager } from '@pforge/state-core';
import { decodeWith, encodeWith } from './codec.js';
import {
  assertPositiveInt,
  checkDeadline,
  type Deadline,
  deadline,
  resolveTimeout,
  within,
} from './deadline.js';

/** Options of {@link createSessions}. */
export interface SessionOptions {
  /**
   * Lifetime of a session in ms: since its last `touch`/`update` (or `get` with
   * `touchOnGet`) when `rolling`, else since its creation.
   * @default 1800000 (30 minutes)
   */
  ttlMs?: number;
  /**
   * Whether activity extends the expiry (`touch`, `update`, and `get` with `touchOnGet`).
   * `false` gives a fixed expiry of `ttlMs` after creation.
   * @default true
   */
  rolling?: boolean;
  /**
   * Hard cap in ms after creation that no activity extends. Absent = none.
   * @example { ttlMs: 1_800_000, absoluteTtlMs: 43_200_000 } // idle 30 min, at most 12 h
   */
  absoluteTtlMs?: number;
  /** Whether `get` also extends a rolling session (one more backend call). @default false */
  touchOnGet?: boolean;
  /** Prepended to each id to make its key. @default 'sess:' */
  prefix?: string;
  /** Encodes the stored record `{ d, c, x }` (data, created, cap). @default core's `jsonCodec` (`Date`, `Map`, `Set`, `BigInt` survive) */
  codec?: Codec<unknown>;
  /**
   * How long one call may wait for the backend. Sessions fail closed: an unavailable or
   * silent backend rejects with `ERR_STATE_UNAVAILABLE` within this time (there is no safe
   * session to invent).
   * @default 2000
   */
  timeoutMs?: number;
}

/** A live session. */
export interface Session<T> {
  /** The session id: 32 URL-safe characters holding 192 random bits. */
  id: string;
  /** The session's data. */
  data: T;
  /** When it was created, epoch ms. */
  createdAt: number;
  /** When it expires unless touched, epoch ms (`Infinity` never happens: a session always has a ttl). */
  expiresAt: number;
}

/** Sessions on a {@link StateManager}; see {@link createSessions}. */
export interface SessionStore<T> {
  /** Starts a session holding `data` and resolves it (with its new id). */
  create(data: T): Promise<Session<T>>;
  /** The live session `id`, or `undefined` (also for a malformed id, without a backend call). */
  get(id: string): Promise<Session<T> | undefined>;
  /**
   * Replaces the data with `fn(current)` by compare-and-swap, retrying on a concurrent
   * change, so no concurrent update is lost (`fn` may run more than once: keep it pure).
   * Extends a rolling session. Resolves `undefined` when the session is gone.
   */
  update(id: string, fn: (data: T) => T | Promise<T>): Promise<Session<T> | undefined>;
  /** Extends a rolling session's expiry; `true` when the session is live. */
  touch(id: string): Promise<boolean>;
  /** Ends the session; `true` when a live one was removed. */
  destroy(id: string): Promise<boolean>;
}

interface SessionRecord {
  d: unknown;
  c: number;
  x: number | null;
}

const ID_BYTES = 24;
const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/**
 * Server-side sessions: unguessable ids (192 bits from `crypto.randomBytes`, base64url),
 * rolling or fixed expiry with an optional absolute cap, and data kept with the codec
 * (JSON with `Date` by default). Updates are compare-and-swap loops, so two concurrent
 * updates both survive, on every backend.
 * @example
 * const sessions = createSessions<{ userId: string }>(state, { ttlMs: 30 * 60_000 });
 * const s = await sessions.create({ userId: 'u1' });
 * await sessions.update(s.id, (d) => ({ ...d, lastSeen: new Date() }));
 */
export function createSessions<T = unknown>(
  state: StateManager,
  options: SessionOptions = {},
): SessionStore<T> {
  const where = 'createSessions()';
  const ttlMs = options.ttlMs ?? 1_800_000;
  assertPositiveInt(ttlMs, 'ttlMs', where);
  if (options.absoluteTtlMs !== undefined)
    assertPositiveInt(options.absoluteTtlMs, 'absoluteTtlMs', where);
  const rolling = options.rolling ?? true;
  const prefix = options.prefix ?? 'sess:';
  const codec = options.codec ?? jsonCodec;
  const timeoutMs = resolveTimeout(options.timeoutMs, where);
  const span = Math.min(MAX_TTL_MS, options.absoluteTtlMs ?? MAX_TTL_MS);

  const capOf = (createdAt: number) => createdAt + (rolling ? span : Math.min(ttlMs, span));
  const expiryOf = (rec: SessionRecord, now: number) => {
    const cap = rec.x ?? Number.POSITIVE_INFINITY;
    return rolling ? Math.min(now + ttlMs, cap) : cap;
  };
  const call = <R>(d: Deadline, p: Promise<R>) => within(d, p);
  const dl = (op: string, id: string) => deadline(timeoutMs, `session ${op}(${id.slice(0, 6)}…)`);
  const decode = (key: string, bytes: Uint8Array) => decodeWith(codec, key, bytes) as SessionRecord;
  const sessionOf = (id: string, rec: SessionRecord, expiresAt: number): Session<T> => ({
    id,
    data: rec.d as T,
    createdAt: rec.c,
    expiresAt,
  });

  return {
    create: async (data) => {
      const d = deadline(timeoutMs, 'session create()');
      for (;;) {
        checkDeadline(d);
        const id = randomBytes(ID_BYTES).toString('base64url');
        const now = Date.now();
        const rec: SessionRecord = { d: data, c: now, x: capOf(now) };
        const expiresAt = expiryOf(rec, now);
        const bytes = encodeWith(codec, prefix + id, rec);
        // compare-and-swap against "absent": an id is never handed out twice.
        if (
          await call(
            d,
            state.compareAndSwap(prefix + id, undefined, bytes, { ttl: expiresAt - now }),
          )
        ) {
          return sessionOf(id, rec, expiresAt);
        }
      }
    },
    get: async (id) => {
      if (typeof id !== 'string' || !ID_PATTERN.test(id)) return undefined;
      const d = dl('get', id);
      const key = prefix + id;
      const [bytes, left] = await call(d, Promise.all([state.get(key), state.ttl(key)]));
      if (bytes === undefined) return undefined;
      const rec = decode(key, bytes);
      const now = Date.now();
      if (options.touchOnGet && rolling) {
        const expiresAt = expiryOf(rec, now);
        if (expiresAt <= now || !(await call(d, state.expire(key, expiresAt - now))))
          return undefined;
        return sessionOf(id, rec, expiresAt);
      }
      return sessionOf(id, rec, typeof left === 'number' ? now + left : expiryOf(rec, now));
    },
    update: async (id, fn) => {
      if (typeof id !== 'string' || !ID_PATTERN.test(id)) return undefined;
      const d = dl('update', id);
      const key = prefix + id;
      for (;;) {
        checkDeadline(d);
        const bytes = await call(d, state.get(key));
        if (bytes === undefined) return undefined;
        const rec = decode(key, bytes);
        const next: SessionRecord = { d: await fn(rec.d as T), c: rec.c, x: rec.x };
        const now = Date.now();
        const expiresAt = expiryOf(next, now);
        if (expiresAt <= now) return undefined;
        const nextBytes = encodeWith(codec, key, next);
        if (await call(d, state.compareAndSwap(key, bytes, nextBytes, { ttl: expiresAt - now }))) {
          return sessionOf(id, next, expiresAt);
        }
      }
    },
    touch: async (id) => {
      if (typeof id !== 'string' || !ID_PATTERN.test(id)) return false;
      const d = dl('touch', id);
      const key = prefix + id;
      if (!rolling) return call(d, state.exists(key));
      const bytes = await call(d, state.get(key));
      if (bytes === undefined) return false;
      const now = Date.now();
      const expiresAt = expiryOf(decode(key, bytes), now);
      if (expiresAt <= now) return false;
      return call(d, state.expire(key, expiresAt - now));
    },
    destroy: async (id) => {
      if (typeof id !== 'string' || !ID_PATTERN.test(id)) return false;
      return call(dl('destroy', id), state.delete(prefix + id));
    },
  };
}
