import { randomBytes } from 'node:crypto';
import type { Codec, StateManager } from '@pforge/state-core';
import { decodeWith, encodeWith } from './codec.js';
import { type CallTimer, checkDeadline, type Deadline, deadline, within } from './deadline.js';

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

/** The resolved options of one session store, shared by its operations. */
export interface SessionContext {
  readonly state: StateManager;
  readonly ttlMs: number;
  readonly rolling: boolean;
  readonly touchOnGet: boolean;
  readonly prefix: string;
  readonly codec: Codec<unknown>;
  readonly timeoutMs: number;
  /** Bounds the store's calls; `undefined` when they settle locally (no timer). */
  readonly timer: CallTimer | undefined;
  /** `absoluteTtlMs`, or the longest ttl when there is none. */
  readonly span: number;
}

/** What is stored per session: data, created (epoch ms), cap (epoch ms, or none). */
interface SessionRecord {
  d: unknown;
  c: number;
  x: number | null;
}

const ID_BYTES = 24;
const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

const isId = (id: unknown): id is string => typeof id === 'string' && ID_PATTERN.test(id);
const dl = (c: SessionContext, op: string, id = '') =>
  deadline(c.timeoutMs, `session ${op}(${id ? `${id.slice(0, 6)}…` : ''})`, c.timer);
const decode = (c: SessionContext, key: string, bytes: Uint8Array) =>
  decodeWith(c.codec, key, bytes) as SessionRecord;
const sessionOf = <T>(id: string, rec: SessionRecord, expiresAt: number): Session<T> => ({
  id,
  data: rec.d as T,
  createdAt: rec.c,
  expiresAt,
});

/** The latest a session may expire: its cap, and for a rolling one `now + ttlMs` before it. */
function expiryOf(c: SessionContext, rec: SessionRecord, now: number): number {
  const cap = rec.x ?? Number.POSITIVE_INFINITY;
  return c.rolling ? Math.min(now + c.ttlMs, cap) : cap;
}

/** A new session; compare-and-swap against "absent", so an id is never handed out twice. */
export async function createSession<T>(c: SessionContext, data: T): Promise<Session<T>> {
  const d = dl(c, 'create');
  for (;;) {
    checkDeadline(d);
    const id = randomBytes(ID_BYTES).toString('base64url');
    const now = Date.now();
    const cap = now + (c.rolling ? c.span : Math.min(c.ttlMs, c.span));
    const rec: SessionRecord = { d: data, c: now, x: cap };
    const expiresAt = expiryOf(c, rec, now);
    const key = c.prefix + id;
    const bytes = encodeWith(c.codec, key, rec);
    const opts = { ttl: expiresAt - now };
    if (await within(d, c.state.compareAndSwap(key, undefined, bytes, opts))) {
      return sessionOf(id, rec, expiresAt);
    }
  }
}

/** The live session `id`, extended first when `touchOnGet` (and rolling). */
export async function getSession<T>(
  c: SessionContext,
  id: string,
): Promise<Session<T> | undefined> {
  if (!isId(id)) return undefined;
  const d = dl(c, 'get', id);
  const key = c.prefix + id;
  const [bytes, left] = await within(d, Promise.all([c.state.get(key), c.state.ttl(key)]));
  if (bytes === undefined) return undefined;
  const rec = decode(c, key, bytes);
  const now = Date.now();
  if (c.touchOnGet && c.rolling) {
    const expiresAt = expiryOf(c, rec, now);
    if (expiresAt <= now || !(await within(d, c.state.expire(key, expiresAt - now))))
      return undefined;
    return sessionOf(id, rec, expiresAt);
  }
  return sessionOf(id, rec, typeof left === 'number' ? now + left : expiryOf(c, rec, now));
}

/** Replaces the data with `fn(data)` by a compare-and-swap loop; extends a rolling session. */
export async function updateSession<T>(
  c: SessionContext,
  id: string,
  fn: (data: T) => T | Promise<T>,
): Promise<Session<T> | undefined> {
  if (!isId(id)) return undefined;
  const d = dl(c, 'update', id);
  const key = c.prefix + id;
  for (;;) {
    checkDeadline(d);
    const bytes = await within(d, c.state.get(key));
    if (bytes === undefined) return undefined;
    const rec = decode(c, key, bytes);
    const next: SessionRecord = { d: await fn(rec.d as T), c: rec.c, x: rec.x };
    const now = Date.now();
    const expiresAt = expiryOf(c, next, now);
    if (expiresAt <= now) return undefined;
    const nextBytes = encodeWith(c.codec, key, next);
    const opts = { ttl: expiresAt - now };
    if (await within(d, c.state.compareAndSwap(key, bytes, nextBytes, opts))) {
      return sessionOf(id, next, expiresAt);
    }
  }
}

/** Extends a rolling session's expiry; `true` when the session is live. */
export async function touchSession(c: SessionContext, id: string): Promise<boolean> {
  if (!isId(id)) return false;
  const d: Deadline = dl(c, 'touch', id);
  const key = c.prefix + id;
  if (!c.rolling) return within(d, c.state.exists(key));
  const bytes = await within(d, c.state.get(key));
  if (bytes === undefined) return false;
  const now = Date.now();
  const expiresAt = expiryOf(c, decode(c, key, bytes), now);
  if (expiresAt <= now) return false;
  return within(d, c.state.expire(key, expiresAt - now));
}

/** Ends the session; `true` when a live one was removed. */
export async function destroySession(c: SessionContext, id: string): Promise<boolean> {
  if (!isId(id)) return false;
  return within(dl(c, 'destroy', id), c.state.delete(c.prefix + id));
}
