import type { StateError } from '@pforge/state-core';
import type { Redis } from 'ioredis';
import { type Client, createClient, isClusterClient } from './client.js';
import { unavailable } from './errors.js';
import { loadScripts } from './scripts.js';
import type { ResolvedRedisOptions } from './types.js';

/** Calls waiting for a connection, at most (a bounded offline queue). */
export const MAX_WAITING = 10_000;

/** One connection (or cluster client) and its pipelining state. */
export interface Conn {
  readonly client: Client;
  /** Commands sent and not yet answered. */
  inflight: number;
  /** Writes are corked until the next tick (standalone only). */
  corked: boolean;
  /** Ready for our commands: set on `ready`, after the scripts were queued on it. */
  open: boolean;
}

/** A call waiting for its turn (see {@link Pool.enqueue}). */
export interface Waiter {
  readonly op: string;
  readonly deadline: number;
  /** Sends the call on `conn` (synchronously). */
  start(conn: Conn): void;
  fail(err: StateError): void;
  /** Starts only once nothing is in flight, and holds every later call until `release()`. */
  readonly exclusive?: boolean;
  /** A command of the running exclusive call: goes first and is not held. */
  readonly bypass?: boolean;
}

const EVENTS = ['ready', 'close', 'end', 'error'] as const;

/**
 * The connections of a manager (`pool_size`, or one borrowed client) and the order of its
 * calls. Calls in flight together share one connection, so Redis applies them in issue
 * order; only when that connection has nothing in flight does the next call move on, to the
 * next ready connection (so a dead one is skipped at once). A call that cannot go out at
 * once, or that would overtake a waiting one, waits in one FIFO queue, bounded in length
 * ({@link MAX_WAITING}) and in time (its deadline).
 */
export class Pool {
  readonly conns: readonly Conn[];
  readonly owned: boolean;
  readonly isCluster: boolean;
  lastError: unknown;
  /**
   * Set by `closePool`: a call still running then (a later page of `keys()` or `clear()`)
   * rejects with `ERR_STATE_CLOSED` instead of waiting for a connection that is gone.
   */
  closed = false;
  private current = 0;
  private readonly queue: Waiter[] = [];
  private held = false;
  private readonly listeners: [Client, string, (...args: unknown[]) => void][] = [];

  constructor(private readonly o: ResolvedRedisOptions) {
    this.owned = o.client === undefined;
    const clients = o.client
      ? [o.client]
      : Array.from({ length: o.poolSize }, () => createClient(o));
    this.conns = clients.map((client) => ({ client, inflight: 0, corked: false, open: false }));
    this.isCluster = isClusterClient(clients[0]!);
    for (const conn of this.conns) this.watch(conn);
  }

  /** One listener per event and connection, however many calls wait. */
  private watch(conn: Conn): void {
    const on = (event: (typeof EVENTS)[number], fn: (...args: unknown[]) => void) => {
      if (event === 'error' && !this.owned) return; // a borrowed client's errors are its owner's
      conn.client.on(event, fn);
      this.listeners.push([conn.client, event, fn]);
    };
    on('ready', () => this.opened(conn));
    on('close', () => {
      conn.open = false;
    });
    on('end', () => {
      conn.open = false;
    });
    on('error', (err) => {
      this.lastError = err;
    });
    if (conn.client.status === 'ready') this.opened(conn);
  }

  private opened(conn: Conn): void {
    if (!this.isCluster) loadScripts(conn.client as Redis);
    conn.open = true;
    this.drain();
  }

  /** Whether `conn` can take a command now. */
  static ready(conn: Conn): boolean {
    return conn.open && conn.client.status === 'ready';
  }

  /** The connection a call issued now goes out on, or `undefined` when it must wait. */
  pick(): Conn | undefined {
    if (this.queue.length > 0 || this.held) return undefined;
    return this.choose();
  }

  /**
   * The connection with calls in flight (so a new call stays behind them), else the next
   * ready one after it; `undefined` when none may take a call now.
   */
  choose(): Conn | undefined {
    const conns = this.conns;
    const cur = conns[this.current]!;
    if (cur.inflight > 0) return Pool.ready(cur) ? cur : undefined;
    for (let i = 1; i <= conns.length; i++) {
      const j = (this.current + i) % conns.length;
      if (Pool.ready(conns[j]!)) {
        this.current = j;
        return conns[j];
      }
    }
    return undefined;
  }

  /** Queues `w` (rejecting it at once when {@link MAX_WAITING} calls already wait). */
  enqueue(w: Waiter): void {
    if (this.queue.length >= MAX_WAITING) {
      const why = `${MAX_WAITING} calls are already waiting for a connection`;
      w.fail(unavailable(w.op, why, this.lastError, this.o.secrets));
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const queued: Waiter = {
      ...w,
      start: (conn) => {
        clearTimeout(timer);
        w.start(conn);
      },
      fail: (err) => {
        clearTimeout(timer);
        w.fail(err);
      },
    };
    timer = setTimeout(() => this.expire(queued), Math.max(0, w.deadline - Date.now()));
    if (w.bypass) this.queue.unshift(queued);
    else this.queue.push(queued);
    this.drain();
  }

  private expire(w: Waiter): void {
    const i = this.queue.indexOf(w);
    if (i < 0) return;
    this.queue.splice(i, 1);
    const why = `no connection within ${this.o.commandTimeoutMs} ms (\`command_timeout_ms\`)`;
    w.fail(unavailable(w.op, why, this.lastError, this.o.secrets));
    if (i === 0) this.drain();
  }

  /** Rejects every waiting call with `err` (at close). */
  failAll(err: StateError): void {
    for (const w of this.queue.splice(0)) w.fail(err);
  }

  /** Removes every listener this pool added (a borrowed client outlives the manager). */
  unwatch(): void {
    for (const [client, event, fn] of this.listeners.splice(0)) client.off(event, fn);
  }

  /** Starts waiting calls, in order, while they may go out. */
  drain(): void {
    while (this.queue.length > 0) {
      const w = this.queue[0]!;
      if (this.held && !w.bypass) return;
      if (w.exclusive && this.conns[this.current]!.inflight > 0) return;
      const conn = this.choose();
      if (conn === undefined) return;
      this.queue.shift();
      if (w.exclusive) this.held = true;
      w.start(conn);
    }
  }

  /** A command on `conn` settled. */
  settled(conn: Conn): void {
    conn.inflight--;
    if (conn.inflight === 0 && this.queue.length > 0) this.drain();
  }

  /** The exclusive call is done: later calls may go. */
  release(): void {
    this.held = false;
    this.drain();
  }
}
