import { describe, expect, it } from 'vitest';
import { scoreRefusal, scoresThatCount, scoringRefusal } from '../../../domain/rules/jury.ts';

const score = (offerId: string, jurorId: string) => ({ offerId, jurorId, criterion: 'quality', score: 7 });

describe('the scores that count for the ranking', () => {
  it('leave out a juror on the offer they declared a conflict on, and only on that offer', () => {
    const scores = [score('a', 'j1'), score('a', 'j2'), score('b', 'j1')];
    const counted = scoresThatCount(scores, [{ offerId: 'a', jurorId: 'j1' }]);
    expect(counted).toEqual([score('a', 'j2'), score('b', 'j1')]);
  });

  it('keep every score when nobody declared a conflict', () => {
    const scores = [score('a', 'j1'), score('b', 'j2')];
    expect(scoresThatCount(scores, [])).toEqual(scores);
  });
});

describe('a score sits on its criterion’s scale', () => {
  const criteria = [
    { key: 'innovation', scale: { min: 0, max: 10, step: 1 } },
    { key: 'impact', scale: { min: 0, max: 5, step: 0.5 } },
  ];

  it('whole points on a 0–10 scale, half points on a 0–5 one, the ends included', () => {
    expect(scoreRefusal(criteria, { criterion: 'innovation', score: 10 })).toBeUndefined();
    expect(scoreRefusal(criteria, { criterion: 'impact', score: 3.5 })).toBeUndefined();
    expect(scoreRefusal(criteria, { criterion: 'impact', score: 0 })).toBeUndefined();
  });

  it('refuses a value off the step or outside the scale, and an unknown criterion', () => {
    expect(scoreRefusal(criteria, { criterion: 'innovation', score: 7.5 })).toBe(
      'innovation: 7.5 is not on the scale 0–10 in steps of 1',
    );
    expect(scoreRefusal(criteria, { criterion: 'impact', score: 5.5 })).toMatch(/not on the scale 0–5/);
    expect(scoreRefusal(criteria, { criterion: 'team', score: 5 })).toBe('unknown criterion "team"');
  });
});

describe('when a juror may score an offer', () => {
  const now = new Date('2027-03-10T10:00:00Z');
  const ready = { offersOpened: true, hasConflict: false, now };

  it('once the offers are open and the juror declared no conflict on it', () => {
    expect(scoringRefusal(ready)).toBeUndefined();
    expect(scoringRefusal({ ...ready, offersOpened: false })?.code).toBe('sealed');
    expect(scoringRefusal({ ...ready, hasConflict: undefined })?.code).toBe('conflict-not-declared');
    expect(scoringRefusal({ ...ready, hasConflict: true })?.code).toBe('conflict-of-interest');
  });

  it('with pitches, only after the pitch: held, or its slot over', () => {
    const endsAt = new Date('2027-03-10T11:00:00Z');
    expect(scoringRefusal({ ...ready, pitch: null })?.message).toBe('this offer has no pitch slot yet');
    expect(scoringRefusal({ ...ready, pitch: { endsAt, heldAt: null } })?.code).toBe('pitch-not-held');
    expect(scoringRefusal({ ...ready, pitch: { endsAt, heldAt: now } })).toBeUndefined();
    expect(scoringRefusal({ ...ready, now: endsAt, pitch: { endsAt, heldAt: null } })).toBeUndefined();
  });
});
