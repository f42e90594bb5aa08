import { type ConfigIssue, configError, resolveNamespace } from '@pforge/state-core';
import { type ParsedAddress, parseNode, parseUrl } from './address.js';
import { SOURCE } from './source.js';
import type { RedisStateOptions, ResolvedRedisOptions } from './types.js';

function connectionMode(o: RedisStateOptions, root: string, issues: ConfigIssue[]) {
  const modes = (['url', 'cluster', 'sentinel', 'client'] as const).filter(
    (m) => o[m] !== undefined,
  );
  if (modes.length > 1) {
    issues.push({
      path: `${root}.${modes[1]}`,
      message: `cannot be combined with \`${modes[0]}\`: give one of \`url\`, \`cluster\`, \`sentinel\`${root === 'options' ? ', `client`' : ''}`,
    });
  }
  return o.client ? 'client' : o.cluster ? 'cluster' : o.sentinel ? 'sentinel' : 'standalone';
}

function namespaceOf(o: RedisStateOptions, root: string, issues: ConfigIssue[]): string {
  try {
    return resolveNamespace(o.namespace, SOURCE);
  } catch (err) {
    issues.push({
      path: `${root}.namespace`,
      message: (err as Error).message.replace(/^\[[^\]]*\] `namespace` /, ''),
    });
    return 'pforge';
  }
}

/** Every password given, in every form it was written, for the redaction of messages. */
function secretsOf(
  o: RedisStateOptions,
  addresses: readonly (ParsedAddress | undefined)[],
): string[] {
  const all = [o.password, o.sentinel?.password];
  for (const a of addresses) all.push(a?.password, a?.written);
  return [...new Set(all)].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

/**
 * Cross-field rules after the schema: one connection mode, URLs parsed, namespace checked.
 * Throws one `ERR_STATE_CONFIG` with every problem; secrets never appear in it.
 */
export function normalize(o: RedisStateOptions, root: string): ResolvedRedisOptions {
  const issues: ConfigIssue[] = [];
  const mode = connectionMode(o, root, issues);
  const namespace = namespaceOf(o, root, issues);
  const url = o.url !== undefined ? parseUrl(o.url, `${root}.url`, issues, true) : undefined;
  const nodeList = o.cluster?.nodes ?? o.sentinel?.nodes ?? [];
  const nodesPath = `${root}.${o.cluster ? 'cluster' : 'sentinel'}.nodes`;
  const parsed = nodeList.map((n, i) => parseNode(n, `${nodesPath}.${i}`, issues));
  const nodes = parsed.filter((n): n is ParsedAddress => n !== undefined);
  const firstAuth = nodes.find((n) => n.password !== undefined || n.username !== undefined);
  const urlTls = (url?.tls ?? false) || nodes.some((n) => n.tls);
  if (o.tls === false && urlTls)
    issues.push({ path: `${root}.tls`, message: 'is false but a rediss:// URL asks for TLS' });
  if (issues.length > 0) throw configError(SOURCE, issues);
  const wantsTls = o.tls !== undefined && o.tls !== false;
  return {
    mode,
    namespace,
    poolSize: o.poolSize ?? 1,
    connectTimeoutMs: o.connectTimeoutMs ?? 5000,
    commandTimeoutMs: o.commandTimeoutMs ?? 5000,
    host: url?.host ?? '127.0.0.1',
    port: url?.port ?? 6379,
    db: url?.db ?? 0,
    username: o.username ?? url?.username ?? (o.cluster ? firstAuth?.username : undefined),
    password: o.password ?? url?.password ?? (o.cluster ? firstAuth?.password : undefined),
    nodes: nodes.map(({ host, port }) => ({ host, port })),
    sentinelName: o.sentinel?.name,
    sentinelUsername: o.sentinel?.username ?? (o.sentinel ? firstAuth?.username : undefined),
    sentinelPassword: o.sentinel?.password ?? (o.sentinel ? firstAuth?.password : undefined),
    tls: wantsTls || urlTls ? (typeof o.tls === 'object' ? o.tls : {}) : undefined,
    client: o.client,
    secrets: secretsOf(o, [url, ...parsed]),
  };
}
