import type { Redis } from 'ioredis';

/** `s` with Redis glob characters (`* ? [ ] \`) escaped, so it matches only itself. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

/** Keys per SCAN call (a hint to Redis). */
export const SCAN_COUNT = 1000;

/**
 * SCANs every node in turn for keys starting with `prefix` and yields them in batches, lazily
 * (one SCAN page at a time). `run` sends one SCAN through the caller's error and deadline
 * handling. A batch may repeat keys of earlier batches (SCAN's contract); callers dedupe.
 */
export async function* scanPrefix(
  nodes: readonly Redis[],
  prefix: string,
  run: <T>(node: Redis, fn: (node: Redis) => Promise<T>) => Promise<T>,
): AsyncGenerator<string[]> {
  const match = `${escapeGlob(prefix)}*`;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await run(node, (n) =>
        n.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT),
      );
      cursor = next;
      if (batch.length > 0) yield batch;
    } while (cursor !== '0');
  }
}
