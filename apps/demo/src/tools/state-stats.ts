import * as z from 'zod';
import { defineTool } from '../tool.js';

/** Key counting stops here, so the call stays quick on a huge namespace. */
export const MAX_COUNTED_KEYS = 100_000;

/** `state_stats`: which backend, how many keys, what this process has served. */
export const stateStatsTool = defineTool({
  name: 'state_stats',
  title: 'State statistics',
  description:
    'Reports the state backend and namespace, the number of keys in the namespace, and ' +
    'figures of this server process: calls per tool, recent call times, cache hits and ' +
    'misses, rate-limit decisions.',
  annotations: { readOnlyHint: true },
  input: {},
  output: {
    backend: z.string(),
    namespace: z.string(),
    config_file: z.string(),
    key_count: z.number().int(),
    key_count_capped: z.boolean(),
    uptime_ms: z.number(),
    calls_by_tool: z.record(z.string(), z.number().int()),
    recent_calls: z.object({ count: z.number().int(), median_ms: z.number(), max_ms: z.number() }),
    cache: z.object({ hits: z.number().int(), misses: z.number().int() }),
    rate_limit: z.object({ allowed: z.number().int(), refused: z.number().int() }),
  },
  async run(_args, ctx) {
    let keyCount = 0;
    for await (const _key of ctx.state.keys()) {
      if (++keyCount >= MAX_COUNTED_KEYS) break;
    }
    const s = ctx.stats.snapshot();
    const data = {
      backend: ctx.info.backend,
      namespace: ctx.info.namespace,
      config_file: ctx.info.configFile,
      key_count: keyCount,
      key_count_capped: keyCount >= MAX_COUNTED_KEYS,
      uptime_ms: s.uptimeMs,
      calls_by_tool: s.callsByTool,
      recent_calls: {
        count: s.recentCalls.count,
        median_ms: s.recentCalls.medianMs,
        max_ms: s.recentCalls.maxMs,
      },
      cache: s.cache,
      rate_limit: s.rateLimit,
    };
    return {
      text:
        `${data.backend} backend, namespace "${data.namespace}": ${keyCount}` +
        `${data.key_count_capped ? '+' : ''} keys; this process served ${s.recentCalls.count} ` +
        `recent calls (median ${s.recentCalls.medianMs} ms), cache ${s.cache.hits} hits / ` +
        `${s.cache.misses} misses, rate limit ${s.rateLimit.allowed} allowed / ${s.rateLimit.refused} refused`,
      data,
    };
  },
});
