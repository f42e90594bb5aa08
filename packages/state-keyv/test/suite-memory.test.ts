import { runKeyvTestSuite } from './keyv-suite.js';
import { memory } from './targets.js';

runKeyvTestSuite(memory);
