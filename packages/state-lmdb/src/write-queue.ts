/**
 * Group commit. Every write of every manager on one environment (and every read issued while
 * writes wait) joins one ordered queue. The queue is flushed once per tick, after the
 * microtasks of the current event-loop task have run (so calls issued together, or by
 * callers resuming from the same commit, share it), or at once when it reaches a size bound.
 * A flush runs every waiting operation, in issue order, inside ONE synchronous LMDB write
 * transaction, then settles their promises: after `commit` returned, i.e. after the commit is
 * as durable as the environment's level makes it (see `environment.ts`).
 *
 * A failing operation rejects alone. Operations validate before they write: a body throws a
 * `StateError` (ERR_STATE_NOT_A_COUNTER, ERR_STATE_OUT_OF_RANGE) only before its first write,
 * so catching it leaves the transaction exactly as the operations before it left it, and no
 * nested transaction is needed. Any other error (an LMDB failure) may leave the transaction
 * unusable: the group is aborted, nothing of it is committed, and each of its operations is
 * then run again in a transaction of its own, so only the ones that fail again reject.
 */
import { isStateError } from '@pforge/state-core';

/** Runs `body` in one synchronous write transaction and commits it; throws when it aborts. */
export type Commit = (body: () => void) => void;

/** The work of one operation inside a group's transaction; `now` is the group's clock. */
export type Body<T> = (now: number) => T;

/** The ordered write queue of one environment. */
export interface WriteQueue {
  /**
   * Runs `body` in the next group commit; resolves its result once the commit is durable, or
   * rejects with what it threw. `bytes` (an estimate of what it writes) counts toward the
   * size bound.
   */
  run<T>(body: Body<T>, bytes?: number): Promise<T>;
  /** Operations waiting for the next flush. */
  readonly size: number;
  /** Resolves once every operation queued so far has settled. */
  drain(): Promise<void>;
}

/** Size bounds of one group. */
export interface QueueLimits {
  /** Most operations in one transaction. @default 4096 */
  maxOperations?: number;
  /** Most bytes (as estimated by `run`) in one transaction. @default 64 MiB */
  maxBytes?: number;
}

interface Pending {
  body: Body<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const ignore = (): undefined => undefined;

/** Runs `pending` in one transaction; an operation's StateError is its own outcome. */
function runGroup(commit: Commit, pending: readonly Pending[]): Outcome[] {
  const outcomes = new Array<Outcome>(pending.length);
  commit(() => {
    const now = Date.now();
    for (let i = 0; i < pending.length; i++) {
      try {
        outcomes[i] = { ok: true, value: pending[i]!.body(now) };
      } catch (error) {
        if (!isStateError(error)) throw error;
        outcomes[i] = { ok: false, error };
      }
    }
  });
  return outcomes;
}

/** Runs each of `pending` alone, after its group aborted. */
function runAlone(commit: Commit, pending: readonly Pending[]): Outcome[] {
  return pending.map((p) => {
    try {
      return runGroup(commit, [p])[0]!;
    } catch (error) {
      return { ok: false, error };
    }
  });
}

function settle(pending: readonly Pending[], outcomes: readonly Outcome[]): void {
  for (let i = 0; i < pending.length; i++) {
    const o = outcomes[i]!;
    if (o.ok) pending[i]!.resolve(o.value);
    else pending[i]!.reject(o.error);
  }
}

/** Commits `group` in one transaction (or, when that aborts, each alone), then settles it. */
function commitGroup(commit: Commit, group: readonly Pending[]): void {
  let outcomes: Outcome[];
  try {
    outcomes = runGroup(commit, group);
  } catch (error) {
    outcomes = group.length === 1 ? [{ ok: false, error }] : runAlone(commit, group);
  }
  settle(group, outcomes);
}

/** A new, empty queue committing through `commit`. */
export function createWriteQueue(commit: Commit, limits: QueueLimits = {}): WriteQueue {
  const maxOperations = limits.maxOperations ?? 4096;
  const maxBytes = limits.maxBytes ?? 64 * 1024 * 1024;
  let waiting: Pending[] = [];
  let bytes = 0;
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    if (waiting.length === 0) return;
    const group = waiting;
    waiting = [];
    bytes = 0;
    commitGroup(commit, group);
  };
  // A microtask, then a tick: the tick queue runs once the microtask queue is empty, so every
  // call issued by the microtasks of the current task (continuations of awaited calls
  // included) joins this flush.
  const scheduleTick = (): void => {
    process.nextTick(flush);
  };

  const run = <T>(body: Body<T>, size = 0): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ body, resolve: resolve as (v: unknown) => void, reject });
      bytes += size;
      if (waiting.length >= maxOperations || bytes >= maxBytes) flush();
      else if (!scheduled) {
        scheduled = true;
        queueMicrotask(scheduleTick);
      }
    });

  return {
    run,
    get size() {
      return waiting.length;
    },
    drain: () => (waiting.length === 0 ? Promise.resolve() : run(ignore).then(ignore, ignore)),
  };
}
