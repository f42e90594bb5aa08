import type { CallToolResult } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_META, IDEMPOTENCY_META } from '../src/index.js';
import { type Instance, modernClient, roundRobin, startInstance } from './instance.js';
import { forEachTarget, rprefix, sleep } from './targets.js';

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const meta = (r: CallToolResult) =>
  r._meta?.[IDEMPOTENCY_META] as { status: string; fencingToken?: number };

forEachTarget((h) => {
  const running: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
  });
  /** Two instances on two managers of the store, and their URLs. */
  const twoInstances = async (): Promise<[Instance, Instance, string[]]> => {
    const prefix = rprefix();
    const [a, b] = await h.openMany(2);
    const one = await startInstance(a!, prefix);
    const two = await startInstance(b!, prefix);
    running.push(one, two);
    return [one, two, [one.url, two.url]];
  };

  it('a v2 client (2026-07-28) round-robin over two instances: 20 concurrent duplicates transfer once', async () => {
    const [, , urls] = await twoInstances();
    const client = await modernClient(urls);
    running.push(client);
    const call = () =>
      client.callTool({
        name: 'transfer',
        arguments: { requestId: 'req-1', amount: 5, holdMs: 200 },
      });
    const results = await Promise.all(Array.from({ length: 20 }, call));
    expect(results.every((r) => !r.isError && text(r) === 'balance 5')).toBe(true);
    expect(results.filter((r) => meta(r).status === 'executed')).toHaveLength(1);
    expect(results.filter((r) => meta(r).status === 'replayed')).toHaveLength(19);
    const next = await client.callTool({
      name: 'transfer',
      arguments: { requestId: 'req-2', amount: 1 },
    });
    expect(text(next)).toBe('balance 6'); // the counter moved once for req-1
    expect(meta(next).fencingToken).not.toBe(meta(results[0]!).fencingToken); // unique per claim
  });

  it('a key reused with different arguments, or missing, is an isError result with its reason', async () => {
    const [, , urls] = await twoInstances();
    const client = await modernClient(urls);
    running.push(client);
    await client.callTool({ name: 'transfer', arguments: { requestId: 'r', amount: 5 } });
    const reused = await client.callTool({
      name: 'transfer',
      arguments: { requestId: 'r', amount: 500 },
    });
    expect(reused.isError).toBe(true);
    expect(meta(reused).status).toBe('key_reused');
    expect(text(reused)).toMatch(/first used with different arguments/);
    const missing = await client.callTool({ name: 'charge', arguments: { amount: 1 } });
    expect(meta(missing).status).toBe('key_missing');
    expect(text(missing)).toContain(IDEMPOTENCY_KEY_META);
  });

  it('takes the key from _meta; the replay says so under _meta', async () => {
    const [, , urls] = await twoInstances();
    const client = await modernClient(urls);
    running.push(client);
    const params = {
      name: 'charge',
      arguments: { amount: 3 },
      _meta: { [IDEMPOTENCY_KEY_META]: 'c-1' },
    };
    const first = await client.callTool(params);
    const second = await client.callTool(params); // lands on the other instance
    expect(meta(first).status).toBe('executed');
    expect(meta(second)).toEqual({ ...meta(first), status: 'replayed' });
    expect(text(second)).toBe(text(first));
  });

  it('a client that disconnects mid-call gets, on re-issue, the outcome recorded after it left', async () => {
    const [, , urls] = await twoInstances();
    const client = await modernClient(urls);
    running.push(client);
    const controller = new AbortController();
    const args = { requestId: 'gone', amount: 7, holdMs: 1_500 };
    const lost = client.callTool(
      { name: 'transfer', arguments: args },
      { signal: controller.signal },
    );
    const balance = async () =>
      text(await client.callTool({ name: 'plain', arguments: { amount: 0 } }));
    for (let i = 0; i < 500 && (await balance()) !== 'balance 7'; i++) await sleep(10);
    controller.abort(); // the side effect has happened; the tool is still holding
    await expect(lost).rejects.toThrow();
    const reissued = await client.callTool({ name: 'transfer', arguments: args });
    expect(text(reissued)).toBe('balance 7');
    expect(meta(reissued).status).toBe('replayed');
    const after = await client.callTool({ name: 'plain', arguments: { amount: 0 } });
    expect(text(after)).toBe('balance 7');
  });

  it('a notification published on one instance reaches a listen stream on the other', async () => {
    const [one, two, urls] = await twoInstances();
    const client = await modernClient([urls[0]!]);
    running.push(client);
    const got: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      got.push(n.params.uri);
    });
    const sub = await client.listen({ resourceSubscriptions: ['file:///report'] });
    await one.bus.ready();
    two.notify.resourceUpdated('file:///report');
    for (let i = 0; i < 1_000 && got.length === 0; i++) await sleep(10);
    expect(got).toEqual(['file:///report']);
    await sub.close();
  });

  it('single-use requestState: a re-issued round gets the same outcome, another request is refused', async () => {
    const [, , urls] = await twoInstances();
    const client = await modernClient(urls);
    running.push(client);
    const first = (await client.callTool(
      { name: 'redeem', arguments: { amount: 4 } },
      { allowInputRequired: true },
    )) as unknown as { resultType: string; requestState: string };
    expect(first.resultType).toBe('input_required');
    // The MRTR retry fields ride next to the tool params (the SDK's types do not list them).
    type Params = Parameters<typeof client.callTool>[0];
    const retry = {
      name: 'redeem',
      arguments: { amount: 4 },
      inputResponses: { confirm: { action: 'accept', content: { ok: true } } },
      requestState: first.requestState,
    } as Params;
    const [a, b] = await Promise.all([client.callTool(retry), client.callTool(retry)]);
    expect([text(a), text(b)].sort()).toEqual(['balance 4', 'balance 4 (replayed)']);
    const declined = { ...retry, inputResponses: { confirm: { action: 'decline' } } } as Params;
    const other = await client.callTool(declined);
    expect(other.isError).toBe(true);
    expect(text(other)).toMatch(/already redeemed/);
    const forged = await client.callTool({ ...retry, arguments: { amount: 400 } });
    expect(forged.isError).toBe(true);
    expect(text(await client.callTool({ name: 'plain', arguments: { amount: 0 } }))).toBe(
      'balance 4',
    );
  });

  it('a v1 @modelcontextprotocol/sdk client (2025 era, served stateless) works across both instances', async () => {
    const [, , urls] = await twoInstances();
    const client = new V1Client({ name: 'v1-client', version: '1.0.0' });
    await client.connect(new V1Transport(new URL(urls[0]!), { fetch: roundRobin(urls) }));
    running.push(client);
    const call = () =>
      client.callTool({ name: 'transfer', arguments: { requestId: 'v1', amount: 2 } });
    const results = (await Promise.all([call(), call(), call(), call()])) as CallToolResult[];
    expect(results.map(text)).toEqual(Array(4).fill('balance 2'));
    expect(results.filter((r) => meta(r).status === 'executed')).toHaveLength(1);
  });
});
