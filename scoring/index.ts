export { explainAround, explainOffers, rank, rankParsed } from './rank.ts';
export type { Findings } from './rank.ts';
export { assessReliability, decideWithReliability, rankWithReliability } from './reliability.ts';
export { intervalAlpha } from './alpha.ts';
export { ReliabilitySchema } from '../domain/reliability.ts';
export type { Agreement, JurorLeftOut, Reliability } from '../domain/reliability.ts';
export { ScoringError } from './errors.ts';
export type { ScoringErrorCode, ScoringErrorSubject } from './errors.ts';
export { drawLot, LOT_ALGORITHM } from './lot.ts';
export { RankInputSchema, RankingSchema, rankInputJsonSchema } from '../domain/scoring.ts';
export type {
  ConflictExclusion,
  ConsensusScore,
  CriterionResult,
  JurorScore,
  OfferForRanking,
  RankedOffer,
  RankInput,
  RankInputDraft,
  Ranking,
  TieGroup,
  TieRule,
  TieStepOutcome,
} from '../domain/scoring.ts';
