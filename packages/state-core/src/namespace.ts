import { describeValue, StateError } from './errors.js';

/** The namespace a manager uses when none is given. */
export const DEFAULT_NAMESPACE = 'pforge';

/** The longest namespace, in UTF-16 code units. */
export const MAX_NAMESPACE_LENGTH = 256;

/**
 * Validates a namespace (a well-formed string of 1 to {@link MAX_NAMESPACE_LENGTH} chars) and
 * returns it, or {@link DEFAULT_NAMESPACE} when `undefined`. Throws `ERR_STATE_CONFIG`.
 */
export function resolveNamespace(namespace: unknown, source = '@pforge/state-core'): string {
  if (namespace === undefined) return DEFAULT_NAMESPACE;
  if (
    typeof namespace !== 'string' ||
    namespace.length === 0 ||
    namespace.length > MAX_NAMESPACE_LENGTH ||
    !namespace.isWellFormed()
  ) {
    throw new StateError(
      'ERR_STATE_CONFIG',
      `[${source}] \`namespace\` must be a well-formed string of 1 to ${MAX_NAMESPACE_LENGTH} characters (got ${describeValue(namespace)})`,
    );
  }
  return namespace;
}

/**
 * The string that starts every stored key of `namespace`: the namespace with `\` and `:`
 * escaped, then `:`. Readable (`pforge:` for the default) and prefix-free, so namespace `a`
 * with key `b:c` (`a:b:c`) never meets namespace `a:b` with key `c` (`a\:b:c`).
 * @example namespacePrefix('my-server') // 'my-server:'
 */
export function namespacePrefix(namespace: string): string {
  return `${namespace.replace(/[\\:]/g, (c) => `\\${c}`)}:`;
}
