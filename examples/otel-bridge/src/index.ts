import {
  type Attributes,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from '@opentelemetry/api';
import { type StateTraceContext, stateTracingChannel } from '@pforge/state-core';
// Every data method of a manager, each traced on its own channel.
import { DATA_METHODS } from '@pforge/state-core/backend';

/**
 * Turns every @pforge/state call into an OpenTelemetry CLIENT span named
 * `<operation> <namespace>`, with the database semantic-convention attributes the trace
 * context already carries, and `error.type` set to the `StateError` code on failure.
 * Returns a function that stops the bridge.
 * @example
 * const stop = bridgeStateTracing(trace.getTracer('my-server'));
 */
export function bridgeStateTracing(tracer: Tracer): () => void {
  const spans = new WeakMap<object, Span>();
  const handlers = {
    start(message: unknown) {
      const ctx = message as StateTraceContext;
      const attributes: Attributes = { ...ctx.attributes };
      spans.set(
        ctx,
        tracer.startSpan(`${ctx.operation} ${ctx.namespace}`, {
          kind: SpanKind.CLIENT,
          attributes,
        }),
      );
    },
    error(message: unknown) {
      const ctx = message as StateTraceContext;
      const span = spans.get(ctx);
      if (ctx.errorCode) span?.setAttribute('error.type', ctx.errorCode);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: (ctx.error as Error)?.message ?? '' });
    },
    asyncEnd(message: unknown) {
      spans.get(message as object)?.end();
    },
    // Node's typings (20.x) want all five handlers; these two have nothing to do.
    end() {},
    asyncStart() {},
  };
  const channels = DATA_METHODS.map((op) => stateTracingChannel(op));
  for (const channel of channels) channel.subscribe(handlers);
  return () => {
    for (const channel of channels) channel.unsubscribe(handlers);
  };
}
