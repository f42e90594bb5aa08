import type { StandardSchemaV1 } from '@standard-schema/spec';

/** One option of a backend, declared once; code, YAML, hints, defaults and docs derive from it. */
export interface OptionSpec<T> {
  /** Any Standard Schema (zod, valibot, ...) of the value, in its code (camelCase) form. */
  readonly schema: StandardSchemaV1<unknown, T>;
  /** One sentence for the README's options table, with the unit. */
  readonly doc: string;
  /** The value when the option is absent. */
  readonly default?: T;
  /** Whether it must be given. @default false */
  readonly required?: boolean;
  /**
   * Its name in YAML, or `false` for an option only code can pass (a client, a shared store).
   * @default the code name in snake_case
   */
  readonly yaml?: string | false;
  /** Its value is a secret: never shown in any message. @default false */
  readonly secret?: boolean;
  /** How the default reads in the docs, when `String(default)` does not say it well. */
  readonly defaultText?: string;
}

/** An {@link OptionSpec} that also carries, for the type checker, what it resolves to. */
export interface Option<T, R> extends OptionSpec<T> {
  /** Never set: the resolved type (`T`, or `T | undefined` for an optional option without default). */
  readonly __resolves?: R;
}

/**
 * Declares one option.
 * @example option({ schema: z.number().int().min(1), default: 1000, doc: 'Pause between sweeps, in ms.' })
 */
export function option<T>(spec: OptionSpec<T> & { default: T }): Option<T, T>;
export function option<T>(spec: OptionSpec<T> & { required: true }): Option<T, T>;
export function option<T>(spec: OptionSpec<T>): Option<T, T | undefined>;
export function option<T>(spec: OptionSpec<T>): Option<T, T | undefined> {
  return spec;
}

/** A record of declared options, by code (camelCase) name. */
// biome-ignore lint/suspicious/noExplicitAny: any option type fits the record
export type OptionShape = Record<string, Option<any, any>>;

/** The options as code passes them: every key optional unless `required`. */
export type OptionsInput<S extends OptionShape> = {
  [K in keyof S]?: S[K] extends OptionSpec<infer T> ? T : never;
};

/** The options after validation, defaults applied. */
export type ResolvedOptions<S extends OptionShape> = {
  -readonly [K in keyof S]: S[K] extends Option<infer _T, infer R> ? R : never;
};
