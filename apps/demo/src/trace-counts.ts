import { type StateTraceContext, stateTracingChannel } from '@pforge/state-core';
import { DATA_METHODS } from '@pforge/state-core/backend';

/** Calls of one operation on one backend, as the tracing channels reported them. */
export interface OperationCount {
  /** Calls that finished (succeeded or failed). */
  calls: number;
  /** Calls that failed. */
  errors: number;
}

/** What {@link TraceCounts.snapshot} returns. */
export interface TraceSnapshot {
  /** Calls per backend, then per operation (`get`, `increment`, ...). */
  byBackend: Record<string, Record<string, OperationCount>>;
  /** Failed calls per `StateError` code. */
  errorsByCode: Record<string, number>;
}

type Handlers = Parameters<ReturnType<typeof stateTracingChannel>['subscribe']>[0];

/**
 * Counts every state call of this process from core's `pforge:state:<operation>` tracing
 * channels (`node:diagnostics_channel`): the numbers `state_stats` reports. It sees every
 * manager of the process whose backend publishes traces, whatever opened it.
 */
export class TraceCounts {
  readonly #counts = new Map<string, Map<string, OperationCount>>();
  readonly #errorCodes = new Map<string, number>();
  readonly #handlers: Handlers = {
    start: () => {},
    end: () => {},
    asyncStart: () => {},
    asyncEnd: (ctx) => {
      this.#entry(ctx).calls++;
    },
    error: (ctx) => {
      this.#entry(ctx).errors++;
      const code = ctx.errorCode ?? 'unknown';
      this.#errorCodes.set(code, (this.#errorCodes.get(code) ?? 0) + 1);
    },
  };
  #subscribed = false;

  /** Starts counting (idempotent). */
  subscribe(): this {
    if (this.#subscribed) return this;
    this.#subscribed = true;
    for (const op of DATA_METHODS) stateTracingChannel(op).subscribe(this.#handlers);
    return this;
  }

  /** Stops counting (idempotent); the counts so far stay readable. */
  unsubscribe(): void {
    if (!this.#subscribed) return;
    this.#subscribed = false;
    for (const op of DATA_METHODS) stateTracingChannel(op).unsubscribe(this.#handlers);
  }

  /** The counts so far. */
  snapshot(): TraceSnapshot {
    const byBackend: TraceSnapshot['byBackend'] = {};
    for (const [backend, ops] of this.#counts) {
      byBackend[backend] = Object.fromEntries([...ops].map(([op, c]) => [op, { ...c }]));
    }
    return { byBackend, errorsByCode: Object.fromEntries(this.#errorCodes) };
  }

  #entry(ctx: StateTraceContext): OperationCount {
    let ops = this.#counts.get(ctx.backend);
    if (ops === undefined) {
      ops = new Map();
      this.#counts.set(ctx.backend, ops);
    }
    let count = ops.get(ctx.operation);
    if (count === undefined) {
      count = { calls: 0, errors: 0 };
      ops.set(ctx.operation, count);
    }
    return count;
  }
}
