import { StateError } from '@pforge/state-core';
import { fromRedisError, isAuthError, unavailable } from './errors.js';
import type { Conn, Pool } from './pool.js';
import { SOURCE } from './source.js';

interface Opening {
  readonly done: Promise<void>;
  cancel(): void;
}

const authErrorOf = (err: unknown): unknown => {
  if (isAuthError(err)) return err;
  // A cluster reports the node's refusal as the last error of "all nodes failed".
  const last = (err as { lastNodeError?: unknown } | undefined)?.lastNodeError;
  return isAuthError(last) ? last : undefined;
};

/**
 * Connects `conn` and waits, on its events, until it is open; rejects at once on an
 * authentication failure or when the client ends, else at `deadline`.
 */
function open(pool: Pool, conn: Conn, deadline: number, secrets: readonly string[]): Opening {
  const client = conn.client;
  let cancel = () => {};
  const done = new Promise<void>((resolve, reject) => {
    const finish = (err?: StateError) => {
      clearTimeout(timer);
      client.off('ready', onReady).off('error', onError).off('end', onEnd);
      client.off('node error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => finish();
    const onError = (err: unknown) => {
      pool.lastError = err;
      const auth = authErrorOf(err);
      if (auth !== undefined) finish(fromRedisError(auth, 'connect', undefined, secrets));
    };
    const onEnd = () =>
      finish(unavailable('connect', 'the connection ended', pool.lastError, secrets));
    const ms = Math.max(0, deadline - Date.now());
    const timer = setTimeout(() => {
      const why = `no connection within ${ms} ms (\`connect_timeout_ms\`)`;
      finish(unavailable('connect', why, pool.lastError, secrets));
    }, ms);
    cancel = () => finish(new StateError('ERR_STATE_CLOSED', `[${SOURCE}] connect cancelled`));
    client.on('ready', onReady).on('error', onError).on('end', onEnd);
    client.on('node error', onError);
    client.connect().catch(onError);
  });
  if (conn.open) cancel();
  return { done: conn.open ? Promise.resolve() : done, cancel };
}

/**
 * Opens every owned connection and resolves once all are ready; on the first failure
 * disconnects them all (no socket or timer of ours or of ioredis outlives the rejection) and
 * rejects with a redacted `ERR_STATE_UNAVAILABLE` or, for refused credentials,
 * `ERR_STATE_CONFIG`. A borrowed client is only started when it is lazy.
 */
export async function connectPool(
  pool: Pool,
  connectTimeoutMs: number,
  secrets: readonly string[],
): Promise<void> {
  if (!pool.owned) {
    const c = pool.conns[0]!.client;
    if (c.status === 'wait') await c.connect().catch(() => undefined);
    return;
  }
  const deadline = Date.now() + connectTimeoutMs;
  const openings = pool.conns.map((conn) => open(pool, conn, deadline, secrets));
  try {
    await Promise.all(openings.map((o) => o.done));
  } catch (err) {
    for (const o of openings) o.cancel();
    for (const conn of pool.conns) conn.client.disconnect();
    throw err;
  }
}

/** Settles waiting calls, then sends QUIT on owned connections (disconnecting after 1 s). */
export async function closePool(pool: Pool): Promise<void> {
  pool.closed = true;
  pool.failAll(
    new StateError(
      'ERR_STATE_CLOSED',
      `[${SOURCE}] the manager was closed while this call waited for a connection`,
    ),
  );
  if (!pool.owned) {
    pool.unwatch();
    return;
  }
  await Promise.all(
    pool.conns.map(async ({ client }) => {
      if (client.status === 'ready') {
        await Promise.race([
          client.quit().catch(() => undefined),
          new Promise((r) => setTimeout(r, 1000).unref()),
        ]);
      }
      client.disconnect();
    }),
  );
}
