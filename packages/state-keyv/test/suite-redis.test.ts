import { runKeyvTestSuite } from './keyv-suite.js';
import { redisTargets } from './targets.js';

// Standalone and Cluster; none (with one notice, and a failure in CI) without redis-server.
for (const spec of redisTargets()) runKeyvTestSuite(spec);
