import { runMutant } from './mutants.js';

runMutant('counter-ttl-always');
