import type { ConfigIssue } from './errors.js';

/** Option names whose values are treated as secrets. */
const SECRET_NAME = /pass|secret|token|auth|credential|url|uri|dsn|(^|_)key$|cert/i;
const MASK = '***';

/**
 * The strings of `options` that must never appear in a message: values of secret-like options
 * (`password`, `token`, `url`, ...), at any depth, and the credentials inside any URL.
 */
export function collectSecrets(
  options: unknown,
  out: string[] = [],
  secretParent = false,
): string[] {
  if (typeof options === 'string') {
    if (secretParent) out.push(options);
    const cred = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]*)@/i.exec(options)?.[1];
    if (cred) out.push(cred, ...cred.split(':').filter(Boolean));
    return out;
  }
  if (typeof options !== 'object' || options === null) return out;
  for (const [k, v] of Object.entries(options)) {
    collectSecrets(v, out, secretParent || (!Array.isArray(options) && SECRET_NAME.test(k)));
  }
  return out;
}

/** `text` with every secret of at least 3 characters replaced by `***`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
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
