export { competitionWorkflow } from './competition.ts';
export { phaseWorkflow } from './phase.ts';
