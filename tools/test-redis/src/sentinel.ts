import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, makeDir, removeDir, spawnServer, stopProcess, waitReady } from './process.js';
import { rawCommand } from './resp.js';
import { type RedisServer, startRedis } from './standalone.js';

/** A master, a replica and one sentinel started by {@link startSentinelSetup}. */
export interface SentinelSetup {
  /** The master group name the sentinel monitors. */
  readonly name: string;
  readonly master: RedisServer;
  readonly replica: RedisServer;
  /** `{ host, port }` of the sentinel, for a client's `sentinels` list. */
  readonly sentinels: readonly { host: string; port: number }[];
  /** The port the sentinel currently names as master. */
  currentMasterPort(): Promise<number>;
  /** Waits until the sentinel names a master other than `oldPort` (after a failover). */
  waitForFailover(oldPort: number, timeoutMs?: number): Promise<number>;
  /** Stops the sentinel and both servers. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startSentinelSetup}. */
export interface StartSentinelOptions {
  /** @default 'pforge-master' */
  name?: string;
  /** Sentinel's `down-after-milliseconds`. @default 1000 */
  downAfterMs?: number;
  /** Sentinel's `failover-timeout`. @default 3000 */
  failoverTimeoutMs?: number;
}

/**
 * Starts a master, one replica of it and one sentinel (`redis-server --sentinel`, quorum 1,
 * fast failover timings), and waits until the replica is in sync and the sentinel knows it.
 * @example
 * const s = await startSentinelSetup();
 * const client = new Redis({ sentinels: s.sentinels, name: s.name });
 */
export async function startSentinelSetup(
  options: StartSentinelOptions = {},
): Promise<SentinelSetup> {
  const name = options.name ?? 'pforge-master';
  const master = await startRedis({ label: 'redis-master' });
  const replica = await startRedis({
    label: 'redis-replica',
    config: { replicaof: `127.0.0.1 ${master.port}` },
  });
  const dir = makeDir('redis-sentinel');
  const port = await freePort();
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir "${dir}"`,
      `logfile "${join(dir, 'sentinel.log')}"`,
      `sentinel monitor ${name} 127.0.0.1 ${master.port} 1`,
      `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
      `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 3000}`,
      `sentinel parallel-syncs ${name} 1`,
      '',
    ].join('\n'),
  );
  const proc = spawnServer([conf, '--sentinel']);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopProcess(proc, 'SIGKILL');
    removeDir(dir);
    await Promise.all([master.stop(), replica.stop()]);
  };
  const currentMasterPort = async () => {
    const r = await rawCommand(port, ['SENTINEL', 'get-master-addr-by-name', name]);
    return Array.isArray(r) ? Number(r[1]) : Number.NaN;
  };
  try {
    await waitReady(port, proc, join(dir, 'sentinel.log'));
    await until(
      async () => {
        const info = await replica.command('INFO', 'replication');
        const replicas = await rawCommand(port, ['SENTINEL', 'replicas', name]);
        return (
          String(info).includes('master_link_status:up') &&
          Array.isArray(replicas) &&
          replicas.length >= 1
        );
      },
      20000,
      'replica in sync and known to the sentinel',
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    name,
    master,
    replica,
    sentinels: [{ host: '127.0.0.1', port }],
    currentMasterPort,
    async waitForFailover(oldPort, timeoutMs = 20000) {
      let now = oldPort;
      await until(
        async () => {
          now = await currentMasterPort();
          if (now === oldPort || Number.isNaN(now)) return false;
          const role = await rawCommand(now, ['ROLE']).catch(() => null);
          return Array.isArray(role) && role[0] === 'master';
        },
        timeoutMs,
        'sentinel failover',
      );
      return now;
    },
    stop,
  };
}

async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`@pforge/test-redis: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
