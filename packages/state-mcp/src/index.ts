export { canonicalJson, digestOf } from './digest.js';
export type { IdempotencyFailure } from './errors.js';
export { IdempotencyError, isIdempotencyError } from './errors.js';
export type { StateEventBus, StateEventBusOptions, StateEventBusStats } from './event-bus.js';
export { createStateEventBus } from './event-bus.js';
export type { Handle, HandleStore, HandleStoreOptions } from './handles.js';
export { createHandleStore } from './handles.js';
export { createIdempotency } from './idempotency.js';
export type {
  Idempotency,
  IdempotencyOptions,
  IdempotentCall,
  IdempotentOutcome,
  IdempotentRequest,
} from './idempotency-types.js';
export type {
  IdempotencyResultMeta,
  IdempotentToolHandler,
  IdempotentToolOptions,
  ToolOutcome,
} from './idempotent-tool.js';
export { IDEMPOTENCY_KEY_META, IDEMPOTENCY_META, idempotentTool } from './idempotent-tool.js';
export type { PrincipalContext, PrincipalSource } from './principal.js';
export { ANONYMOUS_PRINCIPAL, principalOf } from './principal.js';
export type {
  RequestStateCallOptions,
  RequestStateEnvelope,
  SingleUseRequestState,
  SingleUseRequestStateOptions,
} from './request-state.js';
export { createSingleUseRequestState } from './request-state.js';
