import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { createMemoryState } from '@pforge/state-memory';
import { afterAll, describe, expect, it } from 'vitest';
import { bridgeStateTracing } from '../src/index.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const stop = bridgeStateTracing(provider.getTracer('test'));
afterAll(async () => {
  stop();
  await provider.shutdown();
});

describe('bridgeStateTracing', () => {
  it('makes one CLIENT span per call, with the database attributes and error.type', async () => {
    exporter.reset();
    const state = createMemoryState({ namespace: 'shop' });
    try {
      await state.set('k', new TextEncoder().encode('v'));
      await state.getMany(['k', 'x', 'y']);
      await state.increment('k').catch(() => undefined);
      for await (const _ of state.keys());
    } finally {
      await state.close();
    }
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual([
      'set shop',
      'getMany shop',
      'increment shop',
      'keys shop',
    ]);
    expect(spans[0]!.attributes).toEqual({
      'db.system.name': 'memory',
      'db.namespace': 'shop',
      'db.operation.name': 'set',
    });
    expect(spans[1]!.attributes['db.operation.batch.size']).toBe(3);
    expect(spans[2]!.attributes['error.type']).toBe('ERR_STATE_NOT_A_COUNTER');
    expect(spans[2]!.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('stops: no span after the bridge is removed', async () => {
    const local = new InMemorySpanExporter();
    const p = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(local)] });
    const off = bridgeStateTracing(p.getTracer('t'));
    off();
    const state = createMemoryState();
    await state.get('k');
    await state.close();
    expect(local.getFinishedSpans()).toEqual([]);
  });
});
