import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
import { z } from 'zod';
import { listPitchSlots, markPitchHeld } from '../../db/pitches.ts';
import { isOnJury } from '../../db/visibility.ts';
import { scopeOf } from '../../domain/rules/visibility.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { bearer, jsonResponse, problemResponses } from '../openapi.ts';
import { requirePhase } from '../phases.ts';
import { notOnJury, requireSight } from '../visibility.ts';
import { OfferParams, PhaseParams } from './params.ts';

const Slot = z.object({
  offerId: z.string(),
  company: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  heldAt: z.string().nullable(),
});

export function pitchRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/pitches',
      tags: ['pitches'],
      summary: 'The pitch programme (officer, juror on the jury) or your own slot (company)',
      security: bearer,
      request: { params: PhaseParams },
      responses: {
        200: jsonResponse(z.object({ slots: z.array(Slot) }), 'Slots in time order'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const { id, phase } = c.req.valid('param');
      const onJury = principal.role === 'juror' && (await isOnJury(deps.sql, id, phase, principal.id));
      const scope = scopeOf(
        principal,
        { whole: 'pitch programme', own: 'pitch slot' },
        { relation: { onJury } },
      );
      if (scope === 'none') {
        if (principal.role === 'juror') throw notOnJury(principal, phase);
        requireSight(principal, 'pitch programme', 'pitch slot');
      }
      await requirePhase(deps, id, phase);
      const rows = await listPitchSlots(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        ...(scope === 'all' ? {} : { companyId: principal.id }),
      });
      const slots = rows.map((r) => ({
        offerId: r.offerId as string,
        company: r.company as string,
        startsAt: (r.startsAt as Date).toISOString(),
        endsAt: (r.endsAt as Date).toISOString(),
        heldAt: r.heldAt ? (r.heldAt as Date).toISOString() : null,
      }));
      return c.json({ slots }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/offers/{offerId}/pitch/held',
      tags: ['pitches'],
      summary: 'Record that the pitch took place, so the jury may score the offer (officer as chair)',
      security: bearer,
      request: { params: OfferParams },
      responses: { 200: jsonResponse(z.object({ held: z.literal(true) }), 'Recorded'), ...problemResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id, phase, offerId } = c.req.valid('param');
      await markPitchHeld(deps.sql, { competitionId: id, phaseKey: phase, offerId, officerId: principal.id });
      return c.json({ held: true as const }, 200);
    },
  );

  return app;
}
