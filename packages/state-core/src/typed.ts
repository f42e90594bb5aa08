import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Codec } from './codec.js';
import { describeValue, isStateError, StateError } from './errors.js';
import { assertKey, isValidKey } from './keys.js';
import type { SetOptions, StateManager } from './types.js';

const SOURCE = '@pforge/state-core';

/** Options of {@link typed}. */
export interface TypedOptions<T> {
  /**
   * Prepended to every key of the view (compared as a plain string), so views with distinct
   * prefixes never share a key. May be `''`.
   * @example 'user:'
   */
  prefix: string;
  /**
   * Any Standard Schema validator (zod, valibot, arktype, ...) that checks, and may
   * transform, every decoded value on read. A failure is `ERR_STATE_SERIALIZATION`.
   * @default none: the decoded value is trusted to be a `T`
   */
  schema?: StandardSchemaV1<unknown, T>;
}

/** The new value for {@link TypedView.update}: `undefined` deletes the key. */
export type Updater<T> = (current: T | undefined) => T | undefined | Promise<T | undefined>;

/** A typed view of a {@link StateManager}: values of type `T` under one key prefix. */
export interface TypedView<T> {
  /** The decoded (and, with a schema, checked) value at `prefix + key`, or `undefined`. */
  get(key: string): Promise<T | undefined>;
  /** Encodes and stores `value` at `prefix + key`; without `options.ttl`, no expiry (as `set`). */
  set(key: string, value: T, options?: SetOptions): Promise<void>;
  /**
   * Reads the value, applies `fn` and writes the result with compare-and-swap, retrying
   * with the fresh value when another writer got in between, so no concurrent update is lost.
   * `fn` may run more than once: keep it free of side effects. Returning `undefined` deletes
   * the key. The write carries `options.ttl` (absent = no expiry, as `set`). Resolves the
   * value written (`undefined` when deleted).
   */
  update(key: string, fn: Updater<T>, options?: SetOptions): Promise<T | undefined>;
  /** Removes `prefix + key`; `true` when a live key was removed. */
  delete(key: string): Promise<boolean>;
}

/**
 * A typed view of `state`: values of type `T`, turned into bytes by `codec`, under
 * `options.prefix`. A value that fails to encode, decode or pass the schema rejects with
 * `ERR_STATE_SERIALIZATION` naming the key; everything else is the manager's own behaviour.
 * @example
 * const users = typed(state, jsonCodec, { prefix: 'user:', schema: z.object({ name: z.string() }) });
 * await users.set('42', { name: 'Ada' });
 * await users.update('42', (u) => u && { ...u, name: 'Ada L.' });
 */
export function typed<T>(
  state: StateManager,
  codec: Codec<T> | Codec<unknown>,
  options: TypedOptions<T>,
): TypedView<T> {
  const { prefix, schema } = checkOptions(options);
  const c = codec as Codec<T>;
  const name = codec.name ?? 'custom';

  const encode = (key: string, value: T): Uint8Array => {
    try {
      return c.encode(value);
    } catch (err) {
      throw serializationError(
        `cannot encode the value of key ${JSON.stringify(key)} with the ${name} codec`,
        err,
      );
    }
  };
  const decode = async (key: string, bytes: Uint8Array): Promise<T> => {
    let value: T;
    try {
      value = c.decode(bytes);
    } catch (err) {
      throw serializationError(
        `cannot decode the value of key ${JSON.stringify(key)} with the ${name} codec`,
        err,
      );
    }
    return schema ? check(schema, key, value) : value;
  };
  const full = (key: string): string => {
    assertKey(key, SOURCE);
    return prefix + key;
  };
  const read = async (key: string): Promise<[Uint8Array | undefined, T | undefined]> => {
    const bytes = await state.get(key);
    return [bytes, bytes === undefined ? undefined : await decode(key, bytes)];
  };

  return {
    get: async (key) => (await read(full(key)))[1],
    set: async (key, value, opts) => {
      const k = full(key);
      await state.set(k, encode(k, value), opts);
    },
    update: async (key, fn, opts) => {
      const k = full(key);
      for (;;) {
        const [bytes, current] = await read(k);
        const next = await fn(current);
        const nextBytes = next === undefined ? undefined : encode(k, next);
        if (bytes === undefined && nextBytes === undefined) return undefined;
        if (await state.compareAndSwap(k, bytes, nextBytes, opts)) return next;
      }
    },
    delete: async (key) => state.delete(full(key)),
  };
}

function checkOptions<T>(options: TypedOptions<T>): TypedOptions<T> {
  const prefix = (options as Partial<TypedOptions<T>> | undefined)?.prefix;
  if (typeof prefix !== 'string' || (prefix !== '' && !isValidKey(prefix))) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] typed(): \`prefix\` must be a well-formed string (got ${describeValue(prefix)})`,
    );
  }
  const schema = options.schema;
  if (schema !== undefined && typeof schema?.['~standard']?.validate !== 'function') {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] typed(): \`schema\` must be a Standard Schema validator`,
    );
  }
  return options;
}

async function check<T>(
  schema: StandardSchemaV1<unknown, T>,
  key: string,
  value: unknown,
): Promise<T> {
  const result = await schema['~standard'].validate(value);
  if (!result.issues) return result.value;
  // Issue messages and paths only: the stored value itself may be private.
  const list = result.issues
    .slice(0, 5)
    .map((i) => {
      const path = (i.path ?? [])
        .map((p) => String(typeof p === 'object' && p !== null ? p.key : p))
        .join('.');
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
  throw new StateError(
    'ERR_STATE_SERIALIZATION',
    `[${SOURCE}] the value of key ${JSON.stringify(key)} does not match the schema (${list})`,
    { cause: result.issues },
  );
}

function serializationError(what: string, err: unknown): StateError {
  const raw = err instanceof Error || isStateError(err) ? err.message : describeValue(err);
  const why = raw.replace(/^\[[^\]]+\] /, '');
  return new StateError('ERR_STATE_SERIALIZATION', `[${SOURCE}] ${what}: ${why}`, { cause: err });
}
