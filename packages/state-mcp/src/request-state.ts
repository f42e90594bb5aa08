import { randomBytes } from 'node:crypto';
import {
  createRequestStateCodec,
  type RequestStateCodec,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { jsonCodec, StateError, type StateManager } from '@pforge/state-core';
import { digestOf } from './digest.js';
import {
  IdempotencyError,
  invalidOption,
  isIdempotencyError,
  positiveInt,
  SOURCE,
} from './errors.js';
import { createIdempotency } from './idempotency.js';
import type {
  Idempotency,
  IdempotencyOptions,
  IdempotentCall,
  IdempotentOutcome,
} from './idempotency-types.js';
import { principalOf } from './principal.js';

/** Options of {@link createSingleUseRequestState}. */
export interface SingleUseRequestStateOptions {
  /** The HMAC key (at least 32 bytes) every instance shares; passed to the SDK's `createRequestStateCodec`. */
  key: Uint8Array | string;
  /** How long a minted state is valid, in seconds. @default 600 */
  ttlSeconds?: number;
  /**
   * What a state is bound to (a state minted under one value is refused under another).
   * @default the request method and the caller's principal
   */
  bind?: (ctx: ServerContext) => string;
  /**
   * Payloads whose JSON is longer than this many bytes are kept in the store behind a
   * reference instead of riding in the state (the SDK's codec signs but does not encrypt, so
   * use 0 to keep every payload out of the client's sight).
   * @default 4096
   */
  inlineLimitBytes?: number;
  /** Prepended to the keys this helper writes. @default 'rs:' */
  prefix?: string;
  /** The caller's principal (redemptions of different principals never meet). @default principalOf(ctx) */
  principal?: (ctx: ServerContext) => string;
  /** Lease and wait settings of the redemption (see {@link createIdempotency}). */
  idempotency?: Pick<
    IdempotencyOptions,
    'leaseTtlMs' | 'renewIntervalMs' | 'waitMs' | 'maxPollIntervalMs' | 'onError'
  >;
}

/** What the state string carries (signed by the SDK codec). */
export interface RequestStateEnvelope {
  /** Nonce: 128 random bits naming this state. */
  i: string;
  /** The payload, when inline. */
  p?: unknown;
  /** 1 when the payload is kept in the store. */
  r?: 1;
  /** Digest of the originating request, when minted with one. */
  a?: string;
}

/** Options of a mint or a redemption. */
export interface RequestStateCallOptions {
  /** The originating request's salient parameters: a state minted with them is redeemable only with equal ones. */
  request?: unknown;
}

/** Single-use `requestState` for multi round-trip requests; see {@link createSingleUseRequestState}. */
export interface SingleUseRequestState<T> {
  /** Seals `payload` into a state string for `inputRequired({ requestState })`. */
  mint(payload: T, ctx: ServerContext, options?: RequestStateCallOptions): Promise<string>;
  /** The `ServerOptions.requestState.verify` hook (checks signature, expiry and binding; throws on failure). */
  readonly verify: (state: string, ctx: ServerContext) => Promise<RequestStateEnvelope>;
  /**
   * Redeems the round's state at most once across instances: `fn` runs for the first request
   * presenting it; a re-issue of that request (same `request`, same `inputResponses`) gets the
   * same outcome with `replayed: true`; any other request is refused (`already_redeemed`).
   * Resolves `undefined` when the round carried no state.
   */
  redeem<R>(
    ctx: ServerContext,
    fn: (payload: T, call: IdempotentCall) => Promise<R>,
    options?: RequestStateCallOptions,
  ): Promise<IdempotentOutcome<R> | undefined>;
}

const WHERE = 'createSingleUseRequestState';
const utf8 = new TextEncoder();

function invalidState(cause?: unknown): StateError {
  return new StateError(
    'ERR_STATE_INVALID_ARGUMENT',
    `[${SOURCE}] the requestState is invalid, expired, or not for this request`,
    cause === undefined ? undefined : { cause },
  );
}

class SingleUse<T> implements SingleUseRequestState<T> {
  private readonly idempotency: Idempotency;

  constructor(
    private readonly state: StateManager,
    private readonly codec: RequestStateCodec<RequestStateEnvelope>,
    private readonly prefix: string,
    private readonly inlineLimit: number,
    /** How long a payload and a redemption are kept: as long as the state could come back. */
    private readonly keepMs: number,
    private readonly principal: (ctx: ServerContext) => string,
    settings: SingleUseRequestStateOptions['idempotency'],
  ) {
    const resultTtlMs = keepMs;
    this.idempotency = createIdempotency(state, {
      ...settings,
      prefix: `${prefix}x:`,
      resultTtlMs,
    });
  }

  readonly verify = (text: string, ctx: ServerContext) => this.codec.verify(text, ctx);

  readonly mint = async (payload: T, ctx: ServerContext, options?: RequestStateCallOptions) => {
    const env: RequestStateEnvelope = { i: randomBytes(16).toString('base64url') };
    if (options?.request !== undefined) env.a = digestOf(options.request);
    if (utf8.encode(JSON.stringify(payload ?? null)).byteLength > this.inlineLimit) {
      await this.state.set(this.payloadKey(env.i), jsonCodec.encode(payload), { ttl: this.keepMs });
      env.r = 1;
    } else env.p = payload;
    return this.codec.mint(env, ctx);
  };

  readonly redeem = async <R>(
    ctx: ServerContext,
    fn: (payload: T, call: IdempotentCall) => Promise<R>,
    options?: RequestStateCallOptions,
  ): Promise<IdempotentOutcome<R> | undefined> => {
    const env = await this.envelopeOf(ctx);
    if (env === undefined) return undefined;
    const request = options?.request ?? null;
    if (env.a !== undefined && env.a !== digestOf(request)) throw invalidState();
    const fingerprint = { request, inputs: ctx.mcpReq.inputResponses ?? null };
    const principal = this.principal(ctx);
    try {
      const out = await this.idempotency.run(
        { key: env.i, principal, scope: 'requestState', fingerprint, signal: ctx.mcpReq.signal },
        async (call) => fn(await this.loadPayload(env), call),
      );
      // The payload is no longer needed (a re-issue gets the recorded outcome); if the delete
      // fails it expires with the state.
      if (!out.replayed && env.r === 1)
        await this.state.delete(this.payloadKey(env.i)).catch(() => false);
      return out;
    } catch (err) {
      if (!isIdempotencyError(err, 'key_reused')) throw err;
      throw new IdempotencyError(
        'already_redeemed',
        'this requestState was already redeemed by another request',
      );
    }
  };

  private payloadKey(nonce: string): string {
    return `${this.prefix}p:${nonce}`;
  }

  private async loadPayload(env: RequestStateEnvelope): Promise<T> {
    if (env.r !== 1) return env.p as T;
    const bytes = await this.state.get(this.payloadKey(env.i));
    if (bytes === undefined) throw invalidState();
    return jsonCodec.decode(bytes) as T;
  }

  /** The round's envelope: decoded by the verify hook, or verified here when no hook is set. */
  private async envelopeOf(ctx: ServerContext): Promise<RequestStateEnvelope | undefined> {
    const got = ctx.mcpReq.requestState<RequestStateEnvelope | string>();
    if (got === undefined || typeof got !== 'string') return got;
    return this.codec.verify(got, ctx).catch((err: unknown) => Promise.reject(invalidState(err)));
  }
}

/**
 * A `requestState` redeemable at most once, on top of the SDK's `createRequestStateCodec`
 * (HMAC-signed, expiring, bound to method and principal). Retry-safe: a re-issued request
 * gets the first redemption's outcome. Large payloads can stay server-side behind a reference.
 * @example
 * const rs = createSingleUseRequestState<{ amount: number }>(state, { key: process.env.RS_KEY });
 * new McpServer(info, { requestState: { verify: rs.verify } });
 * // round 1: return inputRequired({ inputRequests, requestState: await rs.mint({ amount }, ctx) });
 * // round 2: const out = await rs.redeem(ctx, async ({ amount }) => pay(amount));
 */
export function createSingleUseRequestState<T>(
  state: StateManager,
  options: SingleUseRequestStateOptions,
): SingleUseRequestState<T> {
  const ttlSeconds = positiveInt(options?.ttlSeconds, 600, 'ttlSeconds', WHERE);
  const inlineLimit = options.inlineLimitBytes ?? 4096;
  if (typeof inlineLimit !== 'number' || !(inlineLimit >= 0)) {
    invalidOption(WHERE, '`inlineLimitBytes` must be a number >= 0');
  }
  const principal = options.principal ?? principalOf;
  const bind = options.bind ?? ((ctx: ServerContext) => `${ctx.mcpReq.method}\0${principal(ctx)}`);
  let codec: RequestStateCodec<RequestStateEnvelope>;
  try {
    codec = createRequestStateCodec<RequestStateEnvelope>({ key: options.key, ttlSeconds, bind });
  } catch (err) {
    const message = `[${SOURCE}] ${WHERE}: \`key\` must be at least 32 bytes`;
    throw new StateError('ERR_STATE_INVALID_ARGUMENT', message, { cause: err });
  }
  const keepMs = ttlSeconds * 1000 + 60_000;
  const prefix = options.prefix ?? 'rs:';
  return new SingleUse<T>(
    state,
    codec,
    prefix,
    inlineLimit,
    keepMs,
    principal,
    options.idempotency,
  );
}
