/** The namespace a manager uses when none is given. */
export const DEFAULT_NAMESPACE = 'pforge';

/** The longest namespace, in UTF-16 code units. */
export const MAX_NAMESPACE_LENGTH = 256;

/**
 * The string that starts every stored key of `namespace`: the namespace with `\` and `:`
 * escaped, then `:`. Readable (`pforge:` for the default) and prefix-free, so namespace `a`
 * with key `b:c` (`a:b:c`) never meets namespace `a:b` with key `c` (`a\:b:c`).
 * @example namespacePrefix('my-server') // 'my-server:'
 */
export function namespacePrefix(namespace: string): string {
  return `${namespace.replace(/[\\:]/g, (c) => `\\${c}`)}:`;
}
