import { StateError } from '@pforge/state-core';
import { type ConfigIssue, configError, suggestName } from '@pforge/state-core/backend';

/** Options of {@link createKeyvAdapter}. */
export interface KeyvAdapterOptions {
  /**
   * Whether `disconnect()` (which Keyv's and cache-manager's `disconnect()` call) also closes
   * the manager. Leave it `false` when the manager is shared or closed by its opener.
   * @default false
   */
  closeOnDisconnect?: boolean;
  /**
   * How many keys `iterator()` reads per `getMany` while walking a namespace: a count, from 1
   * to 10,000. Larger batches mean fewer round trips and more memory per step.
   * @default 100
   */
  iterationBatchSize?: number;
}

/** {@link KeyvAdapterOptions} with every default applied. */
export interface ResolvedKeyvAdapterOptions {
  /** See {@link KeyvAdapterOptions.closeOnDisconnect}. */
  readonly closeOnDisconnect: boolean;
  /** See {@link KeyvAdapterOptions.iterationBatchSize}. */
  readonly iterationBatchSize: number;
}

const SOURCE = '@pforge/state-keyv';
const KNOWN = ['closeOnDisconnect', 'iterationBatchSize'] as const;
const MAX_BATCH = 10_000;

function checkNames(input: Record<string, unknown>, issues: ConfigIssue[]): void {
  for (const name of Object.keys(input)) {
    if ((KNOWN as readonly string[]).includes(name)) continue;
    const hint = suggestName(name, KNOWN);
    issues.push({
      path: name,
      message: `unknown option${hint ? ` (did you mean \`${hint}\`?)` : ''}`,
    });
  }
}

/**
 * Checks `input` and applies the defaults; every problem is reported at once in one
 * `ERR_STATE_CONFIG` (two options do not need a schema library).
 * @example resolveOptions({ closeOnDisconnect: true }).iterationBatchSize // 100
 */
export function resolveOptions(input: unknown = {}): ResolvedKeyvAdapterOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new StateError('ERR_STATE_CONFIG', `[${SOURCE}] options must be an object`);
  }
  const o = input as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  checkNames(o, issues);
  const close = o.closeOnDisconnect ?? false;
  if (typeof close !== 'boolean') {
    issues.push({ path: 'closeOnDisconnect', message: 'must be true or false' });
  }
  const batch = o.iterationBatchSize ?? 100;
  if (!Number.isSafeInteger(batch) || (batch as number) < 1 || (batch as number) > MAX_BATCH) {
    issues.push({
      path: 'iterationBatchSize',
      message: `must be an integer from 1 to ${MAX_BATCH}`,
    });
  }
  if (issues.length > 0) throw configError(SOURCE, issues);
  return { closeOnDisconnect: close as boolean, iterationBatchSize: batch as number };
}
