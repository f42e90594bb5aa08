import { StateError } from './errors.js';
import type { OptionShape } from './option-spec.js';
import type { OptionsDeclaration } from './options-declaration.js';
import type { StateManager } from './types.js';

const BRAND = 'pforge.state.backend/2';

/**
 * Another name a backend answers to in config, with how its options translate (e.g.
 * `sled`, the Rust runtime's store, opened as LMDB at the same path).
 */
export interface BackendAlias {
  /**
   * The alias's options as this backend reads them; `notice` tells the user what changed
   * (dropped options, data not migrated).
   */
  translate(
    options: Readonly<Record<string, unknown>>,
    notice: (message: string) => void,
  ): Record<string, unknown>;
}

/** A backend the factory can open: its name, how it reads its options, how it opens. */
export interface BackendDefinition<TResolved = unknown> {
  /** Marks a definition across duplicate copies of core. */
  readonly kind: typeof BRAND;
  /** `memory`, `lmdb`, `redis`, or a third-party package name. */
  readonly name: string;
  /** The package named in messages. */
  readonly source: string;
  /** Other names it answers to in config, with their translations. */
  readonly aliases: Readonly<Record<string, BackendAlias>>;
  /**
   * Validates the `state:` block (without `backend`, snake_case) before any I/O; throws one
   * `ERR_STATE_CONFIG` with every problem.
   */
  resolveOptions(input: unknown): TResolved;
  /** Opens a manager with resolved options. */
  create(options: TResolved): Promise<StateManager>;
}

/** What {@link defineBackend} takes. */
export interface BackendSpec<TResolved> {
  /** The name in config. @example 'lmdb' */
  name: string;
  /** The package named in messages. @default the options' `source` */
  source?: string;
  /** The backend's options, declared once with `defineOptions`. */
  options: OptionsDeclaration<OptionShape, TResolved>;
  /** Opens a manager with validated options. */
  create(options: TResolved): StateManager | Promise<StateManager>;
  /** Other names it answers to in config. */
  aliases?: Readonly<Record<string, BackendAlias>>;
}

/**
 * Defines a backend for the factory. Export the result from your package, and
 * `backend: "@acme/state-foo"` in a `state:` block opens it.
 * @example
 * export const fooBackend = defineBackend({ name: '@acme/state-foo', options: fooOptions, create: createFooState });
 */
export function defineBackend<TResolved>(
  spec: BackendSpec<TResolved>,
): BackendDefinition<TResolved> {
  checkSpec(spec);
  const declaration = spec.options;
  return Object.freeze({
    kind: BRAND,
    name: spec.name,
    source: spec.source ?? declaration.source,
    aliases: Object.freeze({ ...spec.aliases }),
    resolveOptions: (input: unknown) => declaration.parseYaml(input),
    create: async (options: TResolved) => spec.create(options),
  });
}

function checkSpec(spec: unknown): void {
  const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Partial<
    BackendSpec<unknown>
  >;
  const problems: string[] = [];
  if (typeof s.name !== 'string' || s.name === '') {
    problems.push('`name` must be a non-empty string');
  }
  const o = s.options as { parseYaml?: unknown } | undefined;
  if (typeof o?.parseYaml !== 'function') {
    problems.push('`options` must be a declaration made with defineOptions()');
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
