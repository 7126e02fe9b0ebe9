import { z } from 'zod';
import { KeySchema } from '../../domain/scoring.ts';

/*
 * Every id in a path. Competitions, offers, questions and objections are UUIDs; phases and templates
 * are keys (lower-case letters, digits and dashes). Neither leaves room for NUL, controls, `/` or a
 * prototype name other than `constructor`, which look-ups answer with a 404 (see domain/text.ts ownValue).
 */
export const TemplateParams = z.object({ id: KeySchema });
export const TemplateVersionParams = TemplateParams.extend({
  version: z.coerce.number().int().min(1).max(1_000_000),
});
export const CompetitionParams = z.object({ id: z.string().uuid() });
export const PhaseParams = z.object({ id: z.string().uuid(), phase: KeySchema });
export const OfferParams = PhaseParams.extend({ offerId: z.string().uuid() });
export const QuestionParams = PhaseParams.extend({ questionId: z.string().uuid() });
export const ObjectionParams = PhaseParams.extend({ objectionId: z.string().uuid() });
