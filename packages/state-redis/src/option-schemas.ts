import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { parseNode, parseUrl } from './address.js';
import type { RedisNodeAddress } from './types.js';

/** A whole number from `min` to `max`; a string of digits counts too (from `${VAR}`). */
export const intFrom = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number()
      .int(`must be a whole number from ${min} to ${max}`)
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );

/** A boolean; `"true"` / `"false"` count too (from `${VAR}`). */
export const boolFrom = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean(),
);

const text = z.string().min(1, 'must not be empty');

// An address string is checked by parsing it, whose message masks its credentials; the
// schema's own messages never quote the input.
const checkAddress = (parse: (s: string) => unknown) => (s: unknown, ctx: z.RefinementCtx) => {
  if (typeof s !== 'string' || s === '') return; // an empty one is reported as such
  const out = parse(s);
  if (typeof out === 'string') ctx.addIssue({ code: 'custom', message: out });
};

/** `url`: a `redis[s]://` URL, checked the way it is used. */
export const urlSchema = text.superRefine(checkAddress((s) => parseUrl(s, true)));

const hostPort = z.object({ host: text, port: intFrom(1, 65535) }).strict();

/** A cluster or sentinel node: `host:port`, a `redis[s]://` URL or `{ host, port }`. */
const node = z
  .union([z.string(), hostPort], { error: 'must be "host:port", a redis:// URL or { host, port }' })
  .superRefine(checkAddress(parseNode));

const nodes = z.array(node).min(1, 'needs at least one node').readonly();

/** `cluster`: the seed nodes. */
export const clusterSchema = z.object({ nodes }).strict();

/** `sentinel`: the master group and the sentinels (and their own credentials). */
export const sentinelSchema = z
  .object({
    name: text,
    nodes,
    username: text.optional(),
    password: z.string().optional(),
  })
  .strict();

const tlsSettings = z
  .object({
    ca: text.optional(),
    caFile: text.optional(),
    cert: text.optional(),
    certFile: text.optional(),
    key: text.optional(),
    keyFile: text.optional(),
    servername: text.optional(),
    rejectUnauthorized: boolFrom.optional(),
  })
  .strict();

/** `tls`: `true` for defaults, or settings. */
export const tlsSchema = z.union([boolFrom, tlsSettings], {
  error:
    'must be true, false or a mapping of TLS settings (non-empty PEM strings, file paths or servername; reject_unauthorized true or false)',
});

/** A non-empty string. */
export const nonEmpty = text;

function isClient(v: unknown): v is Redis | Cluster {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { sendCommand?: unknown }).sendCommand === 'function'
  );
}

/** `client`: an ioredis `Redis` or `Cluster` the caller owns. */
export const clientSchema = z.custom<Redis | Cluster>(
  isClient,
  'must be an ioredis Redis or Cluster instance',
);

/** The node list as the schema gives it. */
export type NodeList = readonly (string | RedisNodeAddress)[];
