export { rank, rankParsed } from './rank.ts';
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
