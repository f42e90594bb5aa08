const MASK = '***';
/** A `scheme://` and what follows it up to a space or a quote (a URL in free text). */
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]*/gi;
/** Secrets shorter than this are not searched for in free text: they would mask ordinary words. */
const MIN_SECRET = 3;

/**
 * `url` with its credentials replaced: everything between `scheme://` (or the start, for a
 * `user:pass@host:port` node string) and the LAST `@`, because a host, port or `/db` never
 * holds an `@` while a password may hold several. The user name goes too: a password written
 * without one (`redis://pa:ss@host`) cannot be told from a user and a password.
 * @example maskCredentials('redis://app:p@ss@host/0') // 'redis://***@host/0'
 */
export function maskCredentials(url: string): string {
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  if (at < scheme.length) return url;
  return `${scheme}${MASK}${url.slice(at)}`;
}

/** `text` with the credentials of every URL in it masked (see {@link maskCredentials}). */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, maskCredentials);
}

/**
 * `text` with every URL's credentials and every given secret (as written and
 * percent-encoded) replaced by `***`.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = redactUrls(text);
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  const longestFirst = [...forms].filter((f) => f.length >= MIN_SECRET);
  longestFirst.sort((a, b) => b.length - a.length);
  for (const f of longestFirst) out = out.split(f).join(MASK);
  return out;
}

/**
 * A config string that may be a URL or a node address, for a message: credentials masked
 * (up to the last `@`, wherever the string's `/`, `?` or `#` are), at most 100 characters.
 */
export function redactUrl(url: string): string {
  const r = maskCredentials(url);
  return r.length > 100 ? `${r.slice(0, 100)}…` : r;
}

/**
 * The password of a URL or node string exactly as written (between the first `:` of the
 * userinfo and the last `@`), so messages can mask it even where it is not percent-encoded.
 */
export function writtenPassword(url: string): string | undefined {
  const at = url.lastIndexOf('@');
  if (at < 0) return undefined;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  const userinfo = url.slice(scheme.length, at);
  const colon = userinfo.indexOf(':');
  return colon < 0 ? userinfo : userinfo.slice(colon + 1);
}
