import { inspectState, stateInfo } from '@pforge/state-core';
import { rawCommand, skipWithoutRedis } from '@pforge/test-redis';
import { describe, expect, it } from 'vitest';
import { createRedisState } from '../src/index.js';
import { ns, serversForSuite } from './helpers.js';

const usedMemory = async (port: number): Promise<number> =>
  Number(/used_memory:(\d+)/.exec(String(await rawCommand(port, ['INFO', 'memory'])))![1]);

describe.skipIf(skipWithoutRedis())('inspection for operators (inspectState)', () => {
  const servers = serversForSuite();

  it('standalone: mode, version, memory, persistence as configured, pool size', async () => {
    const namespace = ns('insp');
    const m = await createRedisState({ url: servers.redis.url, namespace, poolSize: 2 });
    try {
      expect(stateInfo(m)).toEqual({
        backend: 'redis',
        source: '@pforge/state-redis',
        namespace,
        settlesLocally: false,
      });
      const version = /redis_version:(\S+)/.exec(
        String(await servers.redis.command('INFO', 'server')),
      )![1];
      const seen: string[] = [];
      for (const [aof, save] of [
        ['no', ''],
        ['yes', ''],
        ['no', '3600 1'],
        ['yes', '3600 1'],
      ] as const) {
        await servers.redis.command('CONFIG', 'SET', 'appendonly', aof);
        await servers.redis.command('CONFIG', 'SET', 'save', save);
        const { details } = await inspectState(m);
        expect(Object.keys(details).sort()).toEqual(
          ['mode', 'persistence', 'pool_size', 'redis_version', 'used_memory_bytes'].sort(),
        );
        expect(details).toMatchObject({ mode: 'standalone', redis_version: version, pool_size: 2 });
        expect(details.used_memory_bytes).toBeGreaterThan(100_000);
        seen.push(String(details.persistence));
      }
      expect(seen).toEqual(['none', 'aof', 'rdb', 'aof+rdb']);
    } finally {
      await servers.redis.command('CONFIG', 'SET', 'appendonly', 'no');
      await m.close();
    }
    await expect(inspectState(m)).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
  });

  it('cluster: used memory summed over the masters, persistence of every master', async () => {
    const m = await createRedisState({
      cluster: { nodes: servers.cluster.addresses },
      namespace: ns(),
    });
    try {
      const before = (
        await Promise.all(servers.cluster.nodes.map((n) => usedMemory(n.port)))
      ).reduce((a, b) => a + b);
      const { details } = await inspectState(m);
      const after = (
        await Promise.all(servers.cluster.nodes.map((n) => usedMemory(n.port)))
      ).reduce((a, b) => a + b);
      expect(details).toMatchObject({ mode: 'cluster', persistence: 'none', pool_size: 1 });
      const used = details.used_memory_bytes as number;
      // Memory moves a little between the reads: the sum, not one node's figure.
      expect(used).toBeGreaterThan(Math.min(before, after) * 0.9);
      expect(used).toBeLessThan(Math.max(before, after) * 1.1);
      await servers.cluster.nodes[0]!.command('CONFIG', 'SET', 'appendonly', 'yes');
      expect((await inspectState(m)).details.persistence).toBe('none'); // not every master
      await Promise.all(
        servers.cluster.nodes.map((n) => n.command('CONFIG', 'SET', 'appendonly', 'yes')),
      );
      expect((await inspectState(m)).details.persistence).toBe('aof');
    } finally {
      await Promise.all(
        servers.cluster.nodes.map((n) => n.command('CONFIG', 'SET', 'appendonly', 'no')),
      );
      await m.close();
    }
  });
});
