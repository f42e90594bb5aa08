import { inspect } from 'node:util';
import type { ConfigIssue } from './errors.js';

/** Option names whose whole values are secrets. */
const SECRET_NAME = /pass|secret|token|auth|credential|(^|_)key$|cert/i;
const MASK = '***';
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/**
 * A URL's userinfo inside free text: greedy up to the last `@` of the token. A URL with an
 * empty authority (`file:///…/.pnpm/@scope+pkg@1.0.0/…` in a stack trace) has none.
 */
const USERINFO_IN_TEXT = /([a-z][a-z0-9+.-]*:\/\/)(?!\/)[^\s"'`<>]*@/gi;

/**
 * The secret parts of a URL-like string: its userinfo (everything between `://` and the LAST
 * `@`, since a password may itself hold `@`, `/`, `#`, `?` or `:`) and the password within
 * it (after the first `:`), raw and percent-decoded. A user name alone is not secret; a
 * userinfo without `:` is a token and is.
 * @example urlSecrets('redis://app:p@ss@host:6379') // ['app:p@ss', 'p@ss']
 */
export function urlSecrets(text: string): string[] {
  const scheme = SCHEME.exec(text);
  if (!scheme) return [];
  const rest = text.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  if (at <= 0) return [];
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  const secret = colon < 0 ? userinfo : userinfo.slice(colon + 1);
  const out = [userinfo, secret];
  for (const s of out.slice()) {
    const decoded = safeDecode(s);
    if (decoded !== s) out.push(decoded);
  }
  return out.filter((s) => s !== '');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The strings of `options` that must never appear in a message: values of secret-like options
 * (`password`, `token`, `auth`, ...), at any depth, and the credentials inside any URL
 * (a URL itself is not secret: `url: http://nope` may be quoted).
 */
export function collectSecrets(
  options: unknown,
  out: string[] = [],
  secretParent = false,
): string[] {
  if (typeof options === 'string') {
    if (secretParent) out.push(options);
    out.push(...urlSecrets(options));
    return out;
  }
  if (typeof options !== 'object' || options === null) return out;
  // Options are data: a client or a store passed in code (cyclic, huge) is not walked.
  const proto = Object.getPrototypeOf(options);
  if (!Array.isArray(options) && proto !== Object.prototype && proto !== null) return out;
  for (const [k, v] of Object.entries(options)) {
    collectSecrets(v, out, secretParent || (!Array.isArray(options) && SECRET_NAME.test(k)));
  }
  return out;
}

/**
 * `text` with every secret of at least 3 characters replaced by `***`, and the userinfo of
 * any URL in it masked too (even when it was not collected).
 */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text.replace(USERINFO_IN_TEXT, `$1${MASK}@`);
  for (const s of [...new Set(secrets)]
    .filter((x) => x.length >= 3)
    .sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(MASK);
  }
  return out;
}

/** `issues` with every secret masked in their messages. */
export function redactIssues(
  issues: readonly ConfigIssue[],
  secrets: readonly string[],
): ConfigIssue[] {
  return issues.map((i) => ({ path: i.path, message: redactText(i.message, secrets) }));
}

/**
 * `err` itself when no secret shows anywhere in it (message, stack, cause chain, own
 * properties, as `util.inspect` prints them); otherwise a plain `Error` of the same name
 * carrying only the redacted first line of its message, so a `cause` never leaks.
 */
export function safeCause(err: unknown, secrets: readonly string[]): unknown {
  const shown = inspect(err, { depth: 10 });
  if (redactText(shown, secrets) === shown) return err;
  const first = err instanceof Error ? (err.message.split('\n')[0] ?? '') : 'error';
  const clean = new Error(redactText(first, secrets));
  clean.name = err instanceof Error ? err.name : 'Error';
  clean.stack = `${clean.name}: ${clean.message}`;
  return clean;
}
