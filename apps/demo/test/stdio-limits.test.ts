import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callTool } from '../src/client/tool-call.js';
import {
  assertBuilt,
  connectStdio,
  type StdioSession,
  tempDir,
  waitFor,
  writeConfig,
} from './helpers.js';

const MiB = 1024 * 1024;

describe('over stdio, a message over the SDK limit (10 MiB)', () => {
  let session: StdioSession | undefined;
  let remove: (() => void) | undefined;
  beforeAll(assertBuilt);
  afterEach(async () => {
    await session?.close();
    remove?.();
  });

  it('is answered with an error and logged; the server keeps serving, then stops cleanly', async () => {
    const tmp = tempDir();
    remove = tmp.remove;
    session = await connectStdio([
      '--config',
      writeConfig(tmp.dir, 'backend: lmdb\npath: ./state'),
    ]);
    const { client } = session;
    expect((await callTool(client, 'counter', { action: 'increment' })).data.value).toBe(1);

    const huge = { action: 'increment', name: 'x'.repeat(11 * MiB) };
    await expect(client.callTool({ name: 'counter', arguments: huge })).rejects.toThrow(
      /Invalid Request: the message is \d+ bytes, over the 10485760-byte limit/,
    );
    expect(session.stderr()).toMatch(
      /refused an MCP message of \d{8} bytes from the client .*id \d+\): answered with an error, still serving/,
    );

    // Two large messages back to back (12 MiB together) are each read and answered.
    const large = () => callTool(client, 'counter', { action: 'get', name: 'y'.repeat(6 * MiB) });
    const both = await Promise.all([large(), large()]);
    expect(both.map((r) => r.isError)).toEqual([true, true]);
    expect(both[0]!.text).toMatch(/Input validation error: .*name/);
    expect((await callTool(client, 'counter', { action: 'increment' })).data.value).toBe(2);

    const s = session;
    session = undefined;
    await s.close();
    expect(await waitFor(() => s.stderr().includes('state closed'))).toBe(true);
    expect(s.stderr()).toMatch(/stdin closed: shutting down/);
  }, 60_000);
});
