import {
  type JSONRPCMessage,
  type McpServer,
  STDIO_DEFAULT_MAX_BUFFER_SIZE,
} from '@modelcontextprotocol/server';
import {
  StdioServerTransport,
  serveStdio as serveStdioEntry,
} from '@modelcontextprotocol/server/stdio';
import { log } from '../log.js';
import { LineLimit, type RefusedLine } from './line-limit.js';
import type { RunningTransport } from './running-transport.js';

/** The longest MCP message read over stdio, in bytes (the SDK's own limit, 10 MiB). */
export const MAX_STDIO_MESSAGE_BYTES = STDIO_DEFAULT_MAX_BUFFER_SIZE;

/**
 * Serves one MCP client over stdin/stdout with the SDK's `serveStdio` (either protocol era; one
 * server from `newServer` for the connection). `onEnd` fires when the client closes stdin (the
 * SDK's client does that first when it shuts a server down), so the app can close its state.
 *
 * A message over {@link MAX_STDIO_MESSAGE_BYTES} is not read: it is logged, answered with a
 * JSON-RPC "Invalid Request" error, and the server keeps serving. (The SDK's transport alone
 * would close the connection, and the process would end silently with exit code 0.)
 */
export function serveStdio(newServer: () => McpServer, onEnd: () => void): RunningTransport {
  const input = new LineLimit(MAX_STDIO_MESSAGE_BYTES, (line) => refuse(line));
  // One line per chunk reaches the transport, so its own buffer never holds more than a line.
  const transport = new StdioServerTransport(input, process.stdout, {
    maxBufferSize: MAX_STDIO_MESSAGE_BYTES + 1,
  });
  const refuse = (line: RefusedLine) => {
    log(
      `refused an MCP message of ${line.bytes} bytes from the client (over the ` +
        `${MAX_STDIO_MESSAGE_BYTES}-byte limit of MCP over stdio; id ${JSON.stringify(line.id)}): ` +
        'answered with an error, still serving',
    );
    transport.send(tooLarge(line)).catch((err: unknown) => {
      log(`could not answer the oversized message: ${(err as Error)?.message ?? String(err)}`);
    });
  };
  process.stdin.once('end', onEnd);
  process.stdin.once('close', onEnd);
  // A client that died leaves a broken pipe: shut down cleanly rather than crash on EPIPE.
  process.stdout.on('error', onEnd);
  process.stdin.pipe(input);
  const handle = serveStdioEntry(() => newServer(), {
    transport,
    onerror: (err) => log(`MCP over stdio: ${err.message}`),
  });
  return { description: 'stdio', stopAccepting: () => {}, close: () => handle.close() };
}

function tooLarge(line: RefusedLine): JSONRPCMessage {
  return {
    jsonrpc: '2.0',
    id: line.id,
    error: {
      code: -32600,
      message:
        `Invalid Request: the message is ${line.bytes} bytes, over the ` +
        `${MAX_STDIO_MESSAGE_BYTES}-byte limit of this server over stdio; it was not read`,
    },
  } as JSONRPCMessage;
}
