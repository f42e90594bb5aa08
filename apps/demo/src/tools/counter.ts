import * as z from 'zod';
import { publishCounter } from '../counter-events.js';
import { defineTool } from '../tool.js';

/** Counter names: short, readable, safe in a key and a URI. */
export const counterName = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "_" or "-"');

/** `counter`: named counters that survive restarts and are shared by every server on the state. */
export const counterTool = defineTool({
  name: 'counter',
  title: 'Counter',
  description:
    'Named counters kept in the state: "increment" adds `by` (default 1) atomically, ' +
    '"get" reads, "reset" sets it back to 0. Shared by every server on the same state, ' +
    'and kept across restarts with a persistent backend. A change is notified to listeners ' +
    'of the resource pforge-demo://counters/<name> on every instance.',
  input: {
    action: z.enum(['increment', 'get', 'reset']).describe('what to do'),
    name: counterName.default('default').describe('which counter'),
    by: z
      .number()
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .default(1)
      .describe('how much "increment" adds (may be negative)'),
  },
  output: {
    name: z.string(),
    value: z.number().int(),
    action: z.enum(['increment', 'get', 'reset']),
  },
  async run({ action, name, by }, app) {
    const counter = app.patterns.counter(name);
    let value: number;
    if (action === 'get') value = await counter.get();
    else {
      if (action === 'increment') value = await counter.increment(by);
      else {
        await counter.reset();
        value = 0;
      }
      publishCounter(app.bus, name, value);
    }
    return { text: `counter "${name}" = ${value}`, data: { name, value, action } };
  },
});
