import { closedError } from '@pforge/state-core/backend';
import type { Cluster, Redis } from 'ioredis';
import type { Client } from './client.js';
import { fromRedisError, unavailable, unexpected } from './errors.js';
import { type Conn, Pool } from './pool.js';
import { SOURCE } from './source.js';
import type { ResolvedRedisOptions } from './types.js';

/**
 * Sends one command of call `op` (about `key`) through `fn`, and shapes its reply with
 * `map` in the same promise reaction; every failure becomes a redacted `StateError`.
 */
export type Send = <T, U = T>(
  op: string,
  key: string | undefined,
  fn: (c: Client) => Promise<T>,
  map?: (v: T) => U,
) => Promise<U>;

function uncork(conn: Conn, stream: { uncork(): void }): void {
  conn.corked = false;
  stream.uncork();
}

/**
 * Sends commands for the manager, in issue order (see {@link Pool}), each settling within
 * the command timeout, and pipelines adaptively: a command sent while others are in flight
 * on the same connection is corked until the next tick, so many concurrent calls share one
 * socket write, while a lone awaited call goes out at once.
 */
export class Runner {
  readonly pool: Pool;
  readonly secrets: readonly string[];
  private readonly timeoutMs: number;
  /** Sends now, or after the calls issued before it. */
  readonly run: Send;
  /** Sends for the running exclusive call (see {@link Runner.exclusive}), past those it holds. */
  private readonly direct: Send;

  constructor(o: ResolvedRedisOptions) {
    this.pool = new Pool(o);
    this.secrets = o.secrets;
    this.timeoutMs = o.commandTimeoutMs;
    this.run = (op, key, fn, map) => this.issue(op, key, fn, map, false);
    this.direct = (op, key, fn, map) => this.issue(op, key, fn, map, true);
  }

  /** Whether the pool talks to a Redis Cluster. */
  get cluster(): boolean {
    return this.pool.isCluster;
  }

  /**
   * Whether a command issued now is written to a socket synchronously (so it may send a view
   * of the caller's bytes). A cluster may queue it until a node connection opens: never.
   */
  sendsNow(): boolean {
    return !this.pool.isCluster && this.pool.pick() !== undefined;
  }

  private issue<T, U>(
    op: string,
    key: string | undefined,
    fn: (c: Client) => Promise<T>,
    map: ((v: T) => U) | undefined,
    bypass: boolean,
  ): Promise<U> {
    if (this.pool.closed) return Promise.reject(closedError(SOURCE, op));
    const conn = bypass ? this.pool.choose() : this.pool.pick();
    if (conn === undefined) return this.later(op, key, fn, map, bypass);
    try {
      const p = this.send(conn, fn, op, key, map);
      // A cluster client may follow redirections and wait for a slot refresh: bound it here.
      return this.pool.isCluster ? this.withDeadline(op, p, Date.now() + this.timeoutMs) : p;
    } catch (err) {
      return Promise.reject(unexpected(op, err, this.secrets));
    }
  }

  private later<T, U>(
    op: string,
    key: string | undefined,
    fn: (c: Client) => Promise<T>,
    map: ((v: T) => U) | undefined,
    bypass: boolean,
  ): Promise<U> {
    const deadline = Date.now() + this.timeoutMs;
    return new Promise<U>((resolve, reject) => {
      this.pool.enqueue({
        op,
        deadline,
        bypass,
        fail: reject,
        start: (conn) => {
          try {
            this.withDeadline(op, this.send(conn, fn, op, key, map), deadline).then(
              resolve,
              reject,
            );
          } catch (err) {
            reject(unexpected(op, err, this.secrets));
          }
        },
      });
    });
  }

  /**
   * Runs `body` alone: it starts once every call issued before it has settled, and calls
   * issued after it wait until it is done (`clear`, whose SCAN must not remove what a later
   * call writes). `body` sends through the `Send` it is given.
   */
  exclusive<T>(op: string, body: (send: Send) => Promise<T>): Promise<T> {
    if (this.pool.closed) return Promise.reject(closedError(SOURCE, op));
    return new Promise<T>((resolve, reject) => {
      this.pool.enqueue({
        op,
        deadline: Date.now() + this.timeoutMs,
        exclusive: true,
        fail: reject,
        start: () => {
          let p: Promise<T>;
          try {
            p = body(this.direct);
          } catch (err) {
            p = Promise.reject(unexpected(op, err, this.secrets));
          }
          p.finally(() => this.pool.release()).then(resolve, reject);
        },
      });
    });
  }

  /** Runs `fn` on one node connection of a cluster (SCAN), with the same error mapping. */
  async runOn<T>(op: string, node: Redis, fn: (n: Redis) => Promise<T>): Promise<T> {
    if (this.pool.closed) throw closedError(SOURCE, op);
    try {
      return await this.withDeadline(op, fn(node), Date.now() + this.timeoutMs);
    } catch (err) {
      throw fromRedisError(err, op, undefined, this.secrets);
    }
  }

  /** The master nodes of the cluster that `send` reaches (every one holds part of the keys). */
  masters(op: string, send: Send): Promise<Redis[]> {
    return send(op, undefined, async (c) => (c as Cluster).nodes('master'));
  }

  private send<T, U>(
    conn: Conn,
    fn: (c: Client) => Promise<T>,
    op: string,
    key: string | undefined,
    map: ((v: T) => U) | undefined,
  ): Promise<U> {
    if (conn.inflight > 0 && !conn.corked && !this.pool.isCluster) {
      const stream = (conn.client as Redis).stream;
      if (stream?.writable) {
        stream.cork();
        conn.corked = true;
        process.nextTick(uncork, conn, stream);
      }
    }
    const p = fn(conn.client);
    conn.inflight++;
    return p.then(
      (v) => {
        this.pool.settled(conn);
        return map ? map(v) : (v as unknown as U);
      },
      (err: unknown) => {
        this.pool.settled(conn);
        throw fromRedisError(err, op, key, this.secrets);
      },
    );
  }

  private withDeadline<T>(op: string, p: Promise<T>, deadline: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const why = `no answer within ${this.timeoutMs} ms (\`command_timeout_ms\`)`;
      timer = setTimeout(
        () => reject(unavailable(op, why, undefined, this.secrets)),
        Math.max(0, deadline - Date.now()),
      );
    });
    return Promise.race([p, timeout])
      .catch((err: unknown) => {
        throw fromRedisError(err, op, undefined, this.secrets);
      })
      .finally(() => clearTimeout(timer));
  }
}
