import { runKeyvTestSuite } from './keyv-suite.js';
import { lmdb } from './targets.js';

runKeyvTestSuite(lmdb);
