import { describe, expect, it } from 'vitest';
import { RankInputSchema, rankInputJsonSchema } from '../../../scoring/index.ts';
import { competition } from './build.ts';

describe('the rank-input schema', () => {
  it('the JSON Schema describes an object with the required parts of a rank input', () => {
    const schema = rankInputJsonSchema();
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['criteria', 'price', 'gate', 'tieBreak', 'offers', 'scores']);
  });

  it('defaults fill in what a rank input may leave out', () => {
    const parsed = RankInputSchema.parse(competition({}));
    expect(parsed.aggregation).toEqual({ method: 'mean', normaliseJurors: false });
    expect(parsed.gate).toMatchObject({ overallMinimum: 0, selectionMode: 'strict-order' });
    expect(parsed.consensus).toEqual([]);
    expect(parsed.exclusions).toEqual([]);
  });
});
