import { McpServer } from '@modelcontextprotocol/server';
import type { DemoApp } from './app.js';
import { registerCounterResource } from './resources/counters.js';
import { registerDemoTool } from './tool.js';
import { counterTool } from './tools/counter.js';
import { nthPrimeTool } from './tools/nth-prime.js';
import { rateLimitedPingTool } from './tools/rate-limited-ping.js';
import { sessionCreateTool } from './tools/session-create.js';
import { sessionDestroyTool } from './tools/session-destroy.js';
import { sessionGetTool } from './tools/session-get.js';
import { stateStatsTool } from './tools/state-stats.js';
import { transferTool } from './tools/transfer.js';

/** The server's name and version as MCP clients see them. */
export const SERVER_INFO = { name: 'pforge-state-demo', version: '0.1.0' } as const;

/**
 * A new `McpServer` with every demo tool and the counter resource, on the shared `app`. The
 * SDK makes one per HTTP request (or per stdio connection): it holds nothing of its own, so
 * any instance of the server can answer any request.
 */
export function createDemoServer(app: DemoApp): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { resources: { subscribe: true } },
    instructions:
      'A demo of @pforge/state: every tool keeps its state in the configured backend ' +
      '(LMDB by default), so counters, sessions, rate limits and cached answers survive ' +
      'restarts and are shared by every server instance on the same state. `transfer` ' +
      'runs once per request_id, on whichever instance a request lands.',
  });
  registerDemoTool(server, counterTool, app);
  registerDemoTool(server, transferTool, app);
  registerDemoTool(server, sessionCreateTool, app);
  registerDemoTool(server, sessionGetTool, app);
  registerDemoTool(server, sessionDestroyTool, app);
  registerDemoTool(server, rateLimitedPingTool, app);
  registerDemoTool(server, nthPrimeTool, app);
  registerDemoTool(server, stateStatsTool, app);
  registerCounterResource(server, app);
  return server;
}
