import type { ReportIssue } from '@pforge/state-core/backend';
import type { Cluster, Redis } from 'ioredis';
import { type ParsedAddress, parseNode, parseUrl } from './address.js';
import type { NodeList } from './option-schemas.js';
import type { RedisTlsOptions, ResolvedRedisOptions } from './types.js';

/** The options as the schemas give them, defaults applied (what `resolve` receives). */
export interface CheckedRedisOptions {
  namespace: string;
  url: string | undefined;
  username: string | undefined;
  password: string | undefined;
  poolSize: number;
  cluster: { nodes: NodeList } | undefined;
  sentinel:
    | {
        name: string;
        nodes: NodeList;
        username?: string | undefined;
        password?: string | undefined;
      }
    | undefined;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  tls: boolean | RedisTlsOptions | undefined;
  client: Redis | Cluster | undefined;
}

const MODES = ['url', 'cluster', 'sentinel', 'client'] as const;

/** The one connection the options ask for; a second one given is reported. */
function connectionMode(o: CheckedRedisOptions, report: ReportIssue) {
  const given = MODES.filter((m) => o[m] !== undefined);
  if (given.length > 1) {
    report(
      given[1]!,
      `cannot be combined with \`${given[0]}\`: give one of \`url\`, \`cluster\`, \`sentinel\` (or, in code, \`client\`)`,
    );
  }
  return o.client ? 'client' : o.cluster ? 'cluster' : o.sentinel ? 'sentinel' : 'standalone';
}

/** An address the schema already accepted, parsed again for its parts. */
const parsed = (a: ParsedAddress | string | undefined): ParsedAddress | undefined =>
  typeof a === 'string' ? undefined : a;

/** Every password given, in every form it was written, for the redaction of messages. */
function secretsOf(
  o: CheckedRedisOptions,
  addresses: readonly (ParsedAddress | undefined)[],
): string[] {
  const all = [o.password, o.sentinel?.password];
  for (const a of addresses) all.push(a?.password, a?.written);
  return [...new Set(all)].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

/**
 * The rules across options (one connection mode; no `tls: false` with a `rediss://`
 * address), then the form the engine uses: URLs and nodes parsed, credentials from wherever
 * they were given, every secret listed for redaction.
 */
export function resolveRedisOptions(
  o: CheckedRedisOptions,
  report: ReportIssue,
): ResolvedRedisOptions {
  const mode = connectionMode(o, report);
  const url = o.url === undefined ? undefined : parsed(parseUrl(o.url, true));
  const nodeList = o.cluster?.nodes ?? o.sentinel?.nodes ?? [];
  const nodes = nodeList.map((n) => parsed(parseNode(n))).filter((n) => n !== undefined);
  const firstAuth = nodes.find((n) => n.password !== undefined || n.username !== undefined);
  const urlTls = (url?.tls ?? false) || nodes.some((n) => n.tls);
  if (o.tls === false && urlTls) report('tls', 'is false but a rediss:// URL asks for TLS');
  const inCluster = o.cluster ? firstAuth : undefined;
  const inSentinel = o.sentinel ? firstAuth : undefined;
  return {
    mode,
    namespace: o.namespace,
    poolSize: o.poolSize,
    connectTimeoutMs: o.connectTimeoutMs,
    commandTimeoutMs: o.commandTimeoutMs,
    host: url?.host ?? '127.0.0.1',
    port: url?.port ?? 6379,
    db: url?.db ?? 0,
    username: o.username ?? url?.username ?? inCluster?.username,
    password: o.password ?? url?.password ?? inCluster?.password,
    nodes: nodes.map(({ host, port }) => ({ host, port })),
    sentinelName: o.sentinel?.name,
    sentinelUsername: o.sentinel?.username ?? inSentinel?.username,
    sentinelPassword: o.sentinel?.password ?? inSentinel?.password,
    tls: o.tls || urlTls ? (typeof o.tls === 'object' ? o.tls : {}) : undefined,
    client: o.client,
    secrets: secretsOf(o, [url, ...nodes]),
  };
}
