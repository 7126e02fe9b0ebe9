import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { ReceiptSchema } from '../../domain/proofs.ts';
import { MAX_EUROS } from '../../domain/scoring.ts';
import { text } from '../../domain/text.ts';
import {
  listCompanyOffers,
  listPhaseOffers,
  offerIntake,
  receiveVersion,
  withdrawOffer,
} from '../../db/offers.ts';
import { openIdentitiesUpdate, openOffersUpdate, winnerWithdrewSignal } from '../../workflows/messages.ts';
import { allow } from '../auth.ts';
import {
  answerOnceReadThenWrite,
  idempotencyKey,
  IdempotencyKeyHeaders,
  idempotencyResponses,
} from '../idempotency.ts';
import { ACTION, bearer, jsonBody, jsonResponse, problems, READ, WRITE } from '../openapi.ts';
import type { Handler, Router } from '../router.ts';
import { AT, COMPETITION_ID, OFFER_ID } from '../schemas.ts';
import { nudgePhase, steerAsOfficer } from '../workflow-messages.ts';
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

const StoredOfferSchema = z.object({ offerId: z.string(), version: z.number(), receipt: ReceiptSchema });
const RECEIPT_EXAMPLE: z.input<typeof ReceiptSchema> = {
  offerId: OFFER_ID,
  competitionId: COMPETITION_ID,
  phase: 'feasibility',
  company: 'stille-wegen-bv',
  version: 1,
  receivedAt: AT,
  sha256: '9f2c4e7a1b3d5f6e8a0c2e4f6a8b0d2e4f6a8c0e2a4c6e8f0a2c4e6a8c0e2f4a',
  requestedAmount: 48_500,
  price: null,
  priceEnvelopeSha256: null,
  algorithm: 'Ed25519',
  signature: 'k8Jx2c1m3Q0vR7t9yZ4bH6nW5pL2sD8fG1aE3uI7oK9qT0rY4xC6vB8nM2lP5jS7hF1dA3gZ9wQ0eR4tU6iO8pA==',
  checkpoint: null,
};

const sendOfferRoute = createRoute({
  method: 'post',
  path: '/offers',
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
  middleware: [allow('company'), idempotencyKey] as const,
  request: { params: PhaseParams, body: jsonBody(OfferSubmissionSchema), headers: IdempotencyKeyHeaders },
  responses: {
    201: jsonResponse(StoredOfferSchema, 'Received (also the answer to a retry with the same key)', {
      offerId: OFFER_ID,
      version: 1,
      receipt: RECEIPT_EXAMPLE,
    }),
    ...problems(...WRITE, 422),
    ...idempotencyResponses,
  },
});
const sendOffer: Handler<typeof sendOfferRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  const { content, price, requestedAmount, identity } = c.req.valid('json');
  const { deps, principal } = c.var;
  const offer = {
    competitionId: id,
    phaseKey: phase,
    companyId: principal.id,
    content,
    price,
    requestedAmount,
    identity,
  };
  // A version race sends the whole attempt again, the Idempotency-Key's transaction included.
  const answer = await receiveVersion(offer, () =>
    answerOnceReadThenWrite(c, deps.sql, 201, offerIntake(deps.keys, offer)),
  );
  return c.json(answer.body, answer.status);
};

const withdrawRoute = createRoute({
  method: 'post',
  path: '/offers/{offerId}/withdraw',
  tags: ['offers'],
  summary: 'Withdraw your offer (company): before the deadline, or as a winner during the standstill',
  security: bearer,
  middleware: [allow('company')] as const,
  request: { params: OfferParams },
  responses: {
    200: jsonResponse(z.object({ withdrawn: z.literal(true), heldIntendedAward: z.boolean() }), 'Withdrawn', {
      withdrawn: true,
      heldIntendedAward: false,
    }),
    ...problems(...ACTION),
  },
});
const withdraw: Handler<typeof withdrawRoute> = async (c) => {
  const { id, phase, offerId } = c.req.valid('param');
  const { heldIntendedAward } = await withdrawOffer(c.var.deps.sql, {
    competitionId: id,
    phaseKey: phase,
    companyId: c.var.principal.id,
    offerId,
  });
  if (heldIntendedAward) await nudgePhase(c.var.deps, id, phase, winnerWithdrewSignal, { offerId });
  return c.json({ withdrawn: true as const, heldIntendedAward }, 200);
};

const myOffersRoute = createRoute({
  method: 'get',
  path: '/competitions/{id}/my-offers',
  tags: ['offers'],
  summary: 'Your offers in this competition, every version, with receipts (company)',
  security: bearer,
  middleware: [allow('company')] as const,
  request: { params: CompetitionParams },
  responses: {
    200: jsonResponse(
      z.object({ offers: z.array(StoredOfferSchema.extend({ phase: z.string(), status: z.string() })) }),
      'Your offers',
      {
        offers: [
          { offerId: OFFER_ID, phase: 'feasibility', version: 1, status: 'active', receipt: RECEIPT_EXAMPLE },
        ],
      },
    ),
    ...problems(...READ),
  },
});
const myOffers: Handler<typeof myOffersRoute> = async (c) => {
  const offers = await listCompanyOffers(c.var.deps.sql, c.req.valid('param').id, c.var.principal.id);
  return c.json({ offers: [...offers] }, 200);
};

const Consent = z.object({ opened: z.boolean(), officers: z.array(z.string()) });
const consentResponses = {
  200: jsonResponse(Consent, 'Consent recorded; `opened` once two different officers consented', {
    opened: true,
    officers: ['officer-1', 'officer-2'],
  }),
  ...problems(...ACTION),
};

/** Both openings need the consent of two different officers: the second one's opens. */
const openOffersRoute = createRoute({
  method: 'post',
  path: '/opening',
  tags: ['offers'],
  summary: 'Consent to open the sealed offers after the deadline (officer); a second officer opens them',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: PhaseParams },
  responses: consentResponses,
});
const openOffers: Handler<typeof openOffersRoute> = async (c) =>
  c.json(await steerAsOfficer(c.var, c.req.valid('param'), openOffersUpdate, {}), 200);

const openIdentitiesRoute = createRoute({
  method: 'post',
  path: '/identities/opening',
  tags: ['offers'],
  summary:
    'Anonymous review: consent to open the identity parts once the ranking is fixed (officer); a second officer opens them',
  description:
    'Only in a phase under anonymous review, waiting at its gate (the jury has finished and the ' +
    'ranking is fixed). With the consent of two different officers the identity parts open: the ' +
    'offers list shows each entry’s sender, receipt and identity part, the ranking names the ' +
    'companies, and the gate may be approved. Jurors never see them.',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: PhaseParams },
  responses: consentResponses,
});
const openIdentities: Handler<typeof openIdentitiesRoute> = async (c) =>
  c.json(await steerAsOfficer(c.var, c.req.valid('param'), openIdentitiesUpdate, {}), 200);

const PhaseOffer = z.object({
  offerId: z.string(),
  entry: z.number().int().nullable().optional().meta({ description: 'Anonymous review only' }),
  label: z.string().optional().meta({ description: 'Anonymous review only: "Entry 7"' }),
  company: z.string().nullable(),
  version: z.number().int(),
  status: z.string(),
  content: z.string().nullable(),
  price: z.number().nullable(),
  requestedAmount: z.number().nullable(),
  identity: z.string().nullable().optional().meta({ description: 'Anonymous review only' }),
  receipt: ReceiptSchema.extend({ requestedAmount: z.number().nullable() }).nullable(),
});
const phaseOffersRoute = createRoute({
  method: 'get',
  path: '/offers',
  tags: ['offers'],
  summary:
    'Every offer of the phase (officer): content, amount and price once opened, a sealed price after quality scoring',
  description:
    'Under anonymous review each offer shows as its entry (`entry`, `label`); its `company`, ' +
    '`receipt` and `identity` are null until two officers have opened the identities.',
  security: bearer,
  middleware: [allow('officer')] as const,
  request: { params: PhaseParams },
  responses: {
    200: jsonResponse(z.object({ opened: z.boolean(), offers: z.array(PhaseOffer) }), 'Offers', {
      opened: true,
      offers: [
        {
          offerId: OFFER_ID,
          company: 'stille-wegen-bv',
          version: 1,
          status: 'active',
          content: 'Porous asphalt with a tuned resonator layer; pilot on two streets.',
          price: null,
          requestedAmount: 48_500,
          receipt: RECEIPT_EXAMPLE,
        },
      ],
    }),
    ...problems(...READ),
  },
});
const phaseOffers: Handler<typeof phaseOffersRoute> = async (c) => {
  const { id, phase } = c.req.valid('param');
  const { deps, principal } = c.var;
  return c.json(
    await listPhaseOffers(deps.sql, deps.keys, { competitionId: id, phaseKey: phase, viewer: principal }),
    200,
  );
};

/** Offers and their openings: under the phase prefix. */
export const offerRoutes = (phase: Router) =>
  phase
    .openapi(sendOfferRoute, sendOffer)
    .openapi(withdrawRoute, withdraw)
    .openapi(openOffersRoute, openOffers)
    .openapi(openIdentitiesRoute, openIdentities)
    .openapi(phaseOffersRoute, phaseOffers);

/** A company's own offers across the competition's phases. */
export const myOfferRoutes = (app: Router) => app.openapi(myOffersRoute, myOffers);
