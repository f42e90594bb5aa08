import { runMutant } from './mutants.js';

runMutant('aliased-get');
