export type { BackendDefinition, BackendSpec } from './backend.js';
export { defineBackend, isBackendDefinition } from './backend.js';
export { addCounter, assertDelta, decodeCounter, encodeCounter } from './counter.js';
export type { DriverCapabilities, StoreDriver, StoredEntry } from './driver.js';
export type { DriverManagerOptions } from './driver-manager.js';
export { createDriverManager, validateEntries } from './driver-manager.js';
export type { StateErrorCode, StateErrorOptions } from './errors.js';
export { STATE_ERROR_CODES, StateError, describeValue, isStateError } from './errors.js';
export { MAX_KEY_BYTES, assertKey, assertKeys, isValidKey, resolvePrefix } from './keys.js';
export {
  DEFAULT_NAMESPACE,
  MAX_NAMESPACE_LENGTH,
  namespacePrefix,
  resolveNamespace,
} from './namespace.js';
export type { ConfigIssue, ParseOptionsContext } from './options.js';
export { configError, parseOptions, suggestName } from './options.js';
export { MAX_TTL_MS, assertTtl, expiresAtFor, isValidTtl, resolveTtl } from './ttl.js';
export type { Entry, PrefixOptions, SetOptions, StateManager } from './types.js';
export { MAX_VALUE_BYTES, assertValue, copyBytes, equalBytes, isValidValue } from './value.js';
