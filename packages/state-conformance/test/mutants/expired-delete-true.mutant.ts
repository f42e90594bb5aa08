import { runMutant } from './mutants.js';

runMutant('expired-delete-true');
