import { runMutant } from './mutants.js';

runMutant('lenient-counter');
