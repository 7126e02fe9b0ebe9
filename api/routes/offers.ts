import { createRoute } from '@hono/zod-openapi';
import { createRouter } from '../router.ts';
import { z } from 'zod';
import { MAX_EUROS } from '../../domain/scoring.ts';
import { text } from '../../domain/text.ts';
import { listCompanyOffers, listPhaseOffers, submitOffer, withdrawOffer } from '../../db/offers.ts';
import { openIdentitiesUpdate, openOffersUpdate, winnerWithdrewSignal } from '../../workflows/messages.ts';
import type { AppDeps } from '../app.ts';
import { requireRole } from '../auth.ts';
import { answerOnce, idempotencyKey, IdempotencyKeyHeaders, idempotencyResponses } from '../idempotency.ts';
import { bearer, jsonBody, jsonResponse, problemResponses } from '../openapi.ts';
import { requirePhaseNotEnded } from '../phases.ts';
import { nudgePhase, steer } from '../workflow-messages.ts';
import { CompetitionParams, OfferParams, PhaseParams } from './params.ts';

export const OfferSubmissionSchema = z.strictObject({
  /**
   * The proposal itself (text, or a document encoded as base64); sealed until the opening. Stored,
   * sealed and hashed for the receipt as the UTF-8 bytes of the JSON string sent, untrimmed; the
   * body is decoded strictly (api/body.ts), so no byte is replaced on the way.
   */
  content: text({ min: 1, max: 1_000_000, unit: 'utf8-bytes', trim: false }),
  price: z.number().nonnegative().max(MAX_EUROS, `at most ${MAX_EUROS} euros`).optional(),
  requestedAmount: z.number().nonnegative().max(MAX_EUROS, `at most ${MAX_EUROS} euros`),
  /**
   * Anonymous review only, and there required: who sends the proposal. Sealed apart from `content`
   * and hashed for the receipt (v3) as its UTF-8 bytes, untrimmed.
   */
  identity: text({ min: 1, max: 100_000, unit: 'utf8-bytes', trim: false })
    .optional()
    .meta({
      description:
        'Only in a phase under anonymous review (`anonymousReview`), and required there: the identity ' +
        'part — company name, team, declarations — as free text or JSON, sealed apart from `content` ' +
        '(which must keep the name out). Jurors never see it; two officers open it once the ranking ' +
        'is fixed. The receipt binds its sha256 (`identitySha256`, receipt v3).',
      example:
        '{"company":"Stille Wegen BV","kvk":"12345678","team":["A. de Vries"],"declarations":"UEA attached"}',
    }),
});

const ReceiptSchema = z.object({
  offerId: z.string(),
  competitionId: z.string(),
  phase: z.string(),
  company: z.string(),
  version: z.number(),
  receivedAt: z.string(),
  sha256: z.string(),
  identitySha256: z
    .string()
    .optional()
    .meta({ description: 'Anonymous review only: sha256 of the identity part (receipt v3).' }),
  algorithm: z.literal('Ed25519'),
  signature: z.string(),
});
const StoredOfferSchema = z.object({ offerId: z.string(), version: z.number(), receipt: ReceiptSchema });

export function offerRoutes(deps: AppDeps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/offers',
      tags: ['offers'],
      summary: 'Send an offer, or a new version of yours (company)',
      description:
        'Accepted while the phase takes offers and before its submission deadline by the server clock. ' +
        'The answer is a receipt signed by the server (Ed25519; public key at /receipts/public-key). ' +
        'With an `Idempotency-Key` header, a retry with the same key and body gets the first answer ' +
        'again (the same 201 and receipt) and stores nothing; the same key with another body is ' +
        'refused (422 `idempotency-key-reused`); while the first request still runs, a retry gets 409 ' +
        '`idempotency-key-in-flight` with `Retry-After`. A key is per company and per path (another ' +
        'phase or competition is another key) and is kept 24 hours.',
      security: bearer,
      middleware: [idempotencyKey] as const,
      request: {
        params: PhaseParams,
        body: jsonBody(OfferSubmissionSchema),
        headers: IdempotencyKeyHeaders,
      },
      responses: {
        201: jsonResponse(StoredOfferSchema, 'Received (also the answer to a retry with the same key)'),
        ...problemResponses,
        ...idempotencyResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'company');
      const { id, phase } = c.req.valid('param');
      const body = c.req.valid('json');
      const answer = await answerOnce(c, deps.sql, async (tx) => ({
        status: 201 as const,
        body: await submitOffer(tx, deps.keys, {
          competitionId: id,
          phaseKey: phase,
          companyId: principal.id,
          content: body.content,
          price: body.price,
          requestedAmount: body.requestedAmount,
          identity: body.identity,
        }),
      }));
      return c.json(answer.body, answer.status);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/competitions/{id}/phases/{phase}/offers/{offerId}/withdraw',
      tags: ['offers'],
      summary: 'Withdraw your offer (company): before the deadline, or as a winner during the standstill',
      security: bearer,
      request: { params: OfferParams },
      responses: {
        200: jsonResponse(
          z.object({ withdrawn: z.literal(true), heldIntendedAward: z.boolean() }),
          'Withdrawn',
        ),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'company');
      const { id, phase, offerId } = c.req.valid('param');
      const { heldIntendedAward } = await withdrawOffer(deps.sql, {
        competitionId: id,
        phaseKey: phase,
        companyId: principal.id,
        offerId,
      });
      if (heldIntendedAward) await nudgePhase(deps, id, phase, winnerWithdrewSignal, { offerId });
      return c.json({ withdrawn: true as const, heldIntendedAward }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/my-offers',
      tags: ['offers'],
      summary: 'Your offers in this competition, every version, with receipts (company)',
      security: bearer,
      request: { params: CompetitionParams },
      responses: {
        200: jsonResponse(
          z.object({ offers: z.array(StoredOfferSchema.extend({ phase: z.string(), status: z.string() })) }),
          'Your offers',
        ),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'company');
      return c.json(
        { offers: [...(await listCompanyOffers(deps.sql, c.req.valid('param').id, principal.id))] },
        200,
      );
    },
  );

  /** Both openings need the consent of two different officers: the second one's opens. */
  const consentRoute = (opening: {
    path: string;
    summary: string;
    description?: string;
    update: typeof openOffersUpdate;
  }) =>
    app.openapi(
      createRoute({
        method: 'post',
        path: opening.path,
        tags: ['offers'],
        summary: opening.summary,
        ...(opening.description ? { description: opening.description } : {}),
        security: bearer,
        request: { params: PhaseParams },
        responses: {
          200: jsonResponse(
            z.object({ opened: z.boolean(), officers: z.array(z.string()) }),
            'Consent recorded',
          ),
          ...problemResponses,
        },
      }),
      async (c) => {
        const principal = c.get('principal');
        requireRole(principal, 'officer');
        const { id, phase } = c.req.valid('param');
        await requirePhaseNotEnded(deps, id, phase);
        const target = { competitionId: id, phaseKey: phase };
        return c.json(await steer(deps, target, opening.update, { officerId: principal.id }), 200);
      },
    );

  consentRoute({
    path: '/competitions/{id}/phases/{phase}/opening',
    summary: 'Consent to open the sealed offers after the deadline (officer); a second officer opens them',
    update: openOffersUpdate,
  });
  consentRoute({
    path: '/competitions/{id}/phases/{phase}/identities/opening',
    summary:
      'Anonymous review: consent to open the identity parts once the ranking is fixed (officer); a second officer opens them',
    description:
      'Only in a phase under anonymous review, waiting at its gate (the jury has finished and the ' +
      'ranking is fixed). With the consent of two different officers the identity parts open: the ' +
      'offers list shows each entry’s sender, receipt and identity part, the ranking names the ' +
      'companies, and the gate may be approved. Jurors never see them.',
    update: openIdentitiesUpdate,
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/competitions/{id}/phases/{phase}/offers',
      tags: ['offers'],
      summary:
        'Every offer of the phase (officer): content, amount and price once opened, a sealed price after quality scoring',
      description:
        'Under anonymous review each offer shows as its entry (`entry`, `label`); its `company`, ' +
        '`receipt` and `identity` are null until two officers have opened the identities.',
      security: bearer,
      request: { params: PhaseParams },
      responses: {
        200: jsonResponse(
          z.object({ opened: z.boolean(), offers: z.array(z.record(z.string(), z.unknown())) }),
          'Offers',
        ),
        ...problemResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, 'officer');
      const { id, phase } = c.req.valid('param');
      return c.json(
        await listPhaseOffers(deps.sql, deps.keys, { competitionId: id, phaseKey: phase, viewer: principal }),
        200,
      );
    },
  );

  return app;
}
