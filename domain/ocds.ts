/**
 * Open data: a competition as an OCDS 1.1 release package (https://standard.open-contracting.org/1.1/).
 * Pure: every release is derived from one audit log entry (db/audit.ts), so the same history always
 * gives the same releases, and a release, once an entry exists, never changes: the audit log is
 * append-only and a release reads only its own entry and facts fixed before it (the template as
 * launched, an offer's sender and requested amount).
 *
 * Mapping:
 * - the competition is one contracting process: `ocid` = `<prefix>-<competition id>`, tender id =
 *   competition id, the buyer the competition's buyer;
 * - each phase of the procedure is a **lot** (`tender.lots[].id` = the phase key, value = the phase
 *   budget); SBIR phases are awarded separately, to several companies each, which is what lots are for;
 *   awards name their phase in `relatedLots`;
 * - releases, one per entry: `competition.launched` → planning; `phase.published` → tender (the phase
 *   active, its tender and enquiry periods); `deadline.extended` → tenderAmendment (an amendment with
 *   the officer's reason); `answers.published` → tenderUpdate with the nota van inlichtingen as a
 *   clarifications document; `award.intended` → award (status `pending`: the standstill runs);
 *   `award.final` → awardUpdate (status `active`); an upheld `objection.decided` → awardCancellation
 *   of the phase's pending awards; `phase.closed` and the competition's end → tenderUpdate;
 * - who sees what: suppliers, their parties and amounts appear first in the intended award's release,
 *   the moment they become public (README "Who sees what, when"); nothing earlier names a company.
 */

export const DEFAULT_OCID_PREFIX = 'ocds-phasegate-dev';

export interface OcdsEntry {
  seq: number;
  at: string;
  action: string;
  data: Record<string, unknown>;
}

export interface OcdsCompetition {
  id: string;
  title: string;
  buyer: string;
  challenge: string;
  phases: readonly { key: string; name: string; gate: { phaseBudget: number } }[];
}

/** The sender and requested amount of each offer an award names. */
export type OfferFacts = ReadonlyMap<string, { company: string; requestedAmount: number }>;

type Json = Record<string, unknown>;

export const ocidOf = (prefix: string, competitionId: string) => `${prefix}-${competitionId}`;

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'buyer';

function buyerOf(c: OcdsCompetition) {
  return { id: `buyer-${slug(c.buyer)}`, name: c.buyer };
}

function lotsOf(c: OcdsCompetition, status: Record<string, string> = {}) {
  return c.phases.map((p) => ({
    id: p.key,
    title: p.name,
    value: eur(p.gate.phaseBudget),
    ...(status[p.key] ? { status: status[p.key] } : {}),
  }));
}

const PHASE_OUTCOME_STATUS: Record<string, string> = {
  completed: 'complete',
  'no-award': 'unsuccessful',
  cancelled: 'cancelled',
};
const COMPETITION_STATUS: Record<string, string> = {
  'competition.completed': 'complete',
  'competition.no-award': 'unsuccessful',
  'competition.cancelled': 'cancelled',
};

/** The release-specific part of an entry's release, or undefined for entries that are no release. */
function releaseBody(c: OcdsCompetition, e: OcdsEntry, offers: OfferFacts): Json | undefined {
  const phase = typeof e.data.phase === 'string' ? e.data.phase : '';
  const tender = (extra: Json) => ({ id: c.id, title: c.title, ...extra });
  switch (e.action) {
    case 'competition.launched':
      return {
        tag: ['planning'],
        planning: { rationale: c.challenge || c.title },
        tender: tender({ status: 'planning', description: c.challenge, lots: lotsOf(c) }),
      };
    case 'phase.published':
      return { tag: ['tender'], tender: tender(publishedTender(c, phase, e)) };
    case 'deadline.extended':
      return { tag: ['tenderAmendment'], tender: tender(amendedTender(e, phase)) };
    case 'answers.published':
      return { tag: ['tenderUpdate'], tender: tender({ documents: [clarifications(e, phase)] }) };
    case 'award.intended':
      return awardRelease(c, e, phase, offers, 'intended');
    case 'award.final':
      return awardRelease(c, e, phase, offers, 'final');
    case 'phase.closed': {
      const status = PHASE_OUTCOME_STATUS[String(e.data.outcome)] ?? 'complete';
      return { tag: ['tenderUpdate'], tender: tender({ lots: lotsOf(c, { [phase]: status }) }) };
    }
    default: {
      const status = COMPETITION_STATUS[e.action];
      return status ? { tag: ['tenderUpdate'], tender: tender({ status }) } : undefined;
    }
  }
}

function publishedTender(c: OcdsCompetition, phase: string, e: OcdsEntry): Json {
  const deadlines = (e.data.deadlines ?? {}) as Record<string, string>;
  const publishedAt = String(e.data.publishedAt ?? e.at);
  return {
    status: 'active',
    description: c.challenge,
    procurementMethod: 'open',
    procurementMethodDetails: `Phasegate phase ${phase}`,
    mainProcurementCategory: 'services',
    awardCriteria: 'bestValueToGovernment',
    tenderPeriod: { startDate: publishedAt, endDate: deadlines.submissionsClose },
    enquiryPeriod: { startDate: publishedAt, endDate: deadlines.questionsClose },
    awardPeriod: { startDate: deadlines.submissionsClose, endDate: deadlines.intendedAwardDue },
    lots: lotsOf(c, { [phase]: 'active' }),
  };
}

const MILESTONE_PERIOD: Record<string, [string, 'startDate' | 'endDate']> = {
  questionsClose: ['enquiryPeriod', 'endDate'],
  submissionsClose: ['tenderPeriod', 'endDate'],
  intendedAwardDue: ['awardPeriod', 'endDate'],
};

function amendedTender(e: OcdsEntry, phase: string): Json {
  const milestone = String(e.data.milestone);
  const period = MILESTONE_PERIOD[milestone];
  return {
    ...(period ? { [period[0]]: { [period[1]]: e.data.to } } : {}),
    amendments: [
      {
        id: `${phase}-${milestone}-${e.seq}`,
        date: e.at,
        rationale: String(e.data.reason ?? ''),
        description: `Phase ${phase}: ${milestone} extended from ${String(e.data.from)} to ${String(e.data.to)}`,
      },
    ],
  };
}

function clarifications(e: OcdsEntry, phase: string): Json {
  return {
    id: `${phase}-answers-${e.seq}`,
    documentType: 'clarifications',
    title: `Nota van inlichtingen, phase ${phase}`,
    description: `Answers to the bidders' questions, published to all (${Number(e.data.published ?? 0)})`,
    datePublished: e.at,
    language: 'en',
  };
}

/** Intended award: pending awards (standstill); final award: the same awards, active. */
function awardRelease(
  c: OcdsCompetition,
  e: OcdsEntry,
  phase: string,
  offers: OfferFacts,
  kind: 'intended' | 'final',
): Json {
  const lines =
    kind === 'intended'
      ? ((e.data.winners ?? []) as string[]).map((offer) => ({ offer, amount: undefined }))
      : ((e.data.awards ?? []) as { offer: string; amount: number | string }[]);
  const suppliers = new Map<string, Json>();
  const awards = lines.map(({ offer, amount }) => {
    const facts = offers.get(offer);
    const company = facts?.company ?? offer;
    suppliers.set(company, { id: company, name: company, roles: ['tenderer', 'supplier'] });
    return {
      id: `${phase}-${offer}`,
      title: `Phase ${phase}: offer ${offer}`,
      status: kind === 'intended' ? 'pending' : 'active',
      date: e.at,
      value: eur(Number(amount ?? facts?.requestedAmount ?? 0)),
      suppliers: [{ id: company, name: company }],
      relatedLots: [phase],
    };
  });
  return {
    tag: [kind === 'intended' ? 'award' : 'awardUpdate'],
    parties: [...suppliers.values()],
    tender: { id: c.id, title: c.title, awardPeriod: { startDate: e.at } },
    awards,
  };
}

/** The awards of each phase that are still pending (intended, not yet final). */
function trackPendingAwards(pending: Map<string, string[]>, e: OcdsEntry) {
  const phase = String(e.data.phase ?? '');
  if (e.action === 'award.intended') pending.set(phase, (e.data.winners ?? []) as string[]);
  if (e.action === 'award.final' || (e.action === 'objection.decided' && e.data.decision === 'upheld')) {
    pending.delete(phase);
  }
}

/** An upheld objection reopens the phase: its pending awards are cancelled (a new award follows). */
function cancelledAwards(c: OcdsCompetition, e: OcdsEntry, pending: Map<string, string[]>): Json | undefined {
  const phase = String(e.data.phase ?? '');
  const offers = pending.get(phase);
  if (e.action !== 'objection.decided' || e.data.decision !== 'upheld' || !offers?.length) return undefined;
  return {
    tag: ['awardCancellation'],
    tender: { id: c.id, title: c.title },
    awards: offers.map((offer) => ({ id: `${phase}-${offer}`, status: 'cancelled', date: e.at })),
  };
}

/** Every release of the competition, one per entry that is one, in the order of the audit log. */
export function ocdsReleases(
  prefix: string,
  c: OcdsCompetition,
  entries: readonly OcdsEntry[],
  offers: OfferFacts,
): Json[] {
  const ocid = ocidOf(prefix, c.id);
  const buyer = buyerOf(c);
  const pending = new Map<string, string[]>();
  return [...entries]
    .sort((a, b) => a.seq - b.seq)
    .flatMap((e) => {
      const body = cancelledAwards(c, e, pending) ?? releaseBody(c, e, offers);
      trackPendingAwards(pending, e);
      if (!body) return [];
      const { parties = [], ...rest } = body as { parties?: Json[] } & Json;
      return [
        {
          ocid,
          id: `${ocid}-${e.seq}`,
          date: e.at,
          language: 'en',
          initiationType: 'tender',
          parties: [{ ...buyer, roles: ['buyer', 'procuringEntity'] }, ...parties],
          buyer,
          ...rest,
        },
      ];
    });
}

/** The release package: its date is that of its latest release, so the same history gives the same bytes. */
export function ocdsPackage(uri: string, releases: Json[], publisher = { name: 'Phasegate' }) {
  const last = releases.at(-1)?.date;
  return {
    uri,
    version: '1.1',
    publishedDate: typeof last === 'string' ? last : new Date(0).toISOString(),
    publisher,
    license: 'https://creativecommons.org/publicdomain/zero/1.0/',
    releases,
  };
}
