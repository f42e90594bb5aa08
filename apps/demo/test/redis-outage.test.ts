import { type RedisServer, skipWithoutRedis, startRedis } from '@pforge/test-redis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callTool } from '../src/client/tool-call.js';
import { assertBuilt, connectStdio, type StdioSession, tempDir, writeConfig } from './helpers.js';

describe.skipIf(skipWithoutRedis())('when Redis goes away', () => {
  let redis: RedisServer | undefined;
  let session: StdioSession | undefined;
  let removeDir: (() => void) | undefined;
  beforeAll(assertBuilt);
  afterEach(async () => {
    await session?.close();
    await redis?.stop();
    removeDir?.();
  });

  it('answers with tool errors within seconds, keeps serving, and recovers', async () => {
    redis = await startRedis();
    const tmp = tempDir();
    removeDir = tmp.remove;
    session = await connectStdio([
      '--config',
      writeConfig(tmp.dir, `backend: redis\nurl: ${redis.url}`),
    ]);
    const { client } = session;
    expect((await callTool(client, 'counter', { action: 'increment' })).data.value).toBe(1);

    await redis.kill();
    const started = Date.now();
    const down = await callTool(client, 'counter', { action: 'increment' });
    expect(down.isError).toBe(true);
    expect(down.text).toContain('ERR_STATE_UNAVAILABLE');
    const ping = await callTool(client, 'rate_limited_ping', { caller: 'c' });
    expect(ping).toMatchObject({
      isError: true,
      data: { allowed: false, backend_unavailable: true },
    });
    expect(ping.text).toMatch(/unavailable/);
    // state_stats still answers, with the failures counted from the tracing channels.
    const stats = await callTool(client, 'state_stats');
    expect(stats.isError).toBe(false);
    expect(stats.data.key_count).toBeNull();
    expect(
      (stats.data.state_errors as Record<string, number>).ERR_STATE_UNAVAILABLE,
    ).toBeGreaterThanOrEqual(2);
    const redisCalls = (
      stats.data.state_calls as Record<string, Record<string, { errors: number }>>
    ).redis!;
    expect(redisCalls.increment!.errors).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(20_000);

    await redis.restart();
    let value: unknown;
    for (let i = 0; i < 50 && value === undefined; i++) {
      const r = await callTool(client, 'counter', { action: 'increment' });
      if (!r.isError) value = r.data.value;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(value).toBeGreaterThanOrEqual(1); // the first write is gone with the killed server (no AOF)
  });
});
