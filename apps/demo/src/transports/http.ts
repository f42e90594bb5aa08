import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { log } from '../log.js';
import type { RunningTransport } from './stdio.js';

/** The one path MCP is served on. */
export const MCP_PATH = '/mcp';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Serves MCP over Streamable HTTP at `http://<host>:<port>/mcp`, one MCP session per client
 * (each with its own `McpServer` from `newServer`, all sharing one state). Bound to a loopback
 * address, requests whose `Host` is not a loopback name are refused (DNS rebinding).
 */
export async function serveHttp(
  newServer: () => McpServer,
  port: number,
  host: string,
): Promise<RunningTransport & { port: number }> {
  const sessions = new Map<
    string,
    { transport: StreamableHTTPServerTransport; server: McpServer }
  >();
  const checkHost = LOOPBACK_HOSTS.has(host === '::1' ? '[::1]' : host);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== MCP_PATH)
      return reply(res, 404, `Not found: MCP is served at ${MCP_PATH}`);
    if (checkHost && !isLoopbackHost(req.headers.host)) {
      return reply(res, 403, 'Forbidden: Host must be a loopback name');
    }
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return reply(res, 404, 'Unknown or expired MCP session; initialize again');
      return session.transport.handleRequest(req, res);
    }
    if (req.method !== 'POST') return reply(res, 400, 'Start a session with an initialize POST');
    // A new session: the transport answers 400 itself when this is not an initialize request.
    const server = newServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res);
    if (!transport.sessionId) await server.close();
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`HTTP request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) reply(res, 500, 'Internal server error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const actualPort = (http.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    port: actualPort,
    description: `http://${shownHost}:${actualPort}${MCP_PATH}`,
    stopAccepting: () => {
      closed ??= new Promise<void>((resolve) => http.close(() => resolve()));
    },
    close: async () => {
      closed ??= new Promise<void>((resolve) => http.close(() => resolve()));
      await Promise.allSettled([...sessions.values()].map((s) => s.server.close()));
      sessions.clear();
      http.closeAllConnections();
      await closed;
    },
  };
}

function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const name = hostHeader.startsWith('[')
    ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
    : hostHeader.split(':')[0]!;
  return LOOPBACK_HOSTS.has(name.toLowerCase());
}

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}
