import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type RoundRobin, roundRobin } from './round-robin.js';

/** The protocol revision the demo's clients pin: stateless, no session. */
export const MODERN_PROTOCOL = '2026-07-28';

/** A client and the round robin its requests go through. */
export interface HttpClient {
  client: Client;
  balancer: RoundRobin;
}

/**
 * Connects an SDK v2 client pinned to protocol 2026-07-28 whose requests go round robin over
 * the instances at `urls` (one URL: every request to that instance).
 */
export async function connectHttp(
  urls: readonly string[],
  name = 'pforge-demo',
): Promise<HttpClient> {
  const balancer = roundRobin(urls);
  const client = new Client(
    { name, version: '0.1.0' },
    { versionNegotiation: { mode: { pin: MODERN_PROTOCOL } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(urls[0]!), { fetch: balancer.fetch }),
  );
  return { client, balancer };
}
