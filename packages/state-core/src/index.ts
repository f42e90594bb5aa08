export type { Codec } from './codec.js';
export { bytesCodec, jsonCodec, textCodec } from './codec.js';
export type {
  ParseStateConfigOptions,
  StateConfig,
  StateConfigInput,
} from './config.js';
export { checkStateConfig, parseStateConfig, readStateConfig } from './config.js';
export { addCounter, assertDelta, decodeCounter, encodeCounter } from './counter.js';
export type { BackendDefinition, BackendSpec } from './define-backend.js';
export { defineBackend, isBackendDefinition } from './define-backend.js';
export type { DriverCapabilities, StoreDriver, StoredEntry } from './driver.js';
export type { DriverManagerOptions } from './driver-manager.js';
export { createDriverManager } from './driver-manager.js';
export type { ConfigIssue, StateErrorCode, StateErrorOptions } from './errors.js';
export { describeValue, isStateError, STATE_ERROR_CODES, StateError } from './errors.js';
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
export { attachStateInfo, inspectState, STATE_INFO, stateInfo } from './info.js';
export { assertKey, assertKeys, isValidKey, MAX_KEY_BYTES, resolvePrefix } from './keys.js';
export {
  DEFAULT_NAMESPACE,
  MAX_NAMESPACE_LENGTH,
  namespacePrefix,
  resolveNamespace,
} from './namespace.js';
export type { ParseOptionsContext } from './options.js';
export { configError, parseOptions, suggestName } from './options.js';
export type { StateTraceContext } from './tracing.js';
export { stateTracingChannel, TRACE_CHANNEL_PREFIX } from './tracing.js';
export { assertTtl, expiresAtFor, isValidTtl, MAX_TTL_MS, resolveTtl } from './ttl.js';
export type { TypedOptions, TypedView, Updater } from './typed.js';
export { typed } from './typed.js';
export type { Entry, PrefixOptions, SetOptions, StateManager } from './types.js';
export { validateEntries } from './validators.js';
export { assertValue, copyBytes, equalBytes, isValidValue, MAX_VALUE_BYTES } from './value.js';
