import { request as httpRequest } from 'node:http';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { skipWithoutRedis, startRedis } from '@pforge/test-redis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callTool } from '../src/tool-call.js';
import {
  assertBuilt,
  connectHttp,
  type HttpServer,
  runToExit,
  startHttpServer,
  tempDir,
  writeConfig,
} from './helpers.js';

let cleanup: (() => unknown)[] = [];
beforeAll(assertBuilt);
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

async function server(config: string): Promise<{ server: HttpServer; client: Client }> {
  const s = await startHttpServer(config);
  cleanup.push(() => s.stop());
  const client = await connectHttp(s.url);
  cleanup.push(() => client.close());
  return { server: s, client };
}

/** A raw HTTP request (fetch cannot set `Host`). */
function request(
  url: URL,
  headers: Record<string, string>,
  method = 'POST',
): Promise<{ status: number | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode });
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

/** Two servers on two ports, one store: 100 increments through each, at once, make 200. */
async function twoServersCount(config: string): Promise<void> {
  const [a, b] = await Promise.all([server(config), server(config)]);
  expect(a.server.url.port).not.toBe(b.server.url.port);
  const name = `shared-${Math.random().toString(36).slice(2)}`;
  const hundred = (client: Client) =>
    Promise.all(
      Array.from({ length: 100 }, () => callTool(client, 'counter', { action: 'increment', name })),
    );
  const replies = (await Promise.all([hundred(a.client), hundred(b.client)])).flat();
  expect(replies.filter((r) => r.isError)).toEqual([]);
  const values = replies.map((r) => r.data.value as number).sort((x, y) => x - y);
  expect(values).toEqual(Array.from({ length: 200 }, (_, i) => i + 1)); // none lost, none twice
  for (const c of [a.client, b.client]) {
    expect((await callTool(c, 'counter', { action: 'get', name })).data.value).toBe(200);
  }
}

describe('over Streamable HTTP', () => {
  it('serves the tools over HTTP and stops on SIGTERM with exit code 0', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const s = await startHttpServer(writeConfig(tmp.dir, 'backend: memory'));
    const client = await connectHttp(s.url);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(7);
    expect((await callTool(client, 'state_stats')).data.backend).toBe('memory');
    // A second MCP session on the same server shares the state.
    const other = await connectHttp(s.url);
    await callTool(client, 'counter', { action: 'increment', name: 'x', by: 2 });
    expect((await callTool(other, 'counter', { action: 'get', name: 'x' })).data.value).toBe(2);
    await Promise.all([client.close(), other.close()]);
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).toContain('state closed');
  });

  it('refuses a foreign Host header and other paths, and fails cleanly on a taken port', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const config = writeConfig(tmp.dir, 'backend: memory');
    const s = await startHttpServer(config);
    cleanup.push(() => s.stop());
    const rebinding = await request(s.url, { host: 'evil.example' });
    expect(rebinding.status).toBe(403);
    const elsewhere = await request(new URL('/other', s.url), {});
    expect(elsewhere.status).toBe(404);
    const noSession = await request(s.url, {}, 'GET');
    expect(noSession.status).toBe(400);

    const taken = await runToExit(['--config', config, '--http', s.url.port]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^pforge-demo: cannot serve: .*EADDRINUSE/m);
    expect(taken.stderr).not.toMatch(/^\s+at /m);
  });

  it('two servers sharing one LMDB path count 100 + 100 concurrent increments to 200', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    await twoServersCount(writeConfig(tmp.dir, 'backend: lmdb\npath: ./state'));
  });

  describe.skipIf(skipWithoutRedis())('with Redis', () => {
    it('two servers sharing one Redis count 100 + 100 concurrent increments to 200', async () => {
      const redis = await startRedis();
      cleanup.push(() => redis.stop());
      const tmp = tempDir();
      cleanup.push(tmp.remove);
      await twoServersCount(writeConfig(tmp.dir, `backend: redis\nurl: ${redis.url}`));
    });
  });
});
