/**
 * A guarded write said no: the phase is in the wrong state, a deadline passed, the caller is not
 * admitted. The code is one of the API's stable problem types.
 */
export type RefusalCode =
  | 'not-found'
  | 'phase-closed'
  | 'deadline-passed'
  | 'not-admitted'
  | 'not-assigned'
  | 'conflict-of-interest'
  | 'conflict-not-declared'
  | 'invalid-score'
  | 'invalid-offer'
  | 'sealed'
  | 'duplicate'
  | 'pitch-not-held'
  | 'evaluation-incomplete'
  | 'forbidden';

export class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    /** The refusal's parts one by one, where it has several (such as each offer a juror left). */
    readonly errors?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'Refusal';
  }
}
