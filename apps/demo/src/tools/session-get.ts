import * as z from 'zod';
import { defineTool } from '../tool.js';
import { sessionData } from './session-create.js';

/** Session handles as session_create returns them. */
export const sessionId = z.string().min(1).max(200).describe('the id session_create returned');

/** `session_get`: reads a session and renews its expiry. */
export const sessionGetTool = defineTool({
  name: 'session_get',
  title: 'Read a session',
  description: 'Reads the data of a live session and renews its expiry.',
  input: { session_id: sessionId },
  output: {
    session_id: z.string(),
    found: z.boolean(),
    data: sessionData.optional(),
  },
  async run({ session_id }, app, ctx) {
    const data = (await app.sessions.get(ctx, session_id))?.data;
    if (data === undefined) {
      return {
        text: `session ${session_id} not found (never created, expired or destroyed)`,
        data: { session_id, found: false },
      };
    }
    return {
      text: `session ${session_id}: ${JSON.stringify(data)}`,
      data: { session_id, found: true, data },
    };
  },
});
