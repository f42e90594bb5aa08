import * as z from 'zod';
import { defineTool } from '../tool.js';

/** How long a session lives without use, in ms (rolling: each read renews it). */
export const SESSION_IDLE_MS = 30 * 60_000;

/** Session data: a small JSON object. */
export const sessionData = z.record(z.string(), z.unknown());

/** `session_create`: a new session with an unguessable id and a rolling expiry. */
export const sessionCreateTool = defineTool({
  name: 'session_create',
  title: 'Create a session',
  description:
    'Creates a session holding `data` (a JSON object) and returns its unguessable id. ' +
    `It expires after ${SESSION_IDLE_MS / 60_000} minutes without use (each session_get renews it).`,
  input: {
    data: sessionData.default({}).describe('what the session holds'),
  },
  output: {
    session_id: z.string(),
    expires_at: z.string().describe('ISO time the session expires if unused'),
  },
  async run({ data }, ctx) {
    const session = await ctx.patterns.sessions.create(data);
    const expiresAt = new Date(session.expiresAt).toISOString();
    return {
      text: `session ${session.id} created, expires at ${expiresAt} if unused`,
      data: { session_id: session.id, expires_at: expiresAt },
    };
  },
});
