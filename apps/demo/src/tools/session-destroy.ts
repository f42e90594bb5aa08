import * as z from 'zod';
import { defineTool } from '../tool.js';
import { sessionId } from './session-get.js';

/** `session_destroy`: ends a session now. */
export const sessionDestroyTool = defineTool({
  name: 'session_destroy',
  title: 'Destroy a session',
  description: 'Ends a session now; later reads, on any instance, do not find it.',
  annotations: { destructiveHint: true, idempotentHint: true },
  input: { session_id: sessionId },
  output: { session_id: z.string(), destroyed: z.boolean() },
  async run({ session_id }, app, ctx) {
    const destroyed = await app.sessions.delete(ctx, session_id);
    return {
      text: destroyed
        ? `session ${session_id} destroyed`
        : `session ${session_id} was not live (nothing to destroy)`,
      data: { session_id, destroyed },
    };
  },
});
