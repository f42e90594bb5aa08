import type {
  CallToolResult,
  McpServer,
  ServerContext,
  ToolAnnotations,
} from '@modelcontextprotocol/server';
import { idempotentTool } from '@pforge/state-mcp';
import * as z from 'zod';
import type { DemoApp } from './app.js';
import { describeError } from './describe-error.js';
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
  /**
   * The argument holding an idempotency key: the tool then runs at most once per key across
   * every instance on the store (`idempotentTool` of @pforge/state-mcp), and a repeated
   * request gets the recorded answer.
   */
  idempotencyKey?: Extract<keyof I, string>;
  run(args: z.infer<z.ZodObject<I>>, app: DemoApp, ctx: ServerContext): Promise<ToolAnswer<O>>;
}

type Handler = (args: Record<string, unknown>, ctx: ServerContext) => Promise<CallToolResult>;

/** Declares a tool (an identity function that keeps the schema types). */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  tool: DemoTool<I, O>,
): DemoTool<I, O> {
  return tool;
}

/**
 * Registers `tool` on `server`. Every call is tracked (shutdown waits for it) and timed for
 * `state_stats`, and any failure becomes a tool error with a clear message, never a crash.
 * An idempotent tool's failure is an answer too, recorded for its key like any other: once
 * its side effect may have started, a retry must not run it again.
 */
export function registerDemoTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  server: McpServer,
  tool: DemoTool<I, O>,
  app: DemoApp,
): void {
  const answer: Handler = async (args, ctx) => {
    try {
      return toResult(await tool.run(args as z.infer<z.ZodObject<I>>, app, ctx));
    } catch (err) {
      return failure(tool.name, err);
    }
  };
  const guarded: Handler =
    tool.idempotencyKey === undefined
      ? answer
      : (idempotentTool(
          app.idempotency,
          { name: tool.name, keyArgument: tool.idempotencyKey },
          answer,
        ) as Handler);
  const handler: Handler = async (args, ctx) => {
    if (app.inFlight.draining) return toolError(`${tool.name}: the server is shutting down`);
    const started = performance.now();
    try {
      return await app.inFlight.run(() => guarded(args, ctx));
    } catch (err) {
      return failure(tool.name, err); // the idempotency layer could not claim the key: nothing ran
    } finally {
      app.stats.recordCall(tool.name, performance.now() - started);
    }
  };
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: z.object(tool.input),
      outputSchema: z.object(tool.output),
      annotations: { openWorldHint: false, ...tool.annotations },
    },
    // The SDK infers the same argument type from `inputSchema`; its generic signature cannot be
    // matched from a generic caller, hence the cast.
    handler as unknown as Parameters<McpServer['registerTool']>[2],
  );
}

function toResult<O extends z.ZodRawShape>(answer: ToolAnswer<O>): CallToolResult {
  return {
    content: [{ type: 'text', text: answer.text }],
    structuredContent: answer.data as Record<string, unknown>,
    ...(answer.isError ? { isError: true } : {}),
  };
}

function failure(name: string, err: unknown): CallToolResult {
  const message = `${name} failed: ${describeError(err)}`;
  log(message);
  return toolError(message);
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}
