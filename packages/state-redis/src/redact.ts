/** Replaces the credentials of every URL (`scheme://user:password@`) in `text` with `***`. */
export function redactUrls(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^@/\s]*)@/gi,
    (_m, scheme: string, auth: string) => {
      const user = auth.includes(':') ? auth.slice(0, auth.indexOf(':')) : '';
      return `${scheme}${user ? `${user}:` : ':'}***@`;
    },
  );
}

/** `text` with every URL's credentials and every given secret (raw and URL-encoded) replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = redactUrls(text);
  for (const s of secrets) {
    if (s.length === 0) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('***');
  }
  return out;
}

/** A URL for messages: credentials replaced by `***`, at most 100 chars. */
export function redactUrl(url: string): string {
  const r = redactUrls(url);
  return r.length > 100 ? `${r.slice(0, 100)}…` : r;
}
