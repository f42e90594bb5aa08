import { isStateError, StateError, type StateErrorCode } from '@pforge/state-core';
import { redact } from './redact.js';
import { SOURCE } from './source.js';

/** Errors of our Lua scripts (`redis.error_reply`). */
export const NOT_A_COUNTER = 'PFORGE_NOT_A_COUNTER';
export const OUT_OF_RANGE = 'PFORGE_OUT_OF_RANGE';

const UNAVAILABLE_REPLY = /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|BUSY|MOVED|ASK)\b/;
const AUTH_REPLY = /^(WRONGPASS|NOAUTH|NOPERM)\b|invalid password|invalid username-password/i;
const CONNECTION =
  /Connection is closed|Stream isn't writeable|Command timed out|None of startup nodes|Failed to refresh slots cache|Reached the max retries|connect ETIMEDOUT|ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|socket hang up|Cluster isn't ready|timed out|All sentinels are unreachable|closed before|Too many Cluster redirections|Cluster is disconnected/i;

/**
 * A copy of an ioredis error that is safe to show: name, code and message with credentials
 * removed; no command arguments (they may hold values or an AUTH password) and no nested cause.
 */
export class RedisCauseError extends Error {
  override readonly name: string;
  readonly code: string | undefined;
  constructor(err: unknown, secrets: readonly string[]) {
    const e = err as { name?: unknown; message?: unknown; code?: unknown };
    super(redact(typeof e?.message === 'string' ? e.message : String(err), secrets));
    this.name = typeof e?.name === 'string' ? e.name : 'Error';
    this.code = typeof e?.code === 'string' ? e.code : undefined;
    // The stack of the original may quote the message; keep only ours.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** Whether `err` means Redis could not be reached or did not answer in time. */
export function isUnavailable(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown; code?: unknown };
  const msg = typeof e?.message === 'string' ? e.message : '';
  if (e?.name === 'ReplyError') return UNAVAILABLE_REPLY.test(msg);
  return (
    e?.name === 'MaxRetriesPerRequestError' ||
    e?.name === 'ClusterAllFailedError' ||
    CONNECTION.test(msg) ||
    (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code))
  );
}

/** Whether `err` is an authentication failure (wrong password or user). */
export function isAuthError(err: unknown): boolean {
  const msg = (err as { message?: unknown })?.message;
  return typeof msg === 'string' && AUTH_REPLY.test(msg);
}

/**
 * Maps any failure of `op` on `key` to a {@link StateError}: unreachable / timed out →
 * `ERR_STATE_UNAVAILABLE`; authentication → `ERR_STATE_CONFIG`; our script errors →
 * `ERR_STATE_NOT_A_COUNTER` / `ERR_STATE_OUT_OF_RANGE`; anything else → `ERR_STATE_BACKEND`.
 * The message and `cause` are redacted.
 */
export function fromRedisError(
  err: unknown,
  op: string,
  key: string | undefined,
  secrets: readonly string[],
): StateError {
  if (isStateError(err)) return err;
  const cause = new RedisCauseError(err, secrets);
  const about =
    key === undefined
      ? `${op}()`
      : `${op}(${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)})`;
  let code: StateErrorCode = 'ERR_STATE_BACKEND';
  let text = `Redis failed: ${cause.message}`;
  if (cause.message.includes(NOT_A_COUNTER)) {
    code = 'ERR_STATE_NOT_A_COUNTER';
    text = 'the stored value is not a decimal integer';
  } else if (cause.message.includes(OUT_OF_RANGE)) {
    code = 'ERR_STATE_OUT_OF_RANGE';
    text = `the result would leave the safe-integer range (±${Number.MAX_SAFE_INTEGER})`;
  } else if (isAuthError(err)) {
    code = 'ERR_STATE_CONFIG';
    text = `Redis refused the credentials (check \`username\`/\`password\` or the URL's user and password): ${cause.message}`;
  } else if (isUnavailable(err)) {
    code = 'ERR_STATE_UNAVAILABLE';
    text = `Redis is unavailable: ${cause.message}`;
  }
  return new StateError(code, `[${SOURCE}] ${about}: ${text}`, { cause });
}

/**
 * A throw that no rule expected (a getter of an argument that throws, a bug): it is not the
 * caller's input that is invalid as far as we know, so `ERR_STATE_BACKEND`, with a redacted
 * copy of the error as `cause`. A {@link StateError} passes through unchanged.
 */
export function unexpected(op: string, err: unknown, secrets: readonly string[]): StateError {
  if (isStateError(err)) return err;
  const cause = new RedisCauseError(err, secrets);
  return new StateError(
    'ERR_STATE_BACKEND',
    `[${SOURCE}] ${op}(): unexpected failure: ${cause.message}`,
    { cause },
  );
}

/** `ERR_STATE_UNAVAILABLE` for a call that found no ready connection within its deadline. */
export function unavailable(
  op: string,
  why: string,
  lastError: unknown,
  secrets: readonly string[],
): StateError {
  const last =
    lastError === undefined
      ? ''
      : ` (last error: ${new RedisCauseError(lastError, secrets).message})`;
  return new StateError(
    'ERR_STATE_UNAVAILABLE',
    `[${SOURCE}] ${op}(): Redis is unavailable: ${why}${last}`,
    {
      cause: lastError === undefined ? new Error(why) : new RedisCauseError(lastError, secrets),
    },
  );
}
