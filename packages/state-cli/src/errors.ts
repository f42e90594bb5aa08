import { isStateError, StateError, type StateErrorCode } from '@pforge/state-core';

/** The package named in messages. */
export const SOURCE = '@pforge/state-cli';

/** Exit codes of `pforge-state`. */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** The command ran and failed (store unreachable, key not found, corrupt input, ...). */
  failure: 1,
  /** The command line itself is wrong: unknown command or flag, bad duration, bad number. */
  usage: 2,
  /** Stopped by Ctrl-C (SIGINT) after finishing the batch in flight: 128 + 2, as shells do. */
  interrupted: 130,
} as const;

const usageErrors = new WeakSet<object>();

/**
 * A `StateError` for a wrong command line (exit code 2). The message is one line and is
 * shown as is.
 */
export function usageError(
  message: string,
  code: StateErrorCode = 'ERR_STATE_INVALID_ARGUMENT',
): StateError {
  const err = new StateError(code, `[${SOURCE}] ${message}`);
  usageErrors.add(err);
  return err;
}

/** Whether `err` was made by {@link usageError}. */
export function isUsageError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && usageErrors.has(err);
}

/** A `StateError` for a failure of the command (exit code 1). */
export function failure(code: StateErrorCode, message: string, cause?: unknown): StateError {
  return new StateError(
    code,
    `[${SOURCE}] ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

/** The code and message to print for `err`: a `StateError`'s own, else the first line. */
export function describeError(err: unknown): { code: string; message: string } {
  if (isStateError(err)) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'ERR_STATE_BACKEND', message: message.split('\n')[0] ?? '' };
}
