import { InvalidArgumentError } from 'commander';
import { usageError } from '../errors.js';

/**
 * Wraps a parser for commander: our usage error becomes commander's, so the message reads
 * "option '--ttl <duration>' argument '0' is invalid. …" and the exit code is 2.
 */
export function commanderArg<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new InvalidArgumentError(
        message.replace(/^\[[^\]]+\] (invalid [a-z]+ "[^"]*": )?/, ''),
      );
    }
  };
}

/**
 * A positive whole number (a count or a batch size) up to 10,000,000.
 * @example parseCount('1000') // 1000
 */
export function parseCount(text: string): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 10_000_000) {
    throw usageError(`${JSON.stringify(text)} is not a whole number from 1 to 10000000`);
  }
  return n;
}
