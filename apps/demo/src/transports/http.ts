import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { log } from '../log.js';
import { McpSessions, reply } from './mcp-sessions.js';
import type { RunningTransport } from './stdio.js';

/** The one path MCP is served on. */
export const MCP_PATH = '/mcp';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Serves MCP over Streamable HTTP at `http://<host>:<port>/mcp`, one MCP session per client
 * (each with its own `McpServer` from `newServer`, all sharing one state). Bound to a loopback
 * address, it refuses requests whose `Host` is not a loopback name (DNS rebinding).
 */
export async function serveHttp(
  newServer: () => McpServer,
  port: number,
  host: string,
): Promise<RunningTransport & { port: number }> {
  const sessions = new McpSessions(newServer);
  const checkHost = LOOPBACK_HOSTS.has(host === '::1' ? '[::1]' : host);
  const http = createServer((req, res) => {
    route(req, res, sessions, checkHost).catch((err: unknown) => {
      log(`HTTP request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) reply(res, 500, 'Internal server error');
      else res.end();
    });
  });
  await listen(http, port, host);
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
      await sessions.closeAll();
      http.closeAllConnections();
      await closed;
    },
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  sessions: McpSessions,
  checkHost: boolean,
): Promise<void> {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname !== MCP_PATH) return reply(res, 404, `Not found: MCP is served at ${MCP_PATH}`);
  if (checkHost && !isLoopbackHost(req.headers.host)) {
    return reply(res, 403, 'Forbidden: Host must be a loopback name');
  }
  return sessions.handle(req, res);
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

function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const name = hostHeader.startsWith('[')
    ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
    : hostHeader.split(':')[0]!;
  return LOOPBACK_HOSTS.has(name.toLowerCase());
}
