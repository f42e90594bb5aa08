import { runMutant } from './mutants.js';

runMutant('deleteMany-counts-duplicates');
