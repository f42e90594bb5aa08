import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { StateError } from '@pforge/state-core';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { isAuthError, toStateError, unavailable } from './errors.js';
import type { ResolvedRedisOptions } from './options.js';

/** Calls waiting for a connection to come back, at most (a bounded offline queue). */
export const MAX_WAITING = 10_000;

type Client = Redis | Cluster;

/** One connection (or cluster client) and its pipelining state. */
interface Slot {
  client: Client;
  /** Commands sent and not yet answered. */
  inflight: number;
  /** Writes are corked until the next tick (standalone only). */
  corked: boolean;
}

function tlsOptions(o: ResolvedRedisOptions): ConnectionOptions | undefined {
  const t = o.tls;
  if (!t) return undefined;
  const file = (f: string | undefined) => (f === undefined ? undefined : readFileSync(f, 'utf8'));
  const ca = t.ca ?? file(t.caFile);
  const cert = t.cert ?? file(t.certFile);
  const key = t.key ?? file(t.keyFile);
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(t.servername ? { servername: t.servername } : {}),
    ...(t.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  };
}

/** ioredis options shared by every mode: fail fast, never resend, reconnect forever. */
function baseOptions(o: ResolvedRedisOptions): RedisOptions {
  const tls = tlsOptions(o);
  return {
    ...(o.username ? { username: o.username } : {}),
    ...(o.password ? { password: o.password } : {}),
    ...(tls ? { tls } : {}),
    db: o.db,
    connectTimeout: o.connectTimeoutMs,
    commandTimeout: o.commandTimeoutMs,
    // No ioredis offline queue: a call waits (bounded, see MAX_WAITING) in the pool instead.
    enableOfflineQueue: false,
    // A command in flight when the connection drops is rejected, never resent.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
    // A failed-over master answers READONLY: reconnect (sentinel finds the new master); the
    // failed write was not applied, and is not resent.
    reconnectOnError: (err) => (/^READONLY/.test(err.message) ? 1 : false),
    connectionName: 'pforge-state',
  };
}

function createClient(o: ResolvedRedisOptions): Client {
  const base = baseOptions(o);
  if (o.mode === 'cluster') {
    return new Cluster(o.nodes, {
      redisOptions: base,
      // A command for a node whose connection is still opening waits in that node's queue
      // (bounded by the command timeout); with false, ioredis rejects it as "Connection is
      // closed" although it was never sent. The pool only sends once the cluster is ready.
      enableOfflineQueue: true,
      lazyConnect: true,
      clusterRetryStrategy: (attempt) => Math.min(100 * attempt, 1000),
      slotsRefreshTimeout: Math.min(o.connectTimeoutMs, 5000),
      // A command whose connection closed may have run: never resend it (ioredis would after
      // retryDelayOnFailover). MOVED / ASK / TRYAGAIN / CLUSTERDOWN replies mean it did not
      // run, so following those stays safe.
      retryDelayOnFailover: 0,
      retryDelayOnClusterDown: 100,
    });
  }
  if (o.mode === 'sentinel') {
    return new Redis({
      ...base,
      sentinels: o.nodes,
      name: o.sentinelName!,
      ...(o.sentinelUsername ? { sentinelUsername: o.sentinelUsername } : {}),
      ...(o.sentinelPassword ? { sentinelPassword: o.sentinelPassword } : {}),
      ...(base.tls ? { enableTLSForSentinelMode: true, sentinelTLS: base.tls } : {}),
      sentinelRetryStrategy: (attempt) => Math.min(100 * attempt, 1000),
    });
  }
  return new Redis({ ...base, host: o.host, port: o.port });
}

/**
 * A small round-robin pool of connections (`pool_size`), or one borrowed client. A call
 * takes a ready connection; when none is ready it waits for one up to its deadline, then
 * fails with `ERR_STATE_UNAVAILABLE`.
 */
export class Pool {
  readonly slots: Slot[];
  readonly owned: boolean;
  readonly isCluster: boolean;
  private next = 0;
  private waiting = 0;
  /** Calls waiting for a connection, so close() can settle them at once. */
  private readonly waiters = new Set<(err?: StateError) => void>();
  private lastError: unknown;
  private readonly secrets: readonly string[];

  constructor(private readonly o: ResolvedRedisOptions) {
    this.owned = o.client === undefined;
    const clients = o.client
      ? [o.client]
      : Array.from({ length: o.poolSize }, () => createClient(o));
    this.slots = clients.map((client) => ({ client, inflight: 0, corked: false }));
    this.isCluster =
      clients[0] instanceof Cluster || (clients[0] as { isCluster?: boolean }).isCluster === true;
    this.secrets = o.secrets;
    if (this.owned) {
      for (const c of clients)
        c.on('error', (err: unknown) => {
          this.lastError = err;
        });
    }
  }

  /** Connects every owned client; rejects with a redacted error within the connect timeout. */
  async connect(): Promise<void> {
    if (!this.owned) {
      // A borrowed lazy client: start it (its own error handling applies).
      const c = this.slots[0]!.client;
      if (c.status === 'wait') await c.connect().catch(() => undefined);
      return;
    }
    await Promise.all(this.slots.map((s) => this.connectOne(s.client)));
  }

  private async connectOne(client: Client): Promise<void> {
    const deadline = Date.now() + this.o.connectTimeoutMs;
    let authError: unknown;
    const onError = (err: unknown) => {
      if (isAuthError(err)) authError = err;
    };
    client.on('error', onError);
    client.connect().catch((err: unknown) => {
      this.lastError = err;
      if (isAuthError(err)) authError = err;
    });
    try {
      for (;;) {
        if (client.status === 'ready') return;
        if (authError !== undefined)
          throw toStateError(authError, 'connect', undefined, this.secrets);
        if (Date.now() >= deadline) {
          throw unavailable(
            'connect',
            `no connection within ${this.o.connectTimeoutMs} ms (\`connect_timeout_ms\`)`,
            this.lastError,
            this.secrets,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    } catch (err) {
      client.disconnect();
      throw err;
    } finally {
      client.off('error', onError);
    }
  }

  /** The next slot, round-robin (a single slot skips the arithmetic). */
  pick(): Slot {
    const slots = this.slots;
    if (slots.length === 1) return slots[0]!;
    const s = slots[this.next]!;
    this.next = (this.next + 1) % slots.length;
    return s;
  }

  /** Whether the slot's connection can take a command now. */
  static ready(s: Slot): boolean {
    return s.client.status === 'ready';
  }

  /** Waits until `s` is ready or `deadline` passes (then `ERR_STATE_UNAVAILABLE`). */
  async waitReady(s: Slot, op: string, deadline: number): Promise<void> {
    if (this.waiting >= MAX_WAITING) {
      throw unavailable(
        op,
        `${MAX_WAITING} calls are already waiting for a connection`,
        this.lastError,
        this.secrets,
      );
    }
    this.waiting++;
    try {
      await new Promise<void>((resolve, reject) => {
        const done = (err?: StateError) => {
          clearTimeout(timer);
          s.client.off('ready', onReady);
          this.waiters.delete(done);
          if (err) reject(err);
          else resolve();
        };
        const onReady = () => done();
        const timer = setTimeout(
          () => {
            const why = `no connection within ${this.o.commandTimeoutMs} ms (\`command_timeout_ms\`)`;
            done(unavailable(op, why, this.lastError, this.secrets));
          },
          Math.max(0, deadline - Date.now()),
        );
        s.client.once('ready', onReady);
        this.waiters.add(done);
      });
    } finally {
      this.waiting--;
    }
  }

  /** Sends QUIT on owned connections (disconnects if QUIT cannot be sent). */
  async close(): Promise<void> {
    for (const done of [...this.waiters]) {
      done(
        new StateError(
          'ERR_STATE_CLOSED',
          '[@pforge/state-redis] the manager was closed while this call waited for a connection',
        ),
      );
    }
    if (!this.owned) return;
    await Promise.all(
      this.slots.map(async ({ client }) => {
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
}
