import * as z from 'zod';
import type { DemoApp } from '../app.js';
import { defineTool } from '../tool.js';
import type { TraceSnapshot } from '../trace-counts.js';

/** Key counting stops here, so the call stays quick on a huge namespace. */
export const MAX_COUNTED_KEYS = 100_000;

const count = z.number().int();

/** `state_stats`: which backend, how many keys, what this process has served and asked of it. */
export const stateStatsTool = defineTool({
  name: 'state_stats',
  title: 'State statistics',
  description:
    'Reports the state backend and namespace, the number of keys in the namespace, and ' +
    'figures of the server process that answers: tool calls, recent call times, cache hits ' +
    'and misses, rate-limit decisions, event-bus traffic, and the state calls it made per ' +
    'backend and operation (counted from the pforge:state:* tracing channels).',
  annotations: { readOnlyHint: true },
  input: {},
  output: {
    backend: z.string(),
    namespace: z.string(),
    config_file: z.string(),
    pid: count.describe('the server process that answered'),
    key_count: count.nullable().describe('null when the backend could not be reached'),
    key_count_capped: z.boolean(),
    uptime_ms: z.number(),
    calls_by_tool: z.record(z.string(), count),
    recent_calls: z.object({ count, median_ms: z.number(), max_ms: z.number() }),
    cache: z.object({ hits: count, misses: count }),
    rate_limit: z.object({ allowed: count, refused: count }),
    event_bus: z.object({ published: count, received: count, skipped: count }),
    state_calls: z
      .record(z.string(), z.record(z.string(), z.object({ calls: count, errors: count })))
      .describe('per backend, then per operation: finished and failed calls (tracing channels)'),
    state_errors: z.record(z.string(), count).describe('failed state calls per error code'),
  },
  async run(_args, app) {
    const keyCount = await countKeys(app);
    const s = app.stats.snapshot();
    const traces = app.traces.snapshot();
    const data = {
      backend: app.info.backend,
      namespace: app.info.namespace,
      config_file: app.info.configFile,
      pid: process.pid,
      key_count: keyCount,
      key_count_capped: keyCount !== null && keyCount >= MAX_COUNTED_KEYS,
      uptime_ms: s.uptimeMs,
      calls_by_tool: s.callsByTool,
      recent_calls: {
        count: s.recentCalls.count,
        median_ms: s.recentCalls.medianMs,
        max_ms: s.recentCalls.maxMs,
      },
      cache: s.cache,
      rate_limit: s.rateLimit,
      event_bus: { ...app.bus.stats },
      state_calls: traces.byBackend,
      state_errors: traces.errorsByCode,
    };
    return {
      text:
        `${data.backend} backend, namespace "${data.namespace}": ` +
        `${keyCount ?? 'unknown number of'}${data.key_count_capped ? '+' : ''} keys; process ${data.pid} served ` +
        `${s.recentCalls.count} recent tool calls (median ${s.recentCalls.medianMs} ms) and ` +
        `made ${describeStateCalls(traces)}; cache ${s.cache.hits} hits / ${s.cache.misses} ` +
        `misses, rate limit ${s.rateLimit.allowed} allowed / ${s.rateLimit.refused} refused`,
      data,
    };
  },
});

/** The keys in the namespace (up to {@link MAX_COUNTED_KEYS}); null when the backend is unreachable. */
async function countKeys(app: DemoApp): Promise<number | null> {
  let n = 0;
  try {
    for await (const _key of app.state.keys()) {
      if (++n >= MAX_COUNTED_KEYS) break;
    }
  } catch {
    return null; // the failure is counted in `state_errors` like any other
  }
  return n;
}

/** `12 state calls (lmdb: increment 8, get 4; 1 failed: ERR_STATE_UNAVAILABLE)`. */
export function describeStateCalls(t: TraceSnapshot): string {
  const parts: string[] = [];
  let total = 0;
  for (const [backend, ops] of Object.entries(t.byBackend)) {
    const sorted = Object.entries(ops).sort((a, b) => b[1].calls - a[1].calls);
    total += sorted.reduce((sum, [, c]) => sum + c.calls, 0);
    parts.push(`${backend}: ${sorted.map(([op, c]) => `${op} ${c.calls}`).join(', ')}`);
  }
  if (total === 0) return 'no traced state calls (this backend publishes no pforge:state traces)';
  const failed = Object.entries(t.errorsByCode);
  const errors = failed.reduce((sum, [, n]) => sum + n, 0);
  const why = failed.map(([code, n]) => `${n} ${code}`).join(', ');
  return `${total} state calls (${parts.join('; ')}${errors ? `; failed: ${why}` : ''})`;
}
