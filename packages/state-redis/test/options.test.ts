import { describe, expect, it } from 'vitest';
import { createRedisState, redisBackend, resolveOptions } from '../src/index.js';

function configError(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toMatchObject({ name: 'StateError', code: 'ERR_STATE_CONFIG' });
    return (err as Error).message;
  }
  throw new Error('expected ERR_STATE_CONFIG');
}

describe('resolveOptions (pure, before any I/O)', () => {
  it('maps snake_case YAML (nested names too) to the resolved options, defaults applied, and accepts numbers written as strings (from env variables)', () => {
    expect(
      resolveOptions({
        url: 'rediss://u:p%40ss@h:6380/2',
        pool_size: '3',
        connect_timeout_ms: 250,
        command_timeout_ms: '1500',
        tls: { ca_file: '/ca.pem', reject_unauthorized: 'true' },
        namespace: 'app',
      }),
    ).toEqual({
      mode: 'standalone',
      namespace: 'app',
      poolSize: 3,
      connectTimeoutMs: 250,
      commandTimeoutMs: 1500,
      host: 'h',
      port: 6380,
      db: 2,
      username: 'u',
      password: 'p@ss',
      nodes: [],
      sentinelName: undefined,
      sentinelUsername: undefined,
      sentinelPassword: undefined,
      tls: { caFile: '/ca.pem', rejectUnauthorized: true },
      client: undefined,
      secrets: ['p@ss', 'p%40ss'],
    });
    expect(resolveOptions(undefined)).toMatchObject({
      mode: 'standalone',
      namespace: 'pforge',
      poolSize: 1,
      connectTimeoutMs: 5000,
      commandTimeoutMs: 5000,
      host: '127.0.0.1',
      port: 6379,
      db: 0,
      tls: undefined,
    });
    expect(redisBackend.name).toBe('redis');
  });

  it('accepts cluster and sentinel node lists in every documented form', () => {
    const cluster = resolveOptions({
      cluster: {
        nodes: ['10.0.0.1:7000', { host: 'b', port: 7001 }, 'redis://:pw@c:7002', '[::1]:7003'],
      },
    });
    expect(cluster).toMatchObject({ mode: 'cluster', password: 'pw' });
    expect(cluster.nodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'b', port: 7001 },
      { host: 'c', port: 7002 },
      { host: '::1', port: 7003 },
    ]);
    expect(
      resolveOptions({ sentinel: { name: 'mymaster', nodes: ['s1:26379'], password: 'x' } }),
    ).toMatchObject({ mode: 'sentinel', sentinelName: 'mymaster', sentinelPassword: 'x' });
  });

  it('reports every problem at once with its dot-path', () => {
    const msg = configError(() =>
      resolveOptions({
        url: 'redis://h:6379/x',
        pool_size: 65,
        cluster: { nodes: ['nohost', 'h:99999'] },
        tls: { ca_fil: 'x' },
        sentinel: { nodes: [] },
      }),
    );
    expect(msg).toContain('`state.url`');
    expect(msg).toContain('`state.pool_size`: must be at most 64');
    expect(msg).toContain('`state.cluster.nodes.0`');
    expect(msg).toContain('`state.cluster.nodes.1`');
    expect(msg).toContain('`state.tls.ca_fil`');
    expect(msg).toContain('`state.sentinel.name`');
  });

  it('rejects two connection modes and a bad namespace', () => {
    expect(
      configError(() => resolveOptions({ url: 'redis://h', cluster: { nodes: ['h:1'] } })),
    ).toMatch(/`state.cluster`: cannot be combined with `url`/);
    expect(configError(() => resolveOptions({ namespace: '' }))).toContain('`state.namespace`');
    expect(configError(() => resolveOptions({ url: 'rediss://h', tls: false }))).toContain(
      '`state.tls`',
    );
  });

  it('says what a bad `tls`, an empty `url` and a YAML `client` should be, once each', () => {
    expect(configError(() => resolveOptions({ tls: 'yes' }))).toContain(
      '`state.tls`: must be true, false or a mapping of TLS settings',
    );
    const empty = configError(() => resolveOptions({ url: '' }));
    expect(empty).toContain('`state.url`: must not be empty');
    expect(empty).not.toContain('(2 problems)');
    expect(configError(() => resolveOptions({ client: {} }))).toContain(
      '`state.client`: can only be given in code',
    );
  });

  it('createRedisState checks code options (camelCase) before connecting', async () => {
    await expect(
      createRedisState({ poolSize: 0, url: 'redis://127.0.0.1:1' }),
    ).rejects.toMatchObject({
      code: 'ERR_STATE_CONFIG',
      message: expect.stringContaining('`options.poolSize`'),
    });
    await expect(createRedisState({ pool_size: 2 } as never)).rejects.toMatchObject({
      message: expect.stringContaining('did you mean `poolSize`'),
    });
  });
});
