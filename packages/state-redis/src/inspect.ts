import type { InspectionValue } from '@pforge/state-core';
import type { Redis } from 'ioredis';
import { type Client, isClusterClient } from './client.js';
import type { Runner } from './runner.js';

/** What {@link inspectRedis} resolves (the names an operator's tools rely on). */
export interface RedisInspection extends Record<string, InspectionValue> {
  /** How the manager reaches Redis. */
  mode: 'standalone' | 'sentinel' | 'cluster';
  /** The server's version; on a cluster the lowest of the masters'. @example '7.2.4' */
  redis_version: string;
  /** Memory Redis uses (INFO `used_memory`), in bytes; on a cluster summed over the masters. */
  used_memory_bytes: number;
  /** What survives a restart: on a cluster only what every master does. */
  persistence: 'aof' | 'rdb' | 'aof+rdb' | 'none';
  /** Connections the manager holds (`pool_size`; 1 for a borrowed client). */
  pool_size: number;
}

interface NodeFacts {
  version: string;
  usedMemory: number;
  aof: boolean;
  rdb: boolean;
}

function fields(info: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of info.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return out;
}

/** Reads one server's figures; `run` sends a command to it. */
async function nodeFacts(run: <T>(fn: (c: Redis) => Promise<T>) => Promise<T>): Promise<NodeFacts> {
  const [server, memory, persistence, save] = await Promise.all([
    run((c) => c.info('server')),
    run((c) => c.info('memory')),
    run((c) => c.info('persistence')),
    // Managed services often refuse CONFIG: then INFO's snapshot count tells.
    run((c) => c.config('GET', 'save') as Promise<unknown>).catch(() => undefined),
  ]);
  const p = fields(persistence);
  const saveRule = Array.isArray(save) ? String(save[1] ?? '') : undefined;
  return {
    version: fields(server).get('redis_version') ?? 'unknown',
    usedMemory: Number(fields(memory).get('used_memory') ?? Number.NaN),
    aof: p.get('aof_enabled') === '1',
    rdb: saveRule !== undefined ? saveRule.trim() !== '' : Number(p.get('rdb_saves') ?? 0) > 0,
  };
}

const versionKey = (v: string): number[] => v.split('.').map((n) => Number(n) || 0);
function lowest(versions: string[]): string {
  return versions.reduce((a, b) => {
    const [x, y] = [versionKey(a), versionKey(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0) ? a : b;
    }
    return a;
  });
}

function modeOf(client: Client): RedisInspection['mode'] {
  if (isClusterClient(client)) return 'cluster';
  const sentinels = (client as { options?: { sentinels?: unknown } }).options?.sentinels;
  return Array.isArray(sentinels) && sentinels.length > 0 ? 'sentinel' : 'standalone';
}

/** Reads the figures of `inspectState` from Redis (INFO, CONFIG GET save), with the call's error rules. */
export async function inspectRedis(r: Runner): Promise<RedisInspection> {
  const op = 'inspect';
  let facts: NodeFacts[];
  if (r.cluster) {
    const masters = await r.masters(op, r.run);
    facts = await Promise.all(masters.map((n) => nodeFacts((fn) => r.runOn(op, n, fn))));
  } else {
    facts = [await nodeFacts((fn) => r.run(op, undefined, (c) => fn(c as Redis)))];
  }
  const aof = facts.every((f) => f.aof);
  const rdb = facts.every((f) => f.rdb);
  return {
    mode: modeOf(r.pool.conns[0]!.client),
    redis_version: lowest(facts.map((f) => f.version)),
    used_memory_bytes: facts.reduce((sum, f) => sum + f.usedMemory, 0),
    persistence: aof && rdb ? 'aof+rdb' : aof ? 'aof' : rdb ? 'rdb' : 'none',
    pool_size: r.pool.conns.length,
  };
}
