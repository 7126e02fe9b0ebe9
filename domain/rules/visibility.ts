import { PHASE_LIFE, type PhaseState } from '../competition.ts';
import type { RankedOffer } from '../scoring.ts';

/**
 * Who sees what, when: the one place that decides it. Every read route and read query asks here;
 * the README's table "Who sees what, when" is this table, word for word (a unit test holds them
 * together). Pure: the facts (phase moment, relation) are read elsewhere, with the database clock.
 */

export type ViewerRole = 'officer' | 'company' | 'juror';

/** Who is looking: a company's id is its organisation, anyone else's their own. */
export interface Viewer {
  role: ViewerRole;
  id: string;
}

/** Where a phase stands, as far as seeing depends on it. */
export interface PhaseMoment {
  state: PhaseState;
  /** The submission deadline has passed by the database clock, or the phase has moved past it. */
  submissionDeadlinePassed: boolean;
  /** Two distinct officers have opened the sealed offers. */
  offersOpened: boolean;
  /** The intended award decision has gone out to the bidders. */
  intendedAwardSent: boolean;
  /** Anonymous review: two distinct officers have opened the identity parts (unknown: not opened). */
  identitiesOpened?: boolean;
}

export type Declaration = 'not-declared' | 'conflict' | 'no-conflict';

/** How the viewer stands to the thing looked at. */
export interface Relation {
  /** It is the viewer's own: their offer, objection, slot, scores, declaration, or a notice to them. */
  own?: boolean;
  /** The viewer is on the jury of the phase. */
  onJury?: boolean;
  /** The juror's declaration for the offer looked at. */
  declaration?: Declaration;
}

export interface Sight {
  moment?: PhaseMoment;
  relation?: Relation;
}

type Condition = (sight: { moment: PhaseMoment | undefined; relation: Relation }) => boolean;

/** The conditions the table uses; their names are the words in the README's table. */
export const CONDITIONS = {
  always: () => true,
  never: () => false,
  own: ({ relation }) => relation.own === true,
  'on the jury': ({ relation }) => relation.onJury === true,
  'after the submission deadline': ({ moment }) => moment?.submissionDeadlinePassed === true,
  'after the opening': ({ moment }) => moment?.offersOpened === true,
  'on the jury, after the opening, declared no conflict': ({ moment, relation }) =>
    relation.onJury === true && moment?.offersOpened === true && relation.declaration === 'no-conflict',
  'own, after the intended award': ({ moment, relation }) =>
    relation.own === true && moment?.intendedAwardSent === true,
  'after the identity opening': ({ moment }) => moment?.identitiesOpened === true,
} as const satisfies Record<string, Condition>;
export type ConditionName = keyof typeof CONDITIONS;

type Row = Record<ViewerRole, ConditionName>;
const row = (officer: ConditionName, company: ConditionName, juror: ConditionName): Row => ({
  officer,
  company,
  juror,
});

/** Role × item → the condition under which the role sees the item. */
export const VISIBILITY = {
  'competition, phases and timeline': row('always', 'always', 'always'),
  'procedure templates': row('always', 'always', 'always'),
  'jury size': row('always', 'always', 'always'),
  'offer count (active, withdrawn)': row(
    'always',
    'after the submission deadline',
    'after the submission deadline',
  ),
  'question count': row('always', 'after the submission deadline', 'after the submission deadline'),
  'score count': row('always', 'never', 'never'),
  'offer receipt (sender, version, time, sha256)': row('always', 'own', 'never'),
  'offer sender (for declaring conflicts)': row('always', 'own', 'on the jury'),
  'offer sender and receipt under anonymous review': row('after the identity opening', 'own', 'never'),
  'identity part (company, team, declarations)': row('after the identity opening', 'own', 'never'),
  'offer content': row('after the opening', 'own', 'on the jury, after the opening, declared no conflict'),
  'requested amount': row('after the opening', 'own', 'on the jury, after the opening, declared no conflict'),
  price: row('after the opening', 'own', 'on the jury, after the opening, declared no conflict'),
  'questions with their askers, unpublished answers': row('always', 'never', 'never'),
  'published answers (nota van inlichtingen)': row('always', 'always', 'always'),
  'own scores': row('never', 'never', 'on the jury'),
  'whole ranking (every offer, juror ids, conflicts)': row('always', 'never', 'never'),
  'ranking line, jurors as Juror A, B, C': row('always', 'own, after the intended award', 'never'),
  'juror identities': row('always', 'never', 'own'),
  'conflict declarations': row('always', 'never', 'own'),
  'pitch programme': row('always', 'never', 'on the jury'),
  'pitch slot': row('always', 'own', 'on the jury'),
  objections: row('always', 'own', 'never'),
  notifications: row('own', 'own', 'own'),
  'audit chain valid or not': row('always', 'always', 'always'),
  'audit details (entries, head hash, log)': row('always', 'never', 'never'),
  'workflow diagnostics': row('always', 'never', 'never'),
} as const satisfies Record<string, Row>;
export type Item = keyof typeof VISIBILITY;

/** Whether the viewer sees the item, given the phase's moment and their relation to the item. */
export function maySee(viewer: Viewer, item: Item, sight: Sight = {}): boolean {
  const condition: Condition = CONDITIONS[VISIBILITY[item][viewer.role]];
  return condition({ moment: sight.moment, relation: sight.relation ?? {} });
}

/** Whether the role sees the item in some moment and relation at all; if not, the answer is 403. */
export const roleMaySee = (role: ViewerRole, item: Item): boolean => VISIBILITY[item][role] !== 'never';

export type Scope = 'all' | 'own' | 'none';

/**
 * How much of a list the viewer sees: all of it (the whole item), only their own entries (the
 * own item, with the relation `own`), or nothing.
 */
export function scopeOf(viewer: Viewer, items: { whole: Item; own: Item }, sight: Sight = {}): Scope {
  const relation = sight.relation ?? {};
  if (maySee(viewer, items.whole, { ...sight, relation: { ...relation, own: false } })) return 'all';
  if (maySee(viewer, items.own, { ...sight, relation: { ...relation, own: true } })) return 'own';
  return 'none';
}

const PAST_SUBMISSIONS: readonly PhaseState[] = [
  ...PHASE_LIFE.slice(PHASE_LIFE.indexOf('evaluation')),
  'no-award',
];

/** The moment of a phase from its row and the database clock. */
export function momentOf(
  phase: {
    state: PhaseState;
    submissionsCloseAt: Date | null;
    offersOpenedAt: Date | null;
    intendedAwardAt: Date | null;
    /** Left out where the phase's row does not say (before anonymous review existed). */
    identitiesOpenedAt?: Date | null;
  },
  now: Date,
): PhaseMoment {
  const deadline = phase.submissionsCloseAt;
  return {
    state: phase.state,
    submissionDeadlinePassed:
      PAST_SUBMISSIONS.includes(phase.state) || (deadline !== null && now.getTime() >= deadline.getTime()),
    offersOpened: phase.offersOpenedAt !== null,
    intendedAwardSent: phase.intendedAwardAt !== null,
    ...(phase.identitiesOpenedAt === undefined
      ? {}
      : { identitiesOpened: phase.identitiesOpenedAt !== null }),
  };
}

/**
 * Who sent an offer, and its receipt (which names the sender), are one item under anonymous review
 * and others without it.
 */
export const senderItem = (anonymousReview: boolean): Item =>
  anonymousReview
    ? 'offer sender and receipt under anonymous review'
    : 'offer sender (for declaring conflicts)';
export const receiptItem = (anonymousReview: boolean): Item =>
  anonymousReview
    ? 'offer sender and receipt under anonymous review'
    : 'offer receipt (sender, version, time, sha256)';

/** What an offer is called where its sender is hidden: "Entry 7", the same in every answer. */
export const entryLabel = (entryNumber: number | null): string =>
  entryNumber === null ? 'Entry (numbered when the evaluation opens)' : `Entry ${entryNumber}`;

export interface PhaseCounts {
  offers: number;
  withdrawn: number;
  questions: number;
  jurors: number;
  scores: number;
}

/** A phase's counts as the viewer may see them: null where hidden. */
export function visibleCounts(viewer: Viewer, moment: PhaseMoment, counts: PhaseCounts) {
  const show = (item: Item, value: number) => (maySee(viewer, item, { moment }) ? value : null);
  return {
    offers: show('offer count (active, withdrawn)', counts.offers),
    withdrawn: show('offer count (active, withdrawn)', counts.withdrawn),
    questions: show('question count', counts.questions),
    jurors: show('jury size', counts.jurors),
    scores: show('score count', counts.scores),
  };
}

/** An offer's sealed parts as the viewer may see them: null where hidden; content unsealed only if shown. */
export function visibleOfferParts(
  viewer: Viewer,
  sight: Sight,
  offer: { content: () => string; price: number | null; requestedAmount: number },
) {
  return {
    content: maySee(viewer, 'offer content', sight) ? offer.content() : null,
    price: maySee(viewer, 'price', sight) ? offer.price : null,
    requestedAmount: maySee(viewer, 'requested amount', sight) ? offer.requestedAmount : null,
  };
}

/**
 * A receipt as the viewer may see it: where the receipt carries the amount or the price and the
 * viewer may not see them yet, they are withheld (null). Such a copy no longer verifies against its
 * signature; the company's own copy is whole.
 */
export function visibleReceipt<R extends object>(viewer: Viewer, sight: Sight, receipt: R): R {
  const withheld: Record<string, null> = {};
  if ('requestedAmount' in receipt && !maySee(viewer, 'requested amount', sight))
    withheld.requestedAmount = null;
  if ('price' in receipt && !maySee(viewer, 'price', sight)) withheld.price = null;
  return { ...receipt, ...withheld };
}

/** FNV-1a: a small, stable hash, so labels do not follow the alphabetical order of juror ids. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function letters(index: number): string {
  let label = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    label = String.fromCharCode(65 + ((n - 1) % 26)) + label;
  }
  return label;
}

/** "Juror A", "Juror B", …: one label per juror of the phase's jury, the same in every answer. */
export function jurorLabels(
  scope: { competitionId: string; phaseKey: string },
  jurorIds: readonly string[],
): Map<string, string> {
  const key = (id: string) => fnv1a(`${scope.competitionId}/${scope.phaseKey}/${id}`);
  const ordered = [...new Set(jurorIds)].sort((a, b) => key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0));
  return new Map(ordered.map((id, i) => [id, `Juror ${letters(i)}`]));
}

/**
 * A company's own ranking line: its numbers and reasons, each juror's score under a label, and
 * nothing that says who the jurors are or which of them declared a conflict.
 */
export function rankingLineForCompany(line: RankedOffer, labels: ReadonlyMap<string, string>) {
  // The conflicts are left out: a company never learns who declared one.
  const { excludedJurors: _conflicts, criteria, ...rest } = line;
  return {
    ...rest,
    criteria: criteria.map(({ jurorScores, ...criterion }) => ({
      ...criterion,
      jurorScores: jurorScores.map(({ jurorId, ...score }) => ({
        juror: labels.get(jurorId) ?? 'Juror',
        ...score,
      })),
    })),
  };
}

/** An audit verification as the viewer may see it: others than officers learn only whether it holds. */
export function visibleAuditVerification<T extends { valid: boolean }>(viewer: Viewer, result: T) {
  return maySee(viewer, 'audit details (entries, head hash, log)') ? result : { valid: result.valid };
}

/** The notification audiences a viewer reads: notices to everyone, to them, and to their role's group. */
export function noticeAudiences(viewer: Viewer): string[] {
  return ['public', `${viewer.role}:${viewer.id}`, ...(viewer.role === 'officer' ? ['officers'] : [])];
}
