import { runMutant } from './mutants.js';

runMutant('ttl-zero-means-none');
