import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
}

/** A session unused this long (ms) is closed, so clients that vanish do not pile up. */
export const SESSION_IDLE_MS = 30 * 60_000;

/**
 * The MCP sessions of one HTTP server: a Streamable HTTP transport and an `McpServer` per
 * client, found by the `Mcp-Session-Id` header. A session ends when its client sends DELETE
 * or the server shuts down.
 */
export class McpSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #newServer: () => McpServer;
  readonly #sweeper: NodeJS.Timeout;

  constructor(newServer: () => McpServer, idleMs = SESSION_IDLE_MS) {
    this.#newServer = newServer;
    this.#sweeper = setInterval(() => this.#closeIdle(idleMs), Math.min(idleMs, 60_000));
    this.#sweeper.unref();
  }

  /** Routes one request of MCP's endpoint to its session, or starts one on initialize. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = this.#sessions.get(sessionId);
      if (!session) return reply(res, 404, 'Unknown or expired MCP session; initialize again');
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res);
    }
    if (req.method !== 'POST') return reply(res, 400, 'Start a session with an initialize POST');
    // A new session: the transport answers 400 itself when this is not an initialize request.
    const server = this.#newServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        this.#sessions.set(id, { transport, server, lastSeen: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) this.#sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res);
    if (!transport.sessionId) await server.close();
  }

  /** Closes every session (their open streams end). */
  async closeAll(): Promise<void> {
    clearInterval(this.#sweeper);
    const open = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.allSettled(open.map((s) => s.server.close()));
  }

  #closeIdle(idleMs: number): void {
    const before = Date.now() - idleMs;
    for (const [id, s] of this.#sessions) {
      if (s.lastSeen >= before) continue;
      this.#sessions.delete(id);
      void s.server.close().catch(() => {});
    }
  }
}

/** Writes a JSON-RPC error body with an HTTP status. */
export function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}
