import { runMutant } from './mutants.js';

runMutant('sync-throw');
