import { type ConfigIssue, configError, resolveNamespace } from '@pforge/state-core';
import type { RedisNodeAddress, RedisStateOptions, ResolvedRedisOptions } from './options.js';
import { redactUrl } from './redact.js';

const SOURCE = '@pforge/state-redis';

interface ParsedUrl extends RedisNodeAddress {
  username: string | undefined;
  password: string | undefined;
  db: number;
  tls: boolean;
}

export function parseUrl(
  raw: string,
  path: string,
  issues: ConfigIssue[],
  allowDb: boolean,
): ParsedUrl | undefined {
  const shown = redactUrl(raw);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    issues.push({ path, message: `is not a valid URL (got "${shown}")` });
    return undefined;
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    issues.push({ path, message: `must start with redis:// or rediss:// (got "${shown}")` });
    return undefined;
  }
  if (!u.hostname) issues.push({ path, message: `has no host (got "${shown}")` });
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 9999 || (!allowDb && db !== 0)) {
    issues.push({
      path,
      message: allowDb
        ? `database must be a number like /0 (got "${shown}")`
        : `must not name a database (got "${shown}")`,
    });
  }
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? dec(u.username) : undefined,
    password: u.password ? dec(u.password) : undefined,
    db,
    tls: u.protocol === 'rediss:',
  };
}

export function parseNode(
  n: string | RedisNodeAddress,
  path: string,
  issues: ConfigIssue[],
): ParsedUrl | undefined {
  if (typeof n !== 'string')
    return { ...n, username: undefined, password: undefined, db: 0, tls: false };
  if (/^rediss?:\/\//i.test(n)) return parseUrl(n, path, issues, false);
  const m = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(n);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) {
    issues.push({
      path,
      message: `must be "host:port", a redis:// URL or { host, port } (got "${redactUrl(n)}")`,
    });
    return undefined;
  }
  return { host: m[1]!, port, username: undefined, password: undefined, db: 0, tls: false };
}

/**
 * Cross-field rules after the schema: one connection mode, URLs parsed, namespace checked.
 * Throws one `ERR_STATE_CONFIG` with every problem; secrets never appear in it.
 */
export function normalize(o: RedisStateOptions, root: string): ResolvedRedisOptions {
  const issues: ConfigIssue[] = [];
  const modes = (['url', 'cluster', 'sentinel', 'client'] as const).filter(
    (m) => o[m] !== undefined,
  );
  if (modes.length > 1) {
    issues.push({
      path: `${root}.${modes[1]}`,
      message: `cannot be combined with \`${modes[0]}\`: give one of \`url\`, \`cluster\`, \`sentinel\`${root === 'options' ? ', `client`' : ''}`,
    });
  }
  const mode = o.client ? 'client' : o.cluster ? 'cluster' : o.sentinel ? 'sentinel' : 'standalone';
  let namespace = 'pforge';
  try {
    namespace = resolveNamespace(o.namespace, SOURCE);
  } catch (err) {
    issues.push({
      path: `${root}.namespace`,
      message: (err as Error).message.replace(/^\[[^\]]*\] `namespace` /, ''),
    });
  }
  const url = o.url !== undefined ? parseUrl(o.url, `${root}.url`, issues, true) : undefined;
  const nodeList = o.cluster?.nodes ?? o.sentinel?.nodes ?? [];
  const nodesPath = `${root}.${o.cluster ? 'cluster' : 'sentinel'}.nodes`;
  const nodes = nodeList
    .map((n, i) => parseNode(n, `${nodesPath}.${i}`, issues))
    .filter((n): n is ParsedUrl => n !== undefined);
  const firstAuth = nodes.find((n) => n.password !== undefined || n.username !== undefined);
  const username = o.username ?? url?.username ?? (o.cluster ? firstAuth?.username : undefined);
  const password = o.password ?? url?.password ?? (o.cluster ? firstAuth?.password : undefined);
  const sentinelPassword = o.sentinel?.password ?? (o.sentinel ? firstAuth?.password : undefined);
  const wantsTls = o.tls !== undefined && o.tls !== false;
  const urlTls = (url?.tls ?? false) || nodes.some((n) => n.tls);
  if (o.tls === false && urlTls)
    issues.push({ path: `${root}.tls`, message: 'is false but a rediss:// URL asks for TLS' });
  if (issues.length > 0) throw configError(SOURCE, issues);
  return {
    mode,
    namespace,
    poolSize: o.poolSize ?? 1,
    connectTimeoutMs: o.connectTimeoutMs ?? 5000,
    commandTimeoutMs: o.commandTimeoutMs ?? 5000,
    host: url?.host ?? '127.0.0.1',
    port: url?.port ?? 6379,
    db: url?.db ?? 0,
    username,
    password,
    nodes: nodes.map(({ host, port }) => ({ host, port })),
    sentinelName: o.sentinel?.name,
    sentinelUsername: o.sentinel?.username ?? (o.sentinel ? firstAuth?.username : undefined),
    sentinelPassword,
    tls: wantsTls || urlTls ? (typeof o.tls === 'object' ? o.tls : {}) : undefined,
    client: o.client,
    secrets: [password, sentinelPassword, o.url && url?.password].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    ),
  };
}
