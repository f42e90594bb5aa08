import type { StandardSchemaV1 } from '@standard-schema/spec';
import { StateError } from './errors.js';
import { parseOptions } from './options.js';
import type { StateManager } from './types.js';

const BRAND = 'pforge.state.backend/1';

/** A backend the factory can open: its name, how it reads its options, how it opens. */
export interface BackendDefinition<TOptions = unknown> {
  /** Marks a definition across duplicate copies of core. */
  readonly kind: typeof BRAND;
  /** `memory`, `lmdb`, `redis`, or a third-party package name. */
  readonly name: string;
  /** The package named in messages. */
  readonly source: string;
  /** Validates the `state:` block (without `backend`) before any I/O; throws `ERR_STATE_CONFIG`. */
  resolveOptions(input: unknown): TOptions;
  /** Opens a manager with resolved options. */
  create(options: TOptions): Promise<StateManager>;
}

/** What {@link defineBackend} takes. */
export interface BackendSpec<TOptions> {
  /** The name of the backend in config. @example 'lmdb' */
  name: string;
  /** The package named in messages. @default the name */
  source?: string;
  /** A Standard Schema (zod, valibot, ...) for the `state:` block's options in snake_case. */
  options: StandardSchemaV1<unknown, TOptions>;
  /** Option names for "did you mean" hints (derived from a zod object's `shape` when absent). */
  optionNames?: readonly string[];
  /** Opens a manager with validated options. */
  create(options: TOptions): StateManager | Promise<StateManager>;
}

/**
 * Defines a backend for the factory. Export the result from your package and
 * `backend: "@acme/state-foo"` in a `state:` block opens it.
 * @example
 * export const fooBackend = defineBackend({
 *   name: '@acme/state-foo',
 *   options: z.object({ namespace: z.string().optional() }).strict(),
 *   create: (o) => createFooState(o),
 * });
 */
export function defineBackend<TOptions>(spec: BackendSpec<TOptions>): BackendDefinition<TOptions> {
  checkSpec(spec);
  const source = spec.source ?? spec.name;
  return Object.freeze({
    kind: BRAND,
    name: spec.name,
    source,
    resolveOptions: (input: unknown) =>
      parseOptions(spec.options, input, {
        source,
        ...(spec.optionNames ? { optionNames: spec.optionNames } : {}),
      }),
    create: async (options: TOptions) => spec.create(options),
  });
}

function checkSpec(spec: unknown): void {
  const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Partial<
    BackendSpec<unknown>
  >;
  const problems: string[] = [];
  if (typeof s.name !== 'string' || s.name === '')
    problems.push('`name` must be a non-empty string');
  if (typeof s.options?.['~standard']?.validate !== 'function') {
    problems.push('`options` must be a Standard Schema (e.g. a zod object)');
  }
  if (typeof s.create !== 'function') problems.push('`create` must be a function');
  if (problems.length > 0) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[@pforge/state-core] defineBackend(): ${problems.join('; ')}`,
    );
  }
}

/** Whether `value` is a {@link BackendDefinition} (from any copy of core). */
export function isBackendDefinition(value: unknown): value is BackendDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === BRAND &&
    typeof (value as { create?: unknown }).create === 'function'
  );
}
