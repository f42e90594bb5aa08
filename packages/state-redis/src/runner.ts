import { StateError } from '@pforge/state-core';
import type { Cluster, Redis } from 'ioredis';
import { toStateError, unavailable } from './errors.js';
import type { ResolvedRedisOptions } from './options.js';
import { Pool } from './pool.js';

const SOURCE = '@pforge/state-redis';

/** A standalone / Sentinel connection or a cluster client. */
export type Client = Redis | Cluster;
type Slot = Pool['slots'][number];

function uncork(slot: Slot, stream: { uncork(): void }): void {
  slot.corked = false;
  stream.uncork();
}

/**
 * Sends commands for the manager: picks a connection, waits (bounded) when none is ready,
 * maps every failure to a redacted {@link StateError}, and pipelines adaptively: a command
 * sent while others are in flight on the same connection is corked until the next tick, so
 * many concurrent calls share one socket write, while a lone awaited call goes out at once.
 */
export class Runner {
  closed = false;
  readonly pool: Pool;
  readonly secrets: readonly string[];
  private readonly timeoutMs: number;

  constructor(o: ResolvedRedisOptions) {
    this.pool = new Pool(o);
    this.secrets = o.secrets;
    this.timeoutMs = o.commandTimeoutMs;
  }

  /** Whether the pool talks to a Redis Cluster. */
  get cluster(): boolean {
    return this.pool.isCluster;
  }

  /** Whether a command sent now goes straight to a socket (every pooled connection is ready). */
  readyNow(): boolean {
    // A cluster may queue a command until a node connection opens: never treat it as sent.
    if (this.pool.isCluster) return false;
    for (const s of this.pool.slots) if (!Pool.ready(s)) return false;
    return true;
  }

  /** Throws `ERR_STATE_CLOSED` after close(). */
  assertOpen(op: string): void {
    if (this.closed) throw this.closedError(op);
  }

  private closedError(op: string): StateError {
    return new StateError('ERR_STATE_CLOSED', `[${SOURCE}] ${op}() called after close()`);
  }

  /**
   * Runs `fn` on a ready connection; settles within the command timeout. The common case (a
   * ready connection) adds one promise reaction to the command's own promise.
   */
  run<T, U = T>(
    op: string,
    key: string | undefined,
    fn: (c: Client) => Promise<T>,
    map?: (v: T) => U,
  ): Promise<U> {
    if (this.closed) return Promise.reject(this.closedError(op));
    const slot = this.pool.pick();
    if (!Pool.ready(slot)) return this.runLate(op, key, fn, slot, map);
    try {
      // A cluster client may follow redirections and wait for a slot refresh: bound it here.
      if (this.pool.isCluster) {
        return this.withDeadline(
          op,
          this.send(slot, fn, op, key, map),
          Date.now() + this.timeoutMs,
        );
      }
      return this.send(slot, fn, op, key, map);
    } catch (err) {
      return Promise.reject(toStateError(err, op, key, this.secrets));
    }
  }

  private async runLate<T, U>(
    op: string,
    key: string | undefined,
    fn: (c: Client) => Promise<T>,
    slot: Slot,
    map: ((v: T) => U) | undefined,
  ): Promise<U> {
    const deadline = Date.now() + this.timeoutMs;
    try {
      await this.pool.waitReady(slot, op, deadline);
    } catch (err) {
      throw toStateError(err, op, key, this.secrets);
    }
    return this.withDeadline(op, this.send(slot, fn, op, key, map), deadline);
  }

  /** Runs `fn` on one node connection of a cluster (SCAN, UNLINK), with the same error mapping. */
  async runOn<T>(op: string, node: Redis, fn: (n: Redis) => Promise<T>): Promise<T> {
    this.assertOpen(op);
    try {
      return await this.withDeadline(op, fn(node), Date.now() + this.timeoutMs);
    } catch (err) {
      throw toStateError(err, op, undefined, this.secrets);
    }
  }

  /** The connections SCAN must visit: every master of a cluster, or one pooled connection. */
  async scanNodes(op: string): Promise<Redis[]> {
    if (!this.cluster) return [await this.run(op, undefined, async (c) => c as Redis)];
    const cluster = await this.run(op, undefined, async (c) => c as Cluster);
    return cluster.nodes('master');
  }

  /** Sends `fn`'s command; `map` shapes the reply in the same promise reaction. */
  private send<T, U>(
    slot: Slot,
    fn: (c: Client) => Promise<T>,
    op: string,
    key: string | undefined,
    map: ((v: T) => U) | undefined,
  ): Promise<U> {
    if (slot.inflight > 0 && !slot.corked && !this.pool.isCluster) {
      const stream = (slot.client as Redis).stream;
      if (stream?.writable) {
        stream.cork();
        slot.corked = true;
        process.nextTick(uncork, slot, stream);
      }
    }
    const p = fn(slot.client);
    slot.inflight++;
    return p.then(
      (v) => {
        slot.inflight--;
        return map ? map(v) : (v as unknown as U);
      },
      (err: unknown) => {
        slot.inflight--;
        throw toStateError(err, op, key, this.secrets);
      },
    );
  }

  private withDeadline<T>(op: string, p: Promise<T>, deadline: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            unavailable(
              op,
              `no answer within ${this.timeoutMs} ms (\`command_timeout_ms\`)`,
              undefined,
              this.secrets,
            ),
          ),
        Math.max(0, deadline - Date.now()),
      );
    });
    return Promise.race([p, timeout])
      .catch((err: unknown) => {
        throw toStateError(err, op, undefined, this.secrets);
      })
      .finally(() => clearTimeout(timer));
  }
}
