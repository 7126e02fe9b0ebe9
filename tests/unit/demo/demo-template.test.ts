import { describe, expect, it } from 'vitest';
import { previewSchedule, scheduleOrderProblems } from '../../../domain/schedule-preview.ts';
import { ProcedureTemplateSchema } from '../../../domain/template.ts';
import { DEMO_TEMPLATE } from '../../../runtime/demo.ts';

describe('the demo round that npm start runs on an empty database', () => {
  const template = ProcedureTemplateSchema.parse(DEMO_TEMPLATE);

  it('is a valid procedure, in order on any publication date', () => {
    expect(scheduleOrderProblems(template)).toEqual([]);
  });

  it('ends its standstill at most 16 minutes after publication, on a holiday or over midnight too', () => {
    for (const publishedAt of ['2027-03-01T10:00:00Z', '2027-05-05T22:50:00Z', '2027-12-26T23:55:00Z']) {
      const preview = previewSchedule(template, new Date(publishedAt));
      expect(preview.problems).toEqual([]);
      const ends = Date.parse(preview.phases[0]!.standstillEndsAt!.utc);
      expect((ends - Date.parse(publishedAt)) / 60_000).toBe(16);
    }
  });
});
