import type {
  CallToolResult,
  InputRequiredResult,
  ServerContext,
} from '@modelcontextprotocol/server';
import { type Codec, StateError } from '@pforge/state-core';
import { describeValue } from '@pforge/state-core/backend';
import {
  IdempotencyError,
  type IdempotencyFailure,
  invalidOption,
  isIdempotencyError,
  SOURCE,
} from './errors.js';
import type { Idempotency, IdempotentCall } from './idempotency-types.js';
import { principalOf } from './principal.js';

/**
 * The request `_meta` key a client may carry its idempotency key under (MCP `_meta` naming:
 * a reverse-DNS prefix, then a name).
 * @example client.callTool({ name: 'transfer', arguments, _meta: { [IDEMPOTENCY_KEY_META]: id } })
 */
export const IDEMPOTENCY_KEY_META = 'io.pforge/idempotency-key';

/** The result `_meta` key where an idempotent tool says what happened ({@link IdempotencyResultMeta}). */
export const IDEMPOTENCY_META = 'io.pforge/idempotency';

/** What an idempotent tool's result carries under `_meta["io.pforge/idempotency"]`. */
export type IdempotencyResultMeta =
  | {
      /** `executed`: this request ran the tool; `replayed`: an earlier one did, this is its outcome. */
      status: 'executed' | 'replayed';
      /** The idempotency key. */
      key: string;
      /** The fencing token of the run that produced the result. */
      fencingToken: number;
      /** When that run completed, epoch ms. */
      completedAt: number;
    }
  | {
      /** Why the request was refused (the result then has `isError: true`). */
      status: IdempotencyFailure;
      key?: string;
    };

/** A tool result or an unfinished multi-round-trip result (never recorded). */
export type ToolOutcome = CallToolResult | InputRequiredResult;

/** The handler an idempotent tool wraps: the SDK's `(args, ctx)` plus the running call. */
export type IdempotentToolHandler<Args> = (
  args: Args,
  ctx: ServerContext,
  call: IdempotentCall,
) => ToolOutcome | Promise<ToolOutcome>;

/** Options of {@link idempotentTool}. */
export interface IdempotentToolOptions<Args> {
  /** The tool's name: the same key used on two tools names two calls. */
  name: string;
  /**
   * The argument holding the idempotency key (used when present; else the request `_meta`
   * key is read). A string argument the model can fill in works with every client.
   * @example 'requestId'
   */
  keyArgument?: Extract<keyof Args, string>;
  /** The request `_meta` key read for the idempotency key. @default 'io.pforge/idempotency-key' */
  metaKey?: string;
  /** The caller's principal: keys of different principals never meet. @default principalOf(ctx) */
  principal?: (ctx: ServerContext) => string;
  /** What a retry must repeat for the same key. @default the whole arguments object */
  fingerprint?: (args: Args) => unknown;
  /**
   * Called when the instance that ran this key died before recording an outcome (its lease
   * lapsed): resolve the outcome it produced (looked up by `call.previousToken` or the key in
   * your own records), or `undefined` if its side effect did not happen (the tool then runs).
   * Without it such a key is refused with `outcome_unknown`.
   */
  recover?: (
    args: Args,
    ctx: ServerContext,
    call: IdempotentCall & { previousToken: number },
  ) => Promise<CallToolResult | undefined>;
}

const utf8 = new TextEncoder();
const strict = new TextDecoder('utf-8', { fatal: true });

/** Tool results travel as JSON, so plain JSON records them exactly (and costs less than core's tagged codec). */
const resultCodec: Codec<ToolOutcome> = {
  name: 'json (tool result)',
  encode: (r) => utf8.encode(JSON.stringify(r)),
  decode: (bytes) => {
    try {
      return JSON.parse(strict.decode(bytes)) as ToolOutcome;
    } catch (err) {
      throw new StateError(
        'ERR_STATE_SERIALIZATION',
        `[${SOURCE}] a recorded tool result is not valid JSON`,
        {
          cause: err,
        },
      );
    }
  },
};

const isUnfinished = (r: ToolOutcome): boolean =>
  (r as { resultType?: unknown }).resultType === 'input_required';

/** The key a request carries (argument first, then `_meta`), or throws `key_missing`. */
function keyOf<Args>(args: Args, ctx: ServerContext, o: IdempotentToolOptions<Args>): string {
  const fromArg =
    o.keyArgument === undefined ? undefined : (args as Record<string, unknown>)[o.keyArgument];
  const key = fromArg ?? ctx.mcpReq._meta?.[o.metaKey ?? IDEMPOTENCY_KEY_META];
  if (typeof key === 'string' && key !== '') return key;
  const where = o.keyArgument ? `argument \`${o.keyArgument}\` or ` : '';
  throw new IdempotencyError(
    'key_missing',
    `tool ${o.name} needs an idempotency key in ${where}_meta["${o.metaKey ?? IDEMPOTENCY_KEY_META}"] (got ${describeValue(key)})`,
  );
}

function withMeta<R extends ToolOutcome>(result: R, meta: IdempotencyResultMeta): R {
  return { ...result, _meta: { ...result._meta, [IDEMPOTENCY_META]: meta } };
}

/** An `isError` result for a refused request, with the reason under `_meta`. */
export function refusal(err: IdempotencyError, key?: string): CallToolResult {
  const meta: IdempotencyResultMeta =
    key === undefined ? { status: err.reason } : { status: err.reason, key };
  return withMeta({ content: [{ type: 'text', text: err.message }], isError: true }, meta);
}

/**
 * Wraps a tool handler so each idempotency key runs it at most once across every instance on
 * the store. The result carries `_meta["io.pforge/idempotency"]` ({@link IdempotencyResultMeta}):
 * `status: 'replayed'` marks an outcome recorded by an earlier request. A refused request
 * (in progress, key reused with other arguments, outcome unknown, no key) gets an `isError`
 * result with its reason there. A thrown handler error records nothing (a retry runs again);
 * a returned `isError` result is recorded like any other; an `input_required` result is not.
 * @example
 * server.registerTool('transfer', { inputSchema }, idempotentTool(idem, { name: 'transfer', keyArgument: 'requestId' },
 *   async ({ from, to, amount }) => ({ content: [{ type: 'text', text: await move(from, to, amount) }] })));
 */
export function idempotentTool<Args extends object>(
  idempotency: Idempotency,
  options: IdempotentToolOptions<Args>,
  handler: IdempotentToolHandler<Args>,
): (args: Args, ctx: ServerContext) => Promise<ToolOutcome> {
  if (typeof options?.name !== 'string' || options.name === '') {
    invalidOption('idempotentTool', '`name` (the tool name) must be a non-empty string');
  }
  const { recover } = options;
  return async (args, ctx) => {
    let key: string | undefined;
    try {
      key = keyOf(args, ctx, options);
      const out = await idempotency.run<ToolOutcome>(
        {
          key,
          principal: (options.principal ?? principalOf)(ctx),
          scope: options.name,
          fingerprint: options.fingerprint ? options.fingerprint(args) : args,
          signal: ctx.mcpReq.signal,
          codec: resultCodec,
          record: (r) => !isUnfinished(r),
          ...(recover && {
            recover: async (call) => {
              const value = await recover(args, ctx, call);
              return value === undefined ? undefined : { value };
            },
          }),
        },
        async (call) => handler(args, ctx, call),
      );
      if (isUnfinished(out.value)) return out.value;
      const { replayed, fencingToken, completedAt } = out;
      const status = replayed ? 'replayed' : 'executed';
      return withMeta(out.value, { status, key, fencingToken, completedAt });
    } catch (err) {
      if (isIdempotencyError(err)) return refusal(err, key);
      throw err;
    }
  };
}
