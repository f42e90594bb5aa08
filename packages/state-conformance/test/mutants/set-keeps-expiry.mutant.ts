import { runMutant } from './mutants.js';

runMutant('set-keeps-expiry');
