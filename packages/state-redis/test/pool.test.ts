import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, type RedisServer, skipWithoutRedis, startRedis } from '@pforge/test-redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisState } from '../src/index.js';
import { dec, enc, ns, sleep } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/failed-open.ts', import.meta.url));

/** Runs the fixture; resolves how long the process lived after the open rejected. */
function lingerAfterRejection(mode: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, mode, String(port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(kill);
      const m = /rejected ERR_STATE_UNAVAILABLE (\d+)/.exec(out);
      if (code !== 0 || !m) reject(new Error(`exit ${code} ${signal}: ${out}`));
      else resolve(Date.now() - Number(m[1]));
    });
  });
}

const pforgeClients = async (admin: Redis): Promise<string[]> =>
  ((await admin.client('LIST')) as string)
    .split('\n')
    .filter((l) => l.includes('name=pforge-state'))
    .map((l) => /id=(\d+)/.exec(l)![1]!);

describe.skipIf(skipWithoutRedis())('connection pool', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it('one connection dead and another idle: every call goes to the live one at once', async () => {
    const admin = new Redis(redis.port, '127.0.0.1');
    const m = await createRedisState({ url: redis.url, poolSize: 2, commandTimeoutMs: 3000 });
    try {
      const ids = await pforgeClients(admin);
      expect(ids).toHaveLength(2);
      const connected = Number(/connected_clients:(\d+)/.exec(await admin.info('clients'))![1]);
      // Full once one is gone: the killed connection cannot come back.
      await admin.config('SET', 'maxclients', String(connected - 1));
      await admin.client('KILL', 'ID', ids[0]!);
      await sleep(100);
      const t0 = Date.now();
      for (let i = 0; i < 10; i++) await m.set(`k${i}`, enc(String(i)));
      const got = await Promise.all(Array.from({ length: 10 }, (_, i) => m.get(`k${i}`)));
      expect(got.map(dec)).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      await admin.config('SET', 'maxclients', '10000');
      await m.close();
      admin.disconnect();
    }
  });

  it('many calls waiting for a connection: no MaxListenersExceededWarning, all served when it is back', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const m = await createRedisState({ url: redis.url, namespace: ns(), commandTimeoutMs: 15_000 });
    try {
      await redis.kill();
      await sleep(100);
      const calls = Array.from({ length: 50 }, (_, i) => m.set(`w${i}`, enc(String(i))));
      await sleep(300);
      await redis.restart();
      await Promise.all(calls);
      expect((await m.getMany(['w0', 'w49'])).map(dec)).toEqual(['0', '49']);
      await sleep(50); // warnings are emitted on the next tick
      expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await m.clear();
      await m.close();
    }
  }, 30_000);

  it('a failed open leaves nothing that keeps the process alive (standalone, cluster, sentinel; child processes)', async () => {
    const port = await freePort();
    const lingered = await Promise.all(
      ['standalone', 'cluster', 'sentinel'].map((mode) => lingerAfterRejection(mode, port)),
    );
    // ioredis's own disconnect timers kept it alive 2 s. A sentinel retry already waiting
    // (at most its delay, 300 ms here) still runs out; a process exits well under 1 s.
    for (const ms of lingered) expect(ms).toBeLessThan(1000);
  }, 30_000);
});
