import { describe, expect, it } from 'vitest';
import { drawLot, LOT_ALGORITHM, rank } from '../../../scoring/index.ts';
import { competition, criterion, offer, offerIn, orderOf, scoresFrom } from './build.ts';

const innovationAndTeam = [criterion('innovation', 50), criterion('team', 50)];

describe('tie-breaks', () => {
  it('a tie is broken by the higher score on the named criterion', () => {
    const ranking = rank(
      competition({
        criteria: innovationAndTeam,
        tieBreak: { order: [{ by: 'criterion', criterion: 'innovation' }], seed: 's' },
        offers: [offer('team-heavy'), offer('innovative')],
        scores: scoresFrom({
          'team-heavy': { j1: { innovation: 6, team: 8 } },
          innovative: { j1: { innovation: 8, team: 6 } },
        }),
      }),
    );
    expect(orderOf(ranking)).toEqual(['innovative', 'team-heavy']);
    expect(offerIn(ranking, 'innovative').tieBrokenBy).toEqual({ by: 'criterion', criterion: 'innovation' });
    expect(ranking.tieGroups).toEqual([
      {
        total: 70,
        eligible: true,
        offerIds: ['innovative', 'team-heavy'],
        steps: [
          {
            by: 'criterion',
            criterion: 'innovation',
            offerIds: ['innovative', 'team-heavy'],
            subgroups: [
              { value: 8, offerIds: ['innovative'] },
              { value: 6, offerIds: ['team-heavy'] },
            ],
          },
        ],
      },
    ]);
  });

  it('a tie is broken by the lower price', () => {
    const ranking = rank(
      competition({
        tieBreak: { order: [{ by: 'lower-price' }], seed: 's' },
        offers: [offer('dear', { price: 49_000 }), offer('cheap', { price: 45_000 })],
        scores: scoresFrom({ dear: { j1: { quality: 7 } }, cheap: { j1: { quality: 7 } } }),
      }),
    );
    expect(orderOf(ranking)).toEqual(['cheap', 'dear']);
    expect(offerIn(ranking, 'dear').tieBrokenBy).toEqual({ by: 'lower-price' });
    expect(ranking.tieGroups[0]!.steps[0]).toMatchObject({
      by: 'lower-price',
      subgroups: [
        { value: 45_000, offerIds: ['cheap'] },
        { value: 49_000, offerIds: ['dear'] },
      ],
    });
  });

  it('a tie is broken by the higher quality points', () => {
    // Quality 50, price 50: A = 50 + 50 x 100/200 = 75; B = 25 + 50 = 75.
    const ranking = rank(
      competition({
        criteria: [criterion('quality', 50)],
        price: { method: 'relative', weight: 50 },
        tieBreak: { order: [{ by: 'quality' }], seed: 's' },
        offers: [offer('B', { price: 100 }), offer('A', { price: 200 })],
        scores: scoresFrom({ A: { j1: { quality: 10 } }, B: { j1: { quality: 5 } } }),
      }),
    );
    expect(offerIn(ranking, 'A').total).toBe(75);
    expect(offerIn(ranking, 'B').total).toBe(75);
    expect(orderOf(ranking)).toEqual(['A', 'B']);
    expect(offerIn(ranking, 'A').tieBrokenBy).toEqual({ by: 'quality' });
  });

  it('the steps apply in the published order, each deciding only what the earlier ones left tied', () => {
    const ranking = rank(
      competition({
        criteria: innovationAndTeam,
        tieBreak: { order: [{ by: 'criterion', criterion: 'innovation' }, { by: 'lower-price' }], seed: 's' },
        offers: [offer('C', { price: 30_000 }), offer('B', { price: 20_000 }), offer('A', { price: 40_000 })],
        scores: scoresFrom({
          A: { j1: { innovation: 8, team: 6 } },
          B: { j1: { innovation: 6, team: 8 } },
          C: { j1: { innovation: 6, team: 8 } },
        }),
      }),
    );
    expect(orderOf(ranking)).toEqual(['A', 'B', 'C']);
    expect(offerIn(ranking, 'A').tieBrokenBy).toEqual({ by: 'criterion', criterion: 'innovation' });
    expect(offerIn(ranking, 'B').tieBrokenBy).toEqual({ by: 'lower-price' });
    expect(offerIn(ranking, 'C').tieBrokenBy).toEqual({ by: 'lower-price' });
    expect(ranking.tieGroups[0]!.steps.map((s) => [s.by, s.offerIds])).toEqual([
      ['criterion', ['A', 'B', 'C']],
      ['lower-price', ['B', 'C']],
    ]);
  });

  it('offers still tied after every step are ordered by a lot whose seed and draw are recorded', () => {
    const ids = ['d', 'a', 'c', 'b'];
    const ranking = rank(
      competition({
        tieBreak: { order: [{ by: 'quality' }], seed: 'phase-1-2025' },
        offers: ids.map((id) => offer(id)),
        scores: scoresFrom(Object.fromEntries(ids.map((id) => [id, { j1: { quality: 7 } }]))),
      }),
    );
    const draw = drawLot('phase-1-2025', ids);
    expect(orderOf(ranking)).toEqual(draw);
    expect(ranking.tieGroups).toHaveLength(1);
    const [quality, lot] = ranking.tieGroups[0]!.steps;
    expect(quality).toMatchObject({
      by: 'quality',
      subgroups: [{ value: 70, offerIds: ['a', 'b', 'c', 'd'] }],
    });
    expect(lot).toEqual({
      by: 'lot',
      seed: 'phase-1-2025',
      algorithm: LOT_ALGORITHM,
      offerIds: ['a', 'b', 'c', 'd'],
      draw,
    });
    for (const o of ranking.offers) expect(o.tieBrokenBy).toEqual({ by: 'lot' });
  });

  it('the lot does not depend on the order the offers and scores were listed in', () => {
    const ids = ['p', 'q', 'r', 's', 't'];
    const input = competition({
      offers: ids.map((id) => offer(id)),
      scores: scoresFrom(Object.fromEntries(ids.map((id) => [id, { j1: { quality: 7 } }]))),
    });
    const reversed = { ...input, offers: [...input.offers].reverse(), scores: [...input.scores].reverse() };
    expect(orderOf(rank(reversed))).toEqual(orderOf(rank(input)));
  });

  it('each tie group in a ranking gets its own lot', () => {
    const ranking = rank(
      competition({
        tieBreak: { order: [], seed: 'two-lots' },
        offers: ['a', 'b', 'c', 'd'].map((id) => offer(id)),
        scores: scoresFrom({
          a: { j1: { quality: 8 } },
          b: { j1: { quality: 8 } },
          c: { j1: { quality: 6 } },
          d: { j1: { quality: 6 } },
        }),
      }),
    );
    expect(ranking.tieGroups.map((g) => g.steps)).toEqual([
      [
        {
          by: 'lot',
          seed: 'two-lots',
          algorithm: LOT_ALGORITHM,
          offerIds: ['a', 'b'],
          draw: drawLot('two-lots', ['a', 'b']),
        },
      ],
      [
        {
          by: 'lot',
          seed: 'two-lots',
          algorithm: LOT_ALGORITHM,
          offerIds: ['c', 'd'],
          draw: drawLot('two-lots', ['c', 'd']),
        },
      ],
    ]);
  });

  it('totals equal up to floating-point rounding are a tie', () => {
    // (0.1 + 0.2) / 2 and (0 + 0.3) / 2 differ in the last bit.
    const ranking = rank(
      competition({
        criteria: [criterion('quality', 100, { scale: { min: 0, max: 1, step: 0.1 } })],
        offers: [offer('a'), offer('b')],
        scores: scoresFrom({
          a: { j1: { quality: 0.1 }, j2: { quality: 0.2 } },
          b: { j1: { quality: 0 }, j2: { quality: 0.3 } },
        }),
      }),
    );
    expect(offerIn(ranking, 'a').total).not.toBe(offerIn(ranking, 'b').total);
    expect(ranking.tieGroups).toHaveLength(1);
    expect(ranking.tieGroups[0]!.steps[0]!.by).toBe('lot');
  });

  it('fictitious prices that differ only by rounding are a tie, even near zero', () => {
    // Quality points 15.000000000000002 and 15 make fictitious prices of about -1.8e-12 and 0 euros.
    const ranking = rank(
      competition({
        criteria: [criterion('quality', 100, { scale: { min: 0, max: 1, step: 0.1 } })],
        price: { method: 'value-for-money', euroPerQualityPoint: 1000 },
        offers: [offer('a', { price: 15_000 }), offer('b', { price: 15_000 })],
        scores: scoresFrom({
          a: { j1: { quality: 0.1 }, j2: { quality: 0.2 } },
          b: { j1: { quality: 0 }, j2: { quality: 0.3 } },
        }),
      }),
    );
    expect(offerIn(ranking, 'a').fictitiousPrice).not.toBe(offerIn(ranking, 'b').fictitiousPrice);
    expect(Math.abs(offerIn(ranking, 'a').fictitiousPrice!)).toBeLessThan(1e-9);
    expect(ranking.tieGroups).toHaveLength(1);
  });

  it('an eligible and an ineligible offer with equal totals are not a tie: the eligible one ranks first', () => {
    const ranking = rank(
      competition({
        criteria: [criterion('innovation', 50), criterion('team', 50, { minimum: 5 })],
        offers: [offer('ineligible'), offer('eligible')],
        scores: scoresFrom({
          ineligible: { j1: { innovation: 10, team: 4 } },
          eligible: { j1: { innovation: 7, team: 7 } },
        }),
      }),
    );
    expect(orderOf(ranking)).toEqual(['eligible', 'ineligible']);
    expect(ranking.tieGroups).toEqual([]);
    expect(offerIn(ranking, 'eligible').tieBrokenBy).toBeNull();
  });

  it('under value for money the lower fictitious price wins and ties compare the named criterion', () => {
    const ranking = rank(
      competition({
        criteria: innovationAndTeam,
        price: { method: 'value-for-money', euroPerQualityPoint: 100 },
        tieBreak: { order: [{ by: 'criterion', criterion: 'team' }], seed: 's' },
        offers: [offer('a', { price: 10_000 }), offer('b', { price: 10_000 })],
        scores: scoresFrom({ a: { j1: { innovation: 8, team: 6 } }, b: { j1: { innovation: 6, team: 8 } } }),
      }),
    );
    expect(offerIn(ranking, 'a').fictitiousPrice).toBe(3_000);
    expect(orderOf(ranking)).toEqual(['b', 'a']);
  });
});
