import { isStateError } from '@pforge/state-core';

/** A one-line message for a failure: the state code when there is one, never a stack. */
export function describeError(err: unknown): string {
  if (isStateError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
