export { competitionWorkflow } from './competition.ts';
export { phaseWorkflow } from './phase.ts';
export { webhookDeliveryWorkflow } from './webhooks.ts';
