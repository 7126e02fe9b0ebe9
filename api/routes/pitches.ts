import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { listPitchSlots, markPitchHeld } from '../../db/pitches.ts';
import { isOnJury } from '../../db/visibility.ts';
import { scopeOf } from '../../domain/rules/visibility.ts';
import { allow } from '../auth.ts';
import { ACTION, bearer, jsonResponse, problems, READ } from '../openapi.ts';
import { requirePhase } from '../phases.ts';
import type { Handler, Router } from '../router.ts';
import { OFFER_ID } from '../schemas.ts';
import { notOnJury, sees } from '../visibility.ts';
import { OfferParams, PhaseParams } from './params.ts';

const Slot = z.object({
  offerId: z.string(),
  company: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  heldAt: z.string().nullable(),
});

const pitchesRoute = createRoute({
  method: 'get',
  path: '/pitches',
  tags: ['pitches'],
  summary: 'The pitch programme (officer, juror on the jury) or your own slot (company)',
  security: bearer,
  middleware: [sees('pitch programme', 'pitch slot')] as const,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(z.object({ slots: z.array(Slot) }), 'Slots in time order', {
      slots: [
        {
          offerId: OFFER_ID,
          company: 'stille-wegen-bv',
          startsAt: '2027-04-20T08:00:00.000Z',
          endsAt: '2027-04-20T08:30:00.000Z',
          heldAt: null,
        },
      ],
    }),
    ...problems(...READ),
  },
});
const pitches: Handler<typeof pitchesRoute> = async (c) => {
  const { principal, deps } = c.var;
  const { id, phase } = c.req.valid('param');
  const onJury = principal.role === 'juror' && (await isOnJury(deps.sql, id, phase, principal.id));
  const scope = scopeOf(principal, { whole: 'pitch programme', own: 'pitch slot' }, { relation: { onJury } });
  // Every role sees a slot of its own but a juror, who sees the programme only from the jury.
  if (scope === 'none') throw notOnJury(principal, phase);
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
};

const pitchHeldRoute = createRoute({
  method: 'post',
  path: '/offers/{offerId}/pitch/held',
  tags: ['pitches'],
  summary: 'Record that the pitch took place, so the jury may score the offer (officer as chair)',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: OfferParams },
  responses: {
    200: jsonResponse(z.object({ held: z.literal(true) }), 'Recorded', { held: true }),
    ...problems(...ACTION),
  },
});
const pitchHeld: Handler<typeof pitchHeldRoute> = async (c) => {
  const { id, phase, offerId } = c.req.valid('param');
  await markPitchHeld(c.var.deps.sql, {
    competitionId: id,
    phaseKey: phase,
    offerId,
    officerId: c.var.principal.id,
  });
  return c.json({ held: true as const }, 200);
};

/** Pitches: the programme and the chair's record that one took place, under the phase prefix. */
export const pitchRoutes = (phase: Router) =>
  phase.openapi(pitchesRoute, pitches).openapi(pitchHeldRoute, pitchHeld);
