import type { PhaseState } from '../domain/competition.ts';

/** The parts of the API's JSON answers the pages read (the API's schemas are the source). */
export type Timeline = Record<string, string | null>;

export interface PhaseStatus {
  key: string;
  name: string;
  state: PhaseState;
  evaluationRound: number;
  outcome: string | null;
  timeline: Timeline;
  counts: Record<'offers' | 'withdrawn' | 'questions' | 'jurors' | 'scores', number | null>;
}

export interface CompetitionStatus {
  id: string;
  title: string;
  buyer: string;
  challenge: string;
  procedure: string;
  status: string;
  currentPhase: string | null;
  phases: PhaseStatus[];
}

export interface CompetitionSummary {
  id: string;
  title: string;
  status: string;
  currentPhase: string | null;
}

export interface Receipt {
  offerId: string;
  company: string;
  requestedAmount: number | null;
  receivedAt: string;
  sha256: string;
  version: number;
}

export interface Offer {
  offerId: string;
  company: string | null;
  version: number;
  status: string;
  content: string | null;
  price: number | null;
  requestedAmount: number | null;
  receipt: Receipt | null;
}

export interface MyOffer {
  offerId: string;
  phase: string;
  version: number;
  status: string;
  receipt: Receipt;
}

export interface JuryOffer {
  offerId: string;
  company: string;
  declaration: 'not-declared' | 'no-conflict' | 'conflict';
  contentStatus: string;
  note?: string;
  content: string | null;
  requestedAmount: number | null;
}

export interface Question {
  id: string;
  companyId?: string;
  question: string;
  answer: string | null;
  askedAt?: string;
  publishedAt: string | null;
}

export interface Objection {
  id: string;
  companyId: string;
  reason: string;
  filedAt: string;
  decision: string | null;
  decisionReason: string | null;
}

export interface CriterionLine {
  criterion: string;
  name: string;
  weight: number;
  minimum: number;
  aggregate: number | null;
  points: number;
  needsConsensus: boolean;
  belowMinimum: boolean;
  jurorScores: { jurorId?: string; juror?: string; raw: number; reason: string }[];
}

export interface RankedOffer {
  rank: number | null;
  offerId: string;
  company: string;
  total: number | null;
  eligible: boolean;
  requestedAmount: number | null;
  selection: { selected: boolean; message: string };
  ineligibility: string[];
  tieBrokenBy?: { by: string } | null;
  criteria: CriterionLine[];
}

export interface AlphaLine {
  name?: string;
  criterion?: string;
  alpha: number | null;
  reading: string;
  message: string;
  flagged: boolean;
}

export interface Reliability {
  message: string;
  overall: AlphaLine;
  criteria: AlphaLine[];
  leaveOneJurorOut: { decisiveJurors: string[] };
}

export interface Ranking {
  round: number;
  offers: RankedOffer[];
  needsConsensus?: { offerId: string; criterion: string; spread: number }[];
  selection?: { selectedOfferIds: string[] };
  reliability?: Reliability;
  maximumQualityPoints?: number;
}

export interface TemplateCriterion {
  key: string;
  name: string;
  weight: number;
  minimum: number;
  scale: { min: number; max: number; step: number };
}

export interface TemplatePhase {
  key: string;
  name: string;
  criteria: TemplateCriterion[];
  sealedPrice?: boolean;
}

export interface Template {
  id: string;
  name: string;
  phases: TemplatePhase[];
}

export interface ProblemLine {
  path: string;
  message: string;
}
