import { redactUrl, writtenPassword } from './redact.js';
import type { RedisNodeAddress } from './types.js';

/** A parsed `redis[s]://` URL or node string. */
export interface ParsedAddress extends RedisNodeAddress {
  username: string | undefined;
  password: string | undefined;
  db: number;
  tls: boolean;
  /** The password as written in the string (not decoded), for redaction. */
  written: string | undefined;
}

const ENCODE_HINT = 'percent-encode `/`, `?`, `#` and `%` in a password';

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function urlProblem(u: URL, allowDb: boolean): string | undefined {
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    return 'must start with redis:// or rediss://';
  }
  if (!u.hostname) return 'has no host';
  // A query or fragment here is most likely a password's unencoded `?` or `#`.
  if (u.search || u.hash) return `must not have a query or fragment (${ENCODE_HINT})`;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 9999) {
    return `database must be a number like /0${u.username ? ` (${ENCODE_HINT})` : ''}`;
  }
  if (!allowDb && db !== 0) return 'must not name a database';
  return undefined;
}

/**
 * Parses a `redis[s]://[user[:password]@]host[:port][/db]` URL; returns what is wrong with it
 * instead (a message with the URL's credentials masked) when it is not one.
 */
export function parseUrl(raw: string, allowDb: boolean): ParsedAddress | string {
  const shown = redactUrl(raw);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    const hint = raw.includes('@') ? ` (${ENCODE_HINT})` : '';
    return `is not a valid URL${hint} (got "${shown}")`;
  }
  const problem = urlProblem(u, allowDb);
  if (problem !== undefined) return `${problem} (got "${shown}")`;
  const dbText = u.pathname.replace(/^\//, '');
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decode(u.username) : undefined,
    password: u.password ? decode(u.password) : undefined,
    db: dbText === '' ? 0 : Number(dbText),
    tls: u.protocol === 'rediss:',
    written: writtenPassword(raw),
  };
}

/**
 * Parses a cluster or sentinel node: `host:port`, a `redis[s]://` URL or `{ host, port }`;
 * returns what is wrong with it instead (credentials masked) when it is none of them.
 */
export function parseNode(n: string | RedisNodeAddress): ParsedAddress | string {
  const none = { username: undefined, password: undefined, db: 0, tls: false, written: undefined };
  if (typeof n !== 'string') return { ...n, ...none };
  if (/^rediss?:\/\//i.test(n)) return parseUrl(n, false);
  const m = /^\[?([^\]\s@/]+?)\]?:(\d{1,5})$/.exec(n);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) {
    const creds = n.includes('@') ? '; credentials need a redis:// URL' : '';
    return `must be "host:port", a redis:// URL or { host, port }${creds} (got "${redactUrl(n)}")`;
  }
  return { host: m[1]!, port, ...none };
}
