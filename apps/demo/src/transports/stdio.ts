import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

/** A running transport the app can stop. */
export interface RunningTransport {
  /** Where a person reaches it. */
  description: string;
  /** Stops taking new connections (calls on open ones are still answered). */
  stopAccepting(): void;
  /** Closes every MCP connection. */
  close(): Promise<void>;
}

/**
 * Serves one MCP client over stdin/stdout. `onEnd` fires when the client closes stdin (the SDK's
 * client does that first when it shuts a server down), so the app can close its state cleanly.
 */
export async function serveStdio(server: McpServer, onEnd: () => void): Promise<RunningTransport> {
  const transport = new StdioServerTransport();
  process.stdin.once('end', onEnd);
  process.stdin.once('close', onEnd);
  // A client that died leaves a broken pipe: shut down cleanly rather than crash on EPIPE.
  process.stdout.on('error', onEnd);
  await server.connect(transport);
  return {
    description: 'stdio',
    stopAccepting: () => {},
    close: () => server.close(),
  };
}
