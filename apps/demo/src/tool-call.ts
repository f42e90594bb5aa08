import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

/** A tool's answer as a client reads it. */
export interface ToolReply {
  /** The text content, joined. */
  text: string;
  /** The structured content (`{}` when the tool sent none, as on input errors). */
  data: Record<string, unknown>;
  /** Whether the tool reported an error (bad input, refusal, failure). */
  isError: boolean;
}

/** Calls `name` with `args` and reads the reply (a protocol error rejects). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolReply> {
  const result = await client.callTool({ name, arguments: args });
  const content = Array.isArray(result.content) ? result.content : [];
  const text = content
    .map((c: { type?: unknown; text?: unknown }) => (c.type === 'text' ? String(c.text) : ''))
    .join('\n');
  const data = (result.structuredContent ?? {}) as Record<string, unknown>;
  return { text, data, isError: result.isError === true };
}
