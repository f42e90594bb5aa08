import * as z from 'zod';
import { SESSION_IDLE_MS } from '../settings.js';
import { defineTool } from '../tool.js';

/** Session data: a small JSON object. */
export const sessionData = z.record(z.string(), z.unknown());

/** `session_create`: a new session handle, usable from any instance, with a sliding expiry. */
export const sessionCreateTool = defineTool({
  name: 'session_create',
  title: 'Create a session',
  description:
    'Creates a session holding `data` (a JSON object) and returns its handle (`session_…`, ' +
    'unguessable). Pass the handle to session_get / session_destroy on any server instance. ' +
    `It expires after ${SESSION_IDLE_MS / 60_000} minutes without use (each session_get renews it).`,
  input: {
    data: sessionData.default({}).describe('what the session holds'),
  },
  output: {
    session_id: z.string(),
    expires_at: z.string().describe('ISO time the session expires if unused'),
  },
  async run({ data }, app, ctx) {
    const session = await app.sessions.create(ctx, data);
    const expiresAt = new Date(session.expiresAt).toISOString();
    return {
      text: `session ${session.handle} created, expires at ${expiresAt} if unused`,
      data: { session_id: session.handle, expires_at: expiresAt },
    };
  },
});
