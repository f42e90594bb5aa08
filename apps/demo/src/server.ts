import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { DemoContext } from './context.js';
import { registerDemoTool } from './tool.js';
import { counterTool } from './tools/counter.js';
import { nthPrimeTool } from './tools/nth-prime.js';
import { rateLimitedPingTool } from './tools/rate-limited-ping.js';
import { sessionCreateTool } from './tools/session-create.js';
import { sessionDestroyTool } from './tools/session-destroy.js';
import { sessionGetTool } from './tools/session-get.js';
import { stateStatsTool } from './tools/state-stats.js';

/** The server's name and version as MCP clients see them. */
export const SERVER_INFO = { name: 'pforge-state-demo', version: '0.1.0' } as const;

/**
 * A new `McpServer` with every demo tool, on the shared `ctx` (one per MCP connection: the SDK
 * binds a server to one transport, while the state and its figures are shared).
 */
export function createDemoServer(ctx: DemoContext): McpServer {
  const server = new McpServer(SERVER_INFO, {
    instructions:
      'A demo of @pforge/state: every tool keeps its state in the configured backend ' +
      '(LMDB by default), so counters, sessions, rate limits and cached answers survive ' +
      'restarts and are shared by every server process on the same state.',
  });
  registerDemoTool(server, counterTool, ctx);
  registerDemoTool(server, sessionCreateTool, ctx);
  registerDemoTool(server, sessionGetTool, ctx);
  registerDemoTool(server, sessionDestroyTool, ctx);
  registerDemoTool(server, rateLimitedPingTool, ctx);
  registerDemoTool(server, nthPrimeTool, ctx);
  registerDemoTool(server, stateStatsTool, ctx);
  return server;
}
