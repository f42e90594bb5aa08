import type { Redis } from 'ioredis';
import type { Runner, Send } from './runner.js';

/** `s` with Redis glob characters (`* ? [ ] \`) escaped, so it matches only itself. */
export function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

/** Keys per SCAN call (a hint to Redis). */
export const SCAN_COUNT = 1000;

type Page = [cursor: string, keys: string[]];

async function* pages(scan: (cursor: string) => Promise<Page>): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, batch] = await scan(cursor);
    cursor = next;
    if (batch.length > 0) yield batch;
  } while (cursor !== '0');
}

/**
 * SCANs for keys starting with `prefix` and yields them page by page, lazily: on a
 * standalone server through `send` (so a page goes out behind the calls issued before it),
 * on a cluster every master in turn. A page may repeat keys of earlier pages (SCAN's
 * contract); callers dedupe.
 */
export async function* scanPrefix(
  r: Runner,
  send: Send,
  op: string,
  prefix: string,
): AsyncGenerator<string[]> {
  const match = `${escapeGlob(prefix)}*`;
  const scan = (c: Redis, cursor: string) => c.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
  if (!r.cluster) {
    yield* pages((cursor) => send(op, undefined, (c) => scan(c as Redis, cursor)));
    return;
  }
  for (const node of await r.masters(op, send)) {
    yield* pages((cursor) => r.runOn(op, node, (n) => scan(n, cursor)));
  }
}

/**
 * Each key of `prefix` once, without the namespace (`ns.length` characters). SCAN may
 * return a key more than once (when the server resizes its table during the scan), so the
 * keys yielded so far are remembered: one iteration's memory grows with the keys it yields
 * (see the README for the measured cost per key).
 */
export async function* listKeys(r: Runner, ns: string, prefix: string): AsyncGenerator<string> {
  const seen = new Set<string>();
  for await (const page of scanPrefix(r, r.run, 'keys', prefix)) {
    for (const full of page) {
      if (seen.has(full)) continue;
      seen.add(full);
      yield full.slice(ns.length);
    }
  }
}

/** SCAN + UNLINK of every key starting with `prefix`, page by page; resolves how many. */
export function clearPrefix(
  r: Runner,
  prefix: string,
  unlink: (send: Send, keys: string[]) => Promise<number>,
): Promise<number> {
  return r.exclusive('clear', async (send) => {
    let removed = 0;
    for await (const page of scanPrefix(r, send, 'clear', prefix)) {
      removed += await unlink(send, page);
    }
    return removed;
  });
}
