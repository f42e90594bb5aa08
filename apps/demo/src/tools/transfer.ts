import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { publishCounter } from '../counter-events.js';
import { describeError } from '../describe-error.js';
import { MAX_SETTLE_MS } from '../settings.js';
import { defineTool } from '../tool.js';
import { counterName } from './counter.js';

/**
 * `transfer`: moves an amount from one counter to another, once per `request_id`, however many
 * times and on whichever instances the request arrives (`idempotentTool` of @pforge/state-mcp).
 */
export const transferTool = defineTool({
  name: 'transfer',
  title: 'Transfer between counters (once per request id)',
  description:
    'Takes `amount` from counter `from` and adds it to counter `to`. Runs once per ' +
    '`request_id`: a repeated request (a retry, a request re-issued after a lost connection, ' +
    'on any instance) gets the recorded answer, marked replayed under ' +
    '_meta["io.pforge/idempotency"], and moves nothing. A `request_id` reused with other ' +
    'arguments is refused. If the instance running a transfer dies before recording its ' +
    'answer, the request id answers "outcome unknown": it is never run twice.',
  annotations: { idempotentHint: true, destructiveHint: false },
  idempotencyKey: 'request_id',
  input: {
    from: counterName.describe('the counter to take from'),
    to: counterName.describe('the counter to add to'),
    amount: z.number().int().min(1).max(1_000_000).describe('how much to move'),
    request_id: z
      .string()
      .min(1)
      .max(255)
      .describe('an id you choose for this transfer (a UUID): send it again to retry safely'),
    settle_ms: z
      .number()
      .int()
      .min(0)
      .max(MAX_SETTLE_MS)
      .default(0)
      .describe('how long to wait between the debit and the credit (to try a crash mid-way)'),
  },
  output: {
    request_id: z.string(),
    from: z.string(),
    to: z.string(),
    amount: z.number().int(),
    from_value: z.number().int().describe('`from` after the debit'),
    to_value: z.number().int().describe('`to` after the credit'),
  },
  async run({ from, to, amount, request_id, settle_ms }, app) {
    const fromValue = await app.patterns.counter(from).increment(-amount);
    publishCounter(app.bus, from, fromValue);
    if (settle_ms > 0) await sleep(settle_ms);
    let toValue: number;
    try {
      toValue = await app.patterns.counter(to).increment(amount);
    } catch (err) {
      // Recorded for this request id: a retry must not take the amount from `from` again.
      throw new Error(
        `took ${amount} from "${from}" (now ${fromValue}) but could not add it to "${to}": ${describeError(err)}`,
      );
    }
    publishCounter(app.bus, to, toValue);
    return {
      text: `moved ${amount} from "${from}" (now ${fromValue}) to "${to}" (now ${toValue})`,
      data: { request_id, from, to, amount, from_value: fromValue, to_value: toValue },
    };
  },
});
