/** What an MCP client (SDK v2, or v1's `Client`) needs to call a tool. */
export interface ToolCaller {
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
}

/** What an idempotent tool's answer says under `_meta["io.pforge/idempotency"]`. */
export interface IdempotencyNote {
  /** `executed`, `replayed`, or why it was refused (`in_progress`, `key_reused`, `outcome_unknown`, ...). */
  status: string;
  key?: string;
}

/** A tool's answer as a client reads it. */
export interface ToolReply {
  /** The text content, joined. */
  text: string;
  /** The structured content (`{}` when the tool sent none, as on input errors). */
  data: Record<string, unknown>;
  /** Whether the tool reported an error (bad input, refusal, failure). */
  isError: boolean;
  /** For an idempotent tool: what happened to this request. */
  idempotency: IdempotencyNote | undefined;
}

interface RawResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
  _meta?: Record<string, unknown>;
}

/** Calls `name` with `args` and reads the reply (a protocol error rejects). */
export async function callTool(
  client: ToolCaller,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolReply> {
  const result = (await client.callTool({ name, arguments: args })) as RawResult;
  const content = Array.isArray(result.content) ? result.content : [];
  const text = content
    .map((c: { type?: unknown; text?: unknown }) => (c.type === 'text' ? String(c.text) : ''))
    .join('\n');
  return {
    text,
    data: (result.structuredContent ?? {}) as Record<string, unknown>,
    isError: result.isError === true,
    idempotency: result._meta?.['io.pforge/idempotency'] as IdempotencyNote | undefined,
  };
}
