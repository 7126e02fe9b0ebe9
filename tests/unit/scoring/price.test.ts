import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RankInputDraft } from '../../../domain/scoring.ts';
import { rank } from '../../../scoring/index.ts';
import { competition, criterion, offer, offerIn, orderOf, scoresFrom } from './build.ts';

/** One juror, one criterion 'quality' of the given weight: the quality points are weight x score / 10. */
function priced(
  price: RankInputDraft['price'],
  qualityWeight: number,
  offers: { id: string; score: number; price: number }[],
): RankInputDraft {
  return competition({
    criteria: [criterion('quality', qualityWeight)],
    price,
    offers: offers.map((o) => offer(o.id, { price: o.price })),
    scores: scoresFrom(Object.fromEntries(offers.map((o) => [o.id, { j1: { quality: o.score } }]))),
  });
}

describe('quality points', () => {
  it("quality points are each criterion's weight times the share of its scale reached", () => {
    const ranking = rank(
      competition({
        criteria: [
          criterion('plan', 60, { scale: { min: 1, max: 5, step: 1 } }),
          criterion('team', 40, { scale: { min: 1, max: 5, step: 1 } }),
        ],
        offers: [offer('a')],
        scores: scoresFrom({ a: { j1: { plan: 4, team: 2 } } }),
      }),
    );
    // 60 x (4 - 1) / 4 + 40 x (2 - 1) / 4 = 45 + 10
    expect(offerIn(ranking, 'a').qualityPoints).toBe(55);
    expect(offerIn(ranking, 'a').criteria.map((c) => c.points)).toEqual([45, 10]);
    expect(ranking.maximumQualityPoints).toBe(100);
  });

  it('without a price method the quality points are the total and the price is not needed', () => {
    const ranking = rank(
      competition({
        offers: [offer('a'), offer('b')],
        scores: scoresFrom({ a: { j1: { quality: 6 } }, b: { j1: { quality: 8 } } }),
      }),
    );
    expect(orderOf(ranking)).toEqual(['b', 'a']);
    expect(offerIn(ranking, 'b')).toMatchObject({ total: 80, qualityPoints: 80 });
    expect(offerIn(ranking, 'b').pricePoints).toBeUndefined();
    expect(ranking.totalOrder).toBe('highest-first');
  });
});

describe('relative price', () => {
  it('the lowest price earns the full price points and the others in proportion', () => {
    const ranking = rank(
      priced({ method: 'relative', weight: 40 }, 60, [
        { id: 'cheap', score: 5, price: 100_000 },
        { id: 'dear', score: 10, price: 200_000 },
      ]),
    );
    expect(ranking.lowestPrice).toBe(100_000);
    expect(offerIn(ranking, 'cheap')).toMatchObject({ pricePoints: 40, qualityPoints: 30, total: 70 });
    expect(offerIn(ranking, 'dear')).toMatchObject({ pricePoints: 20, qualityPoints: 60, total: 80 });
    expect(orderOf(ranking)).toEqual(['dear', 'cheap']);
  });

  it('rank reversal: adding a third, cheaper offer swaps the order of two others', () => {
    // A: quality 60, price 100; B: quality 48, price 50.
    // Alone:       A = 60 + 40 x 50/100 = 80, B = 48 + 40 = 88: B first.
    // With C at 25: A = 60 + 40 x 25/100 = 70, B = 48 + 40 x 25/50 = 68: A first.
    const two = [
      { id: 'A', score: 10, price: 100 },
      { id: 'B', score: 8, price: 50 },
    ];
    const before = rank(priced({ method: 'relative', weight: 40 }, 60, two));
    const after = rank(
      priced({ method: 'relative', weight: 40 }, 60, [...two, { id: 'C', score: 0, price: 25 }]),
    );
    expect(orderOf(before)).toEqual(['B', 'A']);
    expect(offerIn(before, 'A').total).toBe(80);
    expect(offerIn(before, 'B').total).toBe(88);
    expect(orderOf(after).filter((id) => id !== 'C')).toEqual(['A', 'B']);
    expect(offerIn(after, 'A').total).toBe(70);
    expect(offerIn(after, 'B').total).toBe(68);
  });

  it('the lowest price of all offers sets the scale, even that of an offer below a quality threshold', () => {
    const input = priced({ method: 'relative', weight: 40 }, 60, [
      { id: 'weak', score: 2, price: 50 },
      { id: 'good', score: 8, price: 100 },
    ]);
    input.criteria = [criterion('quality', 60, { minimum: 5 })];
    const ranking = rank(input);
    expect(offerIn(ranking, 'weak').eligible).toBe(false);
    expect(offerIn(ranking, 'good').pricePoints).toBe(20);
  });
});

describe('linear to budget', () => {
  const ranking = rank(
    priced({ method: 'linear-to-budget', weight: 40, budget: 1000 }, 60, [
      { id: 'low', score: 5, price: 400 },
      { id: 'mid', score: 5, price: 700 },
      { id: 'at', score: 5, price: 1000 },
      { id: 'over', score: 10, price: 1200 },
    ]),
  );

  it('the lowest price earns the full price points, the budget none, linearly between', () => {
    expect(ranking.lowestPrice).toBe(400);
    expect(offerIn(ranking, 'low').pricePoints).toBe(40);
    expect(offerIn(ranking, 'mid').pricePoints).toBe(20);
    expect(offerIn(ranking, 'at').pricePoints).toBe(0);
  });

  it('an offer above the budget is ranked but ineligible and earns no price points', () => {
    const over = offerIn(ranking, 'over');
    expect(over).toMatchObject({ pricePoints: 0, total: 60, eligible: false, rank: 4 });
    expect(over.ineligibility.map((i) => i.code)).toEqual(['price-above-budget']);
    expect(over.selection.code).toBe('ineligible');
  });

  it('when every eligible offer is at the budget they all earn the full price points', () => {
    const atBudget = rank(
      priced({ method: 'linear-to-budget', weight: 40, budget: 1000 }, 60, [
        { id: 'a', score: 5, price: 1000 },
        { id: 'b', score: 6, price: 1000 },
      ]),
    );
    expect(offerIn(atBudget, 'a').pricePoints).toBe(40);
    expect(offerIn(atBudget, 'b').pricePoints).toBe(40);
  });
});

describe('value for money (gunnen op waarde)', () => {
  it('the lowest fictitious price ranks first', () => {
    // A: 50,000 - 80 x 1,000 = -30,000; B: 40,000 - 60 x 1,000 = -20,000.
    const ranking = rank(
      priced({ method: 'value-for-money', euroPerQualityPoint: 1000 }, 100, [
        { id: 'A', score: 8, price: 50_000 },
        { id: 'B', score: 6, price: 40_000 },
      ]),
    );
    expect(ranking.totalOrder).toBe('lowest-first');
    expect(offerIn(ranking, 'A')).toMatchObject({
      fictitiousPrice: -30_000,
      total: -30_000,
      qualityPoints: 80,
    });
    expect(offerIn(ranking, 'B').fictitiousPrice).toBe(-20_000);
    expect(orderOf(ranking)).toEqual(['A', 'B']);
  });

  it('adding an offer never swaps two others', () => {
    const arbitraryOffer = fc.record({
      score: fc.integer({ min: 0, max: 10 }),
      price: fc.integer({ min: 1, max: 100 }).map((p) => p * 1000),
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryOffer, { minLength: 2, maxLength: 6 }),
        arbitraryOffer,
        (offers, extra) => {
          const named = offers.map((o, i) => ({ id: `o${i}`, ...o }));
          const method = { method: 'value-for-money', euroPerQualityPoint: 2000 } as const;
          const before = rank(priced(method, 100, named));
          const after = rank(priced(method, 100, [...named, { id: 'extra', ...extra }]));
          const position = (order: string[], id: string) => order.indexOf(id);
          for (const a of named) {
            for (const b of named) {
              // Tied offers are ordered by a lot over the tied set, which a newcomer can join.
              if (offerIn(before, a.id).total === offerIn(before, b.id).total) continue;
              const wasAhead = position(orderOf(before), a.id) < position(orderOf(before), b.id);
              const isAhead = position(orderOf(after), a.id) < position(orderOf(after), b.id);
              expect(isAhead).toBe(wasAhead);
            }
          }
        },
      ),
    );
  });
});

describe('fixed price', () => {
  it('quality alone ranks, and an offer above the maximum price is ineligible', () => {
    const ranking = rank(
      priced({ method: 'fixed-price', maximumPrice: 50_000 }, 100, [
        { id: 'within', score: 6, price: 50_000 },
        { id: 'above', score: 9, price: 50_000.01 },
      ]),
    );
    expect(offerIn(ranking, 'within')).toMatchObject({ total: 60, eligible: true, rank: 1 });
    expect(offerIn(ranking, 'above')).toMatchObject({ total: 90, eligible: false, rank: 2 });
    expect(offerIn(ranking, 'above').ineligibility[0]).toMatchObject({ code: 'price-above-maximum' });
    expect(offerIn(ranking, 'above').ineligibility[0]!.message).toContain('EUR 50,000.01');
  });
});

describe('quality-price ratio', () => {
  it('the most quality points per euro ranks first', () => {
    // A: 80 / 40,000 = 0.002; B: 60 / 20,000 = 0.003.
    const ranking = rank(
      priced({ method: 'quality-price-ratio' }, 100, [
        { id: 'A', score: 8, price: 40_000 },
        { id: 'B', score: 6, price: 20_000 },
      ]),
    );
    expect(orderOf(ranking)).toEqual(['B', 'A']);
    expect(offerIn(ranking, 'A').qualityPriceRatio).toBeCloseTo(0.002, 15);
    expect(offerIn(ranking, 'B').total).toBeCloseTo(0.003, 15);
  });
});
