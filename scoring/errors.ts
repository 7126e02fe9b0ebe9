/**
 * Why a ranking was refused. The codes are stable: callers (the API, the CLI, the gate workflow) map
 * them to responses and messages, so a code is never renamed once released.
 */
export type ScoringErrorCode =
  | 'invalid-input'
  | 'duplicate-offer'
  | 'duplicate-criterion'
  | 'unknown-offer'
  | 'unknown-criterion'
  | 'off-scale'
  | 'off-step'
  | 'weights-do-not-add-up'
  | 'excluded-juror-scored'
  | 'missing-score'
  | 'missing-price'
  | 'duplicate-score';

/** The offer, juror and criterion an error is about, so a caller can point at the offending row. */
export interface ScoringErrorSubject {
  readonly offerId?: string;
  readonly jurorId?: string;
  readonly criterion?: string;
}

/** Thrown instead of returning a ranking that could be silently wrong. */
export class ScoringError extends Error {
  override readonly name = 'ScoringError';

  constructor(
    readonly code: ScoringErrorCode,
    message: string,
    readonly subject: ScoringErrorSubject = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
