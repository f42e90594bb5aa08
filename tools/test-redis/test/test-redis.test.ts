import { afterAll, describe, expect, it } from 'vitest';
import {
  rawCommand,
  redisServerAvailable,
  skipWithoutRedis,
  startRedis,
  startRedisCluster,
  startSentinelSetup,
} from '../src/index.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(skipWithoutRedis())('@pforge/test-redis', () => {
  it('finds redis-server', () => {
    expect(redisServerAvailable()).toBe(true);
  });

  it('starts, kills, restarts on the same port with AOF data, and stops a standalone server', async () => {
    const r = await startRedis({
      password: 'p@ss w',
      config: { appendonly: 'yes', appendfsync: 'always' },
    });
    expect(r.url).toBe(`redis://:${encodeURIComponent('p@ss w')}@127.0.0.1:${r.port}`);
    expect(await r.command('SET', 'k', 'v')).toBe('OK');
    const first = r.pid;
    await r.kill();
    expect(alive(first)).toBe(false);
    await r.restart();
    expect(r.pid).not.toBe(first);
    expect(await r.command('GET', 'k')).toBe('v');
    const noAuth = await rawCommand(r.port, ['GET', 'k']);
    expect(String((noAuth as { message?: string }).message)).toMatch(/NOAUTH/);
    await r.stop();
    expect(alive(r.pid)).toBe(false);
  });

  describe('cluster', () => {
    let stop: () => Promise<void> = async () => {};
    afterAll(() => stop());
    it('starts 3 masters covering every slot', async () => {
      const c = await startRedisCluster();
      stop = c.stop;
      expect(c.nodes).toHaveLength(3);
      const info = await c.nodes[0]!.command('CLUSTER', 'INFO');
      expect(String(info)).toContain('cluster_slots_assigned:16384');
    });
  });

  describe('sentinel', () => {
    let stop: () => Promise<void> = async () => {};
    afterAll(() => stop());
    it('fails over to the replica when the master is killed', async () => {
      const s = await startSentinelSetup();
      stop = s.stop;
      expect(await s.currentMasterPort()).toBe(s.master.port);
      await s.master.kill();
      expect(await s.waitForFailover(s.master.port)).toBe(s.replica.port);
    }, 30000);
  });
});
