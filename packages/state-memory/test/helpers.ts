import { randomUUID } from 'node:crypto';

/** A random key or namespace, so tests never meet each other's data. */
export const rand = (prefix = 'k'): string => `${prefix}-${randomUUID()}`;

export const bytes = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds or `timeoutMs` passes; resolves whether it held. */
export async function waitFor(
  check: () => boolean,
  timeoutMs: number,
  everyMs = 10,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(everyMs);
  }
  return check();
}
