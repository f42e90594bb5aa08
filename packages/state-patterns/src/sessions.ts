import { type Codec, jsonCodec, MAX_TTL_MS, type StateManager } from '@pforge/state-core';
import { callTimerFor } from './deadline.js';
import { assertPositiveInt, resolveTimeout } from './options.js';
import {
  createSession,
  destroySession,
  getSession,
  type Session,
  type SessionContext,
  touchSession,
  updateSession,
} from './session-ops.js';

export type { Session } from './session-ops.js';

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
   * session to invent). Not armed for a store that settles locally (memory, LMDB).
   * @default 2000
   */
  timeoutMs?: number;
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
  const c = resolveSessionOptions(state, options);
  return {
    create: (data) => createSession(c, data),
    get: (id) => getSession(c, id),
    update: (id, fn) => updateSession(c, id, fn),
    touch: (id) => touchSession(c, id),
    destroy: (id) => destroySession(c, id),
  };
}

function resolveSessionOptions(state: StateManager, options: SessionOptions): SessionContext {
  const where = 'createSessions()';
  const ttlMs = options.ttlMs ?? 1_800_000;
  assertPositiveInt(ttlMs, 'ttlMs', where);
  if (options.absoluteTtlMs !== undefined)
    assertPositiveInt(options.absoluteTtlMs, 'absoluteTtlMs', where);
  return {
    state,
    ttlMs,
    rolling: options.rolling ?? true,
    touchOnGet: options.touchOnGet ?? false,
    prefix: options.prefix ?? 'sess:',
    codec: options.codec ?? jsonCodec,
    timeoutMs: resolveTimeout(options.timeoutMs, where),
    timer: callTimerFor(state),
    span: Math.min(MAX_TTL_MS, options.absoluteTtlMs ?? MAX_TTL_MS),
  };
}
