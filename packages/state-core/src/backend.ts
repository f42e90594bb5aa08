/**
 * `@pforge/state-core/backend`: what a backend author builds on, the same parts the built-in
 * backends use. Users of the state layer need only the root entry.
 */

export { configError } from './config-error.js';
export { addCounter, decodeCounter, encodeCounter } from './counter.js';
export type { BackendAlias, BackendDefinition, BackendSpec } from './define-backend.js';
export { defineBackend, isBackendDefinition } from './define-backend.js';
export type { ConfigIssue } from './errors.js';
export { describeValue } from './errors.js';
export type { InspectionValue, StateInfoSource } from './info.js';
export { attachStateInfo, STATE_INFO } from './info.js';
export type { GuardedCall, ManagerSpec } from './manager.js';
export { createManager } from './manager.js';
export { namespacePrefix } from './namespace.js';
export { namespaceOption } from './namespace-option.js';
export type { DataMethod, MaybePromise, StoredEntry, StoreOperations } from './operations.js';
export { DATA_METHODS } from './operations.js';
export type {
  Option,
  OptionShape,
  OptionSpec,
  OptionsInput,
  ResolvedOptions,
} from './option-spec.js';
export { option } from './option-spec.js';
export type {
  OptionsDeclaration,
  OptionsDeclarationSpec,
  ReportIssue,
} from './options-declaration.js';
export { defineOptions } from './options-declaration.js';
export { formatOptionsTable } from './options-docs.js';
export { redactText, safeCause, urlSecrets } from './redact.js';
export { suggestName } from './suggest.js';
export { closedError, toStateError } from './to-state-error.js';
export { expiresAtFor } from './ttl.js';
export type { Validators } from './validators.js';
export { createValidators } from './validators.js';
export { copyBytes, equalBytes } from './value.js';
