import type { AuthInfo } from '@modelcontextprotocol/server';
import { invalidOption } from './errors.js';

/** The principal used for requests that carry no auth info (every such caller shares it). */
export const ANONYMOUS_PRINCIPAL = 'anonymous';

/** The part of an SDK `ServerContext` a principal is read from (any handler `ctx` fits). */
export interface PrincipalContext {
  http?: { authInfo?: AuthInfo | undefined } | undefined;
}

/** Who is calling: a principal string, or a handler context to read it from with {@link principalOf}. */
export type PrincipalSource = string | PrincipalContext;

/**
 * The caller's principal from a handler context: `sub:<subject>` when the validated auth info
 * carries a string `extra.sub`, else `client:<clientId>`, else {@link ANONYMOUS_PRINCIPAL}.
 * Never the access token.
 * @example principalOf(ctx) // 'client:my-app'
 */
export function principalOf(ctx: PrincipalContext): string {
  const auth = ctx.http?.authInfo;
  if (auth === undefined) return ANONYMOUS_PRINCIPAL;
  const sub = auth.extra?.sub;
  if (typeof sub === 'string' && sub !== '') return `sub:${sub}`;
  return `client:${auth.clientId}`;
}

/** The principal string of `source`. */
export function resolvePrincipal(source: PrincipalSource, where: string): string {
  if (typeof source === 'string') {
    if (source === '') invalidOption(where, 'the principal must be a non-empty string');
    return source;
  }
  if (typeof source !== 'object' || source === null) {
    invalidOption(where, 'the principal must be a string or a handler context');
  }
  return principalOf(source);
}
