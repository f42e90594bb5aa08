import { defineConfig } from 'vitest/config';

// Real redis-server processes start inside tests and hooks; leave room on a loaded CI machine.
export default defineConfig({ test: { testTimeout: 20_000, hookTimeout: 60_000 } });
