/**
 * The demo's fixed settings, in one leaf module (no imports), so that tools, patterns and the
 * app read them without importing each other.
 */

/** How long a session handle lives without use, in ms (each read or update renews it). */
export const SESSION_IDLE_MS = 30 * 60_000;

/** Calls of `rate_limited_ping` admitted per caller per window. */
export const PING_LIMIT = 3;

/** The sliding window of {@link PING_LIMIT}, in ms. */
export const PING_WINDOW_MS = 10_000;

/** How long an `nth_prime` answer stays cached, in ms. */
export const PRIME_CACHE_TTL_MS = 10 * 60_000;

/** The largest `n` `nth_prime` computes (keeps one computation under about a second). */
export const MAX_N = 2_000_000;

/** The longest a `transfer` may be told to take between its debit and its credit, in ms. */
export const MAX_SETTLE_MS = 60_000;

/** The URI of counter `name` as a resource: `pforge-demo://counters/<name>`. */
export const COUNTER_URI_PREFIX = 'pforge-demo://counters/';

/** The `_meta` key of a counter notification that carries the counter's new value. */
export const COUNTER_META = 'io.pforge/counter';

/** How long an idempotent call's claim lives without renewal, in ms, unless `--lease-ms` says. */
export const DEFAULT_LEASE_MS = 10_000;

/** How often an HTTP instance reads the shared event bus for other instances' events, in ms. */
export const BUS_POLL_MS = 50;
