import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { isStateError } from '@pforge/state-core';
import type * as z from 'zod';
import type { DemoContext } from './context.js';
import { log } from './log.js';

/** What a tool returns: a line for a person or a model, and the same facts as data. */
export interface ToolAnswer<O extends z.ZodRawShape> {
  /** One or two readable lines. */
  text: string;
  /** The facts, matching the tool's output schema. */
  data: z.infer<z.ZodObject<O>>;
  /** A refusal the caller should act on (e.g. rate limited), reported as a tool error. */
  isError?: boolean;
}

/** One MCP tool of the demo: its schemas and what it does. */
export interface DemoTool<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  /** Validated by the SDK before `run`; bad input is a tool error naming the field. */
  input: I;
  output: O;
  /** Hints for clients (every demo tool is closed-world: it touches only the state). */
  annotations?: ToolAnnotations;
  run(args: z.infer<z.ZodObject<I>>, ctx: DemoContext): Promise<ToolAnswer<O>>;
}

/** Declares a tool (an identity function that keeps the schema types). */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  tool: DemoTool<I, O>,
): DemoTool<I, O> {
  return tool;
}

/**
 * Registers `tool` on `server`. Every call is tracked (shutdown waits for it), timed for
 * `state_stats`, and any failure becomes a tool error with a clear message, never a crash.
 */
export function registerDemoTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  server: McpServer,
  tool: DemoTool<I, O>,
  ctx: DemoContext,
): void {
  const handler = async (args: z.infer<z.ZodObject<I>>): Promise<CallToolResult> => {
    if (ctx.inFlight.draining) return toolError(`${tool.name}: the server is shutting down`);
    const started = performance.now();
    try {
      const answer = await ctx.inFlight.run(() => tool.run(args, ctx));
      return {
        content: [{ type: 'text', text: answer.text }],
        structuredContent: answer.data as Record<string, unknown>,
        ...(answer.isError ? { isError: true } : {}),
      };
    } catch (err) {
      const message = `${tool.name} failed: ${describeError(err)}`;
      log(message);
      return toolError(message);
    } finally {
      ctx.stats.recordCall(tool.name, performance.now() - started);
    }
  };
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output,
      annotations: { openWorldHint: false, ...tool.annotations },
    },
    // The SDK infers the same argument type from `inputSchema`; its generic signature cannot be
    // matched from a generic caller, hence the cast.
    handler as unknown as Parameters<McpServer['registerTool']>[2],
  );
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** A one-line message for a failure: the state code when there is one, never a stack. */
export function describeError(err: unknown): string {
  if (isStateError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
