import { runMutant } from './mutants.js';

runMutant('derived-batches');
