import type { CompleteOperations } from './operations.js';
import { closedError, toStateError } from './to-state-error.js';
import { type OperationTracer, traceContext } from './tracing.js';
import type { Validators } from './validators.js';

/** What `keys()` needs of its manager. */
export interface KeysContext {
  readonly source: string;
  readonly backend: string;
  readonly namespace: string;
  readonly life: { readonly closed: boolean };
  readonly validators: Validators;
}

type AnyIterator = Iterator<string> | AsyncIterator<string>;

function iteratorOf(source: AsyncIterable<string> | Iterable<string>): AnyIterator {
  const asyncIt = (source as AsyncIterable<string>)[Symbol.asyncIterator];
  return asyncIt ? asyncIt.call(source) : (source as Iterable<string>)[Symbol.iterator]();
}

/**
 * `keys()` of a base-built manager: the prefix is checked when iteration starts, every step
 * checks the closed state, failures are `StateError`s, and a consumer that stops early lets
 * the engine release its cursor. With a tracing subscriber when `keys()` is called, the whole
 * iteration is one traced call whose result is the number of keys yielded; without one, the
 * walk itself is returned (one generator per key step, not two).
 */
export function iterateKeys(
  ctx: KeysContext,
  ops: CompleteOperations,
  options: unknown,
  tracer: OperationTracer,
): AsyncGenerator<string, void, undefined> {
  if (!tracer.active()) return walk(ctx, ops, options, { yielded: 0 });
  return tracedWalk(ctx, ops, options, tracer);
}

async function* tracedWalk(
  ctx: KeysContext,
  ops: CompleteOperations,
  options: unknown,
  tracer: OperationTracer,
): AsyncGenerator<string, void, undefined> {
  const trace = traceContext('keys', ctx.backend, ctx.namespace, 0);
  const count = { yielded: 0 };
  let finish!: (err?: unknown) => void;
  const done = new Promise<number>((resolve, reject) => {
    finish = (err) => (err === undefined ? resolve(count.yielded) : reject(err));
  });
  tracer.channel.tracePromise(() => done, trace).catch(() => undefined);
  try {
    yield* walk(ctx, ops, options, count);
    finish();
  } catch (err) {
    trace.errorCode = (err as { code?: string }).code;
    finish(err);
    throw err;
  } finally {
    finish(); // an early `break`: the iteration ends here
  }
}

async function* walk(
  ctx: KeysContext,
  ops: CompleteOperations,
  options: unknown,
  count: { yielded: number },
): AsyncGenerator<string, void, undefined> {
  const { source, life } = ctx;
  if (life.closed) throw closedError(source, 'keys');
  let it: AnyIterator;
  try {
    it = iteratorOf(ops.keys(ctx.validators.prefix(options)));
  } catch (err) {
    throw toStateError(err, source, 'keys');
  }
  try {
    for (;;) {
      if (life.closed) throw closedError(source, 'keys');
      let step: IteratorResult<string>;
      try {
        step = await it.next();
      } catch (err) {
        throw toStateError(err, source, 'keys');
      }
      if (step.done) return;
      count.yielded++;
      yield step.value;
    }
  } finally {
    await Promise.resolve(it.return?.()).catch(() => undefined);
  }
}
