import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localhostHostValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, type McpServer } from '@modelcontextprotocol/server';
import type { DemoApp } from '../app.js';
import { log } from '../log.js';
import type { RunningTransport } from './running-transport.js';

/** The one path MCP is served on. */
export const MCP_PATH = '/mcp';

/**
 * Serves MCP over Streamable HTTP at `http://<host>:<port>/mcp` with the SDK's
 * `createMcpHandler`: every request gets a fresh server from `newServer`, so no request
 * depends on an earlier one reaching this process. 2026-07-28 clients are served as they are;
 * 2025-era clients are served stateless (the SDK's default `legacy: 'stateless'`). Bound to a
 * loopback address, it refuses requests whose `Host` is not a loopback name (DNS rebinding).
 */
export async function serveHttp(
  app: DemoApp,
  newServer: () => McpServer,
  port: number,
  host: string,
): Promise<RunningTransport & { port: number }> {
  const onerror = (err: Error) => log(`MCP over HTTP: ${err.message}`);
  const handler = createMcpHandler(() => newServer(), { bus: app.bus, onerror });
  const serve = toNodeHandler(handler, { onerror });
  const hostAllowed = isLoopback(host) ? localhostHostValidation() : () => true;
  const http = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname !== MCP_PATH) return reply(res, 404, `Not found: MCP is served at ${MCP_PATH}`);
    if (!hostAllowed(req, res)) return; // answered 403
    void serve(req, res);
  });
  await listen(http, port, host);
  // This instance follows the shared bus from the start: a `subscriptions/listen` stream opened
  // here then gets every event published on any instance after its acknowledgement. (After
  // `listen`: the bus's timers are unref'd, so the server is what keeps the process up.)
  const unfollow = app.bus.subscribe(() => {});
  await app.bus.ready();
  const actualPort = (http.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const stopAccepting = () => {
    closed ??= new Promise<void>((resolve) => http.close(() => resolve()));
  };
  return {
    port: actualPort,
    description: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}${MCP_PATH}`,
    stopAccepting,
    close: async () => {
      stopAccepting();
      await handler.close();
      unfollow();
      http.closeAllConnections();
      await closed;
    },
  };
}

/** Whether `host` is a loopback address or name. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function listen(http: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}

/** Writes a JSON-RPC error body with an HTTP status. */
function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}
