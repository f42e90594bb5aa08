import type { ServerEventBus } from '@modelcontextprotocol/server';
import { COUNTER_META, COUNTER_URI_PREFIX } from './settings.js';

/** The resource URI of counter `name`. */
export function counterUri(name: string): string {
  return `${COUNTER_URI_PREFIX}${name}`;
}

/**
 * Publishes `notifications/resources/updated` for counter `name` on the shared bus, with its
 * new value under `_meta["io.pforge/counter"]`: it reaches `subscriptions/listen` streams on
 * every instance of the store that subscribed to the counter's URI.
 */
export function publishCounter(bus: ServerEventBus, name: string, value: number): void {
  bus.publish({
    kind: 'resource_updated',
    uri: counterUri(name),
    params: { _meta: { [COUNTER_META]: { name, value } } },
  });
}
