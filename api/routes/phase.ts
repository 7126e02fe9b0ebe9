import { createRouter, type Router } from '../router.ts';
import { attentionRoutes } from './attention.ts';
import { gateRoutes } from './gates.ts';
import { juryRoutes } from './jury.ts';
import { offerRoutes } from './offers.ts';
import { phaseExportRoutes } from './open-data.ts';
import { pitchRoutes } from './pitches.ts';
import { questionRoutes } from './questions.ts';

/**
 * Everything under `/competitions/{id}/phases/{phase}`: each route declares its path after that
 * prefix, and the app mounts them all there once (router.ts PHASE_PREFIX).
 */
export function phaseRoutes(): Router {
  const phase = createRouter();
  for (const routes of [
    offerRoutes,
    questionRoutes,
    juryRoutes,
    gateRoutes,
    attentionRoutes,
    pitchRoutes,
    phaseExportRoutes,
  ]) {
    routes(phase);
  }
  return phase;
}
