/** How many recent tool-call durations {@link DemoStats} keeps. */
const RECENT_CALLS = 100;

/** A snapshot of what this process has served, for `state_stats`. */
export interface StatsSnapshot {
  /** Milliseconds since this process opened its state. */
  uptimeMs: number;
  /** Tool calls served by this process, by tool name. */
  callsByTool: Record<string, number>;
  /** Median and slowest of the last {@link RECENT_CALLS} tool calls, in ms. */
  recentCalls: { count: number; medianMs: number; maxMs: number };
  /** Answers of the cached tool served from the cache vs computed. */
  cache: { hits: number; misses: number };
  /** Calls of the rate-limited tool admitted vs refused. */
  rateLimit: { allowed: number; refused: number };
}

/** In-process counters and timings of the tool calls this server has answered. */
export class DemoStats {
  readonly #startedAt = performance.now();
  readonly #callsByTool = new Map<string, number>();
  readonly #recentMs: number[] = [];
  readonly cache = { hits: 0, misses: 0 };
  readonly rateLimit = { allowed: 0, refused: 0 };

  /** Records one finished tool call. */
  recordCall(tool: string, durationMs: number): void {
    this.#callsByTool.set(tool, (this.#callsByTool.get(tool) ?? 0) + 1);
    this.#recentMs.push(durationMs);
    if (this.#recentMs.length > RECENT_CALLS) this.#recentMs.shift();
  }

  /** The figures so far. */
  snapshot(): StatsSnapshot {
    const sorted = [...this.#recentMs].sort((a, b) => a - b);
    const median = sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
    return {
      uptimeMs: Math.round(performance.now() - this.#startedAt),
      callsByTool: Object.fromEntries(this.#callsByTool),
      recentCalls: {
        count: sorted.length,
        medianMs: round(median),
        maxMs: round(sorted.at(-1) ?? 0),
      },
      cache: { ...this.cache },
      rateLimit: { ...this.rateLimit },
    };
  }
}

/** Milliseconds rounded to 0.01. */
export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
