import { MAX_TTL_MS } from '@pforge/state-core';
import { usageError } from './errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([0-9]+)(ms|s|m|h|d)?$/;

/**
 * Reads a duration written as a whole number with an optional unit: `250ms`, `30s`, `5m`,
 * `2h`, `7d`, or a bare number of milliseconds (`1500`). Returns milliseconds. Zero,
 * negatives, fractions, spaces, other units and anything above core's `MAX_TTL_MS` are a
 * usage error (`ERR_STATE_INVALID_TTL`) naming what was given.
 * @example parseDuration('5m') // 300000
 */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text);
  const [, digits, unit] = m ?? [];
  const ms =
    digits === undefined
      ? Number.NaN
      : Number(digits) * UNIT_MS[(unit ?? 'ms') as keyof typeof UNIT_MS];
  if (!Number.isSafeInteger(ms) || ms < 1 || ms > MAX_TTL_MS) {
    const why = m === null ? 'write a whole number and a unit' : 'it must be from 1ms to 3650d';
    throw usageError(
      `invalid duration ${JSON.stringify(text)}: ${why} (ms, s, m, h or d: 250ms, 30s, 5m, 2h, 7d)`,
      'ERR_STATE_INVALID_TTL',
    );
  }
  return ms;
}

/**
 * A short human rendering of a duration in milliseconds, largest units first, at most two.
 * @example formatDuration(5_430_000) // '1h 30m'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(' ');
}
