import {
  type McpServer,
  ResourceNotFoundError,
  ResourceTemplate,
} from '@modelcontextprotocol/server';
import type { DemoApp } from '../app.js';
import { COUNTER_URI_PREFIX } from '../settings.js';
import { counterName } from '../tools/counter.js';

/**
 * The resource template `pforge-demo://counters/{name}`: reading one gives the counter's value
 * as JSON; a `subscriptions/listen` stream subscribed to its URI is notified of each change
 * made through `counter` or `transfer` on any instance of the store.
 */
export function registerCounterResource(server: McpServer, app: DemoApp): void {
  server.registerResource(
    'counter',
    new ResourceTemplate(`${COUNTER_URI_PREFIX}{name}`, { list: undefined }),
    {
      title: 'Counter',
      description: 'The value of a counter, as JSON `{ name, value }`; subscribe for its changes.',
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const name = counterName.safeParse(variables.name);
      if (!name.success) throw new ResourceNotFoundError(uri.href, 'no such counter name');
      const value = await app.patterns.counter(name.data).get();
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: 'application/json',
            text: JSON.stringify({ name: name.data, value }),
          },
        ],
      };
    },
  );
}
