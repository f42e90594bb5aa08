import { runMutant } from './mutants.js';

runMutant('non-atomic-batches');
