import { request as httpRequest } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp } from '../src/client/connect.js';
import { callTool } from '../src/client/tool-call.js';
import { assertBuilt, runToExit, startHttpServer, tempDir, writeConfig } from './helpers.js';

let cleanup: (() => unknown)[] = [];
beforeAll(assertBuilt);
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** A raw HTTP request (fetch cannot set `Host`). */
function request(
  url: URL,
  headers: Record<string, string>,
  method = 'POST',
): Promise<{ status: number | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode });
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

describe('over Streamable HTTP (SDK v2 handler)', () => {
  it('serves the tools to a 2026-07-28 client and stops on SIGTERM with exit code 0', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const s = await startHttpServer(writeConfig(tmp.dir, 'backend: memory'));
    const { client } = await connectHttp([s.url]);
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(8);
    expect((await callTool(client, 'state_stats')).data.backend).toBe('memory');
    // No session: a second client on the same server shares the state, nothing else.
    const other = await connectHttp([s.url]);
    await callTool(client, 'counter', { action: 'increment', name: 'x', by: 2 });
    expect((await callTool(other.client, 'counter', { action: 'get', name: 'x' })).data.value).toBe(
      2,
    );
    const read = await client.readResource({ uri: 'pforge-demo://counters/x' });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toEqual({
      name: 'x',
      value: 2,
    });
    await Promise.all([client.close(), other.client.close()]);
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).toContain('state closed');
  });

  it('refuses a foreign Host header, other paths and 2025 session requests; fails cleanly on a taken port', async () => {
    const tmp = tempDir();
    cleanup.push(tmp.remove);
    const config = writeConfig(tmp.dir, 'backend: memory');
    const s = await startHttpServer(config);
    cleanup.push(() => s.stop());
    const url = new URL(s.url);
    expect((await request(url, { host: 'evil.example' })).status).toBe(403);
    expect((await request(new URL('/other', url), {})).status).toBe(404);
    // Served stateless: a 2025-era GET (a session's event stream) has nothing to stream.
    expect((await request(url, {}, 'GET')).status).toBe(405);

    const taken = await runToExit(['--config', config, '--http', url.port]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^pforge-demo: cannot serve: .*EADDRINUSE/m);
    expect(taken.stderr).not.toMatch(/^\s+at /m);
  });
});
