/**
 * `@pforge/state-core`: what users of the state layer need. The interface, its errors and
 * limits, the factory and config, codecs, typed views, inspection and tracing. Backend
 * authors build on `@pforge/state-core/backend`.
 */
export type { Codec } from './codec.js';
export { bytesCodec, jsonCodec, textCodec } from './codec.js';
export type {
  ParseStateConfigOptions,
  StateConfig,
  StateConfigInput,
} from './config.js';
export { checkStateConfig, parseStateConfig, readStateConfig } from './config.js';
export type { BackendDefinition } from './define-backend.js';
export type { ConfigIssue, StateErrorCode, StateErrorOptions } from './errors.js';
export { isStateError, STATE_ERROR_CODES, StateError } from './errors.js';
export type { CreateStateManagerOptions } from './factory.js';
export {
  BUILTIN_BACKENDS,
  backendPackageName,
  createStateManager,
  createStateManagerFromFile,
  loadBackend,
  registerBackend,
} from './factory.js';
export type { InspectionValue, StateInfo, StateInfoSource, StateInspection } from './info.js';
export { inspectState, stateInfo } from './info.js';
export { isValidKey, MAX_KEY_BYTES } from './keys.js';
export { DEFAULT_NAMESPACE, MAX_NAMESPACE_LENGTH } from './namespace.js';
export type { StateTraceContext } from './tracing.js';
export { stateTracingChannel, TRACE_CHANNEL_PREFIX } from './tracing.js';
export { isValidTtl, MAX_TTL_MS } from './ttl.js';
export type { TypedOptions, TypedView, Updater } from './typed.js';
export { typed } from './typed.js';
export type { Entry, PrefixOptions, SetOptions, StateManager } from './types.js';
export { isValidValue, MAX_VALUE_BYTES } from './value.js';
