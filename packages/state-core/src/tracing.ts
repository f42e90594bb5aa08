import { type TracingChannel, tracingChannel } from 'node:diagnostics_channel';
import type { DataMethod } from './operations.js';

/**
 * What every traced call carries (the `context` of `node:diagnostics_channel` tracing
 * events), named after the OpenTelemetry database semantic conventions so that a span bridge
 * copies `attributes` as they are.
 */
export interface StateTraceContext {
  /** The operation, e.g. `get`, `setMany`. */
  readonly operation: string;
  /** The backend name, e.g. `lmdb`. */
  readonly backend: string;
  /** The manager's namespace. */
  readonly namespace: string;
  /** How many keys the call names (1 for single-key calls, 0 for `keys`/`clear`). */
  readonly keyCount: number;
  /** OpenTelemetry attributes: `db.system.name`, `db.namespace`, `db.operation.name`, ... */
  readonly attributes: Readonly<Record<string, string | number>>;
  /** The error, once the call failed (set by `node:diagnostics_channel`). */
  error?: unknown;
  /** The `StateError` code of the failure (`error.type` in OpenTelemetry terms). */
  errorCode?: string;
  /** The call's result, once it succeeded (set by `node:diagnostics_channel`). */
  result?: unknown;
}

/** The prefix of every channel name: `pforge:state:<operation>`. */
export const TRACE_CHANNEL_PREFIX = 'pforge:state:';

/**
 * The `TracingChannel` of `operation` (`get`, `set`, ... `clear`): subscribe to it with
 * `start`/`end`/`asyncStart`/`asyncEnd`/`error` handlers to observe every call of every
 * manager. Named `pforge:state:<operation>`; with no subscriber it costs one check per call.
 * @example
 * stateTracingChannel('get').subscribe({ asyncEnd: (ctx) => count(ctx.backend) });
 */
export function stateTracingChannel(operation: string): TracingChannel<unknown, StateTraceContext> {
  return tracingChannel(`${TRACE_CHANNEL_PREFIX}${operation}`);
}

/** A traced operation's channel, with the cheap "anyone listening?" check. */
export interface OperationTracer {
  readonly channel: TracingChannel<unknown, StateTraceContext>;
  /** Whether any tracing event of this operation has a subscriber. */
  active(): boolean;
}

/**
 * `PFORGE_STATE_TRACING=off` in the environment (read once, when core loads) removes even the
 * one subscriber check per call: for an A/B of what tracing costs, or a process that must
 * never be traced.
 */
const TRACING_OFF = process.env.PFORGE_STATE_TRACING === 'off';
const never = (): boolean => false;

/** The tracer of `operation` (channels are global, so managers share them). */
export function tracerFor(operation: DataMethod | string): OperationTracer {
  const channel = stateTracingChannel(operation);
  if (TRACING_OFF) return { channel, active: never };
  // Each sub-channel is checked: TracingChannel#hasSubscribers is missing before Node 20.13.
  const { start, end, asyncStart, asyncEnd, error } = channel;
  return {
    channel,
    active: () =>
      start.hasSubscribers ||
      asyncEnd.hasSubscribers ||
      error.hasSubscribers ||
      end.hasSubscribers ||
      asyncStart.hasSubscribers,
  };
}

/** The context of one traced call. */
export function traceContext(
  operation: string,
  backend: string,
  namespace: string,
  keyCount: number,
): StateTraceContext {
  const attributes: Record<string, string | number> = {
    'db.system.name': backend,
    'db.namespace': namespace,
    'db.operation.name': operation,
  };
  if (keyCount > 1) attributes['db.operation.batch.size'] = keyCount;
  return { operation, backend, namespace, keyCount, attributes };
}
