/** Every code a {@link StateError} can carry (see docs/contract.md, "Errors"). */
export const STATE_ERROR_CODES = [
  'ERR_STATE_INVALID_KEY',
  'ERR_STATE_INVALID_VALUE',
  'ERR_STATE_INVALID_TTL',
  'ERR_STATE_INVALID_ARGUMENT',
  'ERR_STATE_NOT_A_COUNTER',
  'ERR_STATE_OUT_OF_RANGE',
  'ERR_STATE_CONFIG',
  'ERR_STATE_CLOSED',
  'ERR_STATE_UNAVAILABLE',
  'ERR_STATE_SERIALIZATION',
  'ERR_STATE_BACKEND',
] as const;

/** A stable error code; see {@link STATE_ERROR_CODES}. */
export type StateErrorCode = (typeof STATE_ERROR_CODES)[number];

/** One problem found in a config or options object. */
export interface ConfigIssue {
  /** Dot-path of the option, e.g. `state.cluster.nodes.0`. */
  path: string;
  /** What is wrong, in a sentence (never the option's value when it may be a secret). */
  message: string;
}

/** Options of the {@link StateError} constructor. */
export interface StateErrorOptions {
  /** The underlying error. */
  cause?: unknown;
  /** For `ERR_STATE_CONFIG`: every problem found, each with its dot-path. */
  issues?: readonly ConfigIssue[];
}

/**
 * The one error class of @pforge/state. `code` is stable; `message` names the key, option or
 * backend concerned and never holds a secret; `cause` holds the underlying error.
 * @example
 * throw new StateError('ERR_STATE_CONFIG', '[@pforge/state-redis] `url` must start with redis://');
 */
export class StateError extends Error {
  override readonly name = 'StateError' as const;
  /** The stable code of this failure. */
  readonly code: StateErrorCode;
  /** For `ERR_STATE_CONFIG`: every problem found, each with its dot-path (also in `message`). */
  readonly issues?: readonly ConfigIssue[];

  /**
   * `err instanceof StateError` holds for a StateError made by ANY copy of this package (the
   * ESM and the CJS build, or two installed versions): it checks `name` and `code` as
   * {@link isStateError} does, so a CommonJS app sees errors of ESM-loaded backends as its own.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isStateError(value);
  }

  constructor(code: StateErrorCode, message: string, options?: StateErrorOptions) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    if (options?.issues) this.issues = options.issues;
  }
}

const codeSet: ReadonlySet<string> = new Set(STATE_ERROR_CODES);

/**
 * Whether `err` is a {@link StateError} (optionally with `code`). Checks `name` and `code`
 * rather than `instanceof`, so it holds when both the ESM and the CJS build are loaded.
 * @example if (isStateError(err, 'ERR_STATE_UNAVAILABLE')) retryLater();
 */
export function isStateError(err: unknown, code?: StateErrorCode): err is StateError {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  if (e.name !== 'StateError' || typeof e.code !== 'string' || !codeSet.has(e.code)) return false;
  return code === undefined || e.code === code;
}

/** A short, safe rendering of a user-given value for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    // Long strings are cut, and only then is their length worth saying.
    if (value.length <= 60) return JSON.stringify(value);
    return `${JSON.stringify(`${value.slice(0, 60)}…`)} (${value.length} chars)`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.byteLength})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'function') return 'function';
  if (typeof value === 'symbol') return 'symbol';
  const name = (value as object).constructor?.name;
  return typeof name === 'string' && name !== 'Object' ? `${name} object` : 'object';
}
