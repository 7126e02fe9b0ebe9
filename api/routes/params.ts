import { z } from 'zod';
import { KeySchema } from '../../domain/scoring.ts';

export const CompetitionParams = z.object({ id: z.string().uuid() });
export const PhaseParams = z.object({ id: z.string().uuid(), phase: KeySchema });
export const OfferParams = PhaseParams.extend({ offerId: z.string().uuid() });
