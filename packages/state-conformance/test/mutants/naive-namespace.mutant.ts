import { runMutant } from './mutants.js';

runMutant('naive-namespace');
