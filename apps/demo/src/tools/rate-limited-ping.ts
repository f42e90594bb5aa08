import * as z from 'zod';
import { PING_LIMIT, PING_WINDOW_MS } from '../settings.js';
import { defineTool } from '../tool.js';

/** `rate_limited_ping`: answers at most {@link PING_LIMIT} calls per caller per window. */
export const rateLimitedPingTool = defineTool({
  name: 'rate_limited_ping',
  title: 'Rate-limited ping',
  description:
    `Answers "pong", at most ${PING_LIMIT} times per ${PING_WINDOW_MS / 1000} s per caller ` +
    '(sliding window, shared by every server on the same state). Reports the calls left, and ' +
    'when refused, how long to wait.',
  input: {
    caller: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "_", "@" or "-"')
      .default('anonymous')
      .describe('who is calling: each caller has its own limit'),
  },
  output: {
    caller: z.string(),
    allowed: z.boolean(),
    remaining: z.number().int(),
    limit: z.number().int(),
    window_ms: z.number().int(),
    retry_after_ms: z.number().int().describe('0 when allowed'),
    backend_unavailable: z.boolean().describe('refused because the state could not be reached'),
  },
  async run({ caller }, app) {
    const d = await app.patterns.pingLimiter.consume(caller);
    const data = {
      caller,
      allowed: d.allowed,
      remaining: d.remaining,
      limit: PING_LIMIT,
      window_ms: PING_WINDOW_MS,
      retry_after_ms: d.allowed ? 0 : Math.max(1, Math.ceil(d.retryAfterMs)),
      backend_unavailable: d.unavailable === true,
    };
    if (d.allowed) {
      app.stats.rateLimit.allowed++;
      return { text: `pong (${d.remaining} of ${PING_LIMIT} calls left in this window)`, data };
    }
    app.stats.rateLimit.refused++;
    const seconds = (data.retry_after_ms / 1000).toFixed(1);
    if (d.unavailable) {
      return {
        text: `refused: the state backend is unavailable, so the limit cannot be checked (the limiter fails closed); retry in ${seconds} s`,
        data,
        isError: true,
      };
    }
    return {
      text: `rate limited: ${PING_LIMIT} calls per ${PING_WINDOW_MS / 1000} s used; retry in ${seconds} s`,
      data,
      isError: true,
    };
  },
});
