import { describe, expect, it } from 'vitest';
import { applyOverrides, ProcedureTemplateSchema } from '../../../domain/template.ts';
import { SBIR_TEMPLATE } from '../../../domain/templates/sbir.ts';

const parse = (template: unknown) => ProcedureTemplateSchema.parse(template);

describe('launch overrides on a template', () => {
  it('an override changing one gate figure keeps the other gate figures', () => {
    const { template, unknownPhases } = applyOverrides(SBIR_TEMPLATE, {
      feasibility: { gate: { awardSlots: 3 } },
    });
    const [feasibility, development] = parse(template).phases;
    expect(unknownPhases).toEqual([]);
    expect(feasibility?.gate).toEqual({
      awardSlots: 3,
      phaseBudget: 250_000,
      maxPerOffer: 50_000,
      overallMinimum: 60,
      selectionMode: 'strict-order',
    });
    expect(development?.gate.awardSlots).toBe(2);
  });

  it('an override does not change the template it was applied to', () => {
    applyOverrides(SBIR_TEMPLATE, { feasibility: { gate: { awardSlots: 3 }, standstillDays: 30 } });
    expect(SBIR_TEMPLATE.phases[0]?.gate.awardSlots).toBe(5);
    expect(SBIR_TEMPLATE.phases[0]?.standstillDays).toBe(20);
  });

  it('null drops a phase: SBIR without its record-only phase 3 has two phases', () => {
    const { template, unknownPhases } = applyOverrides(SBIR_TEMPLATE, { commercialisation: null });
    expect(unknownPhases).toEqual([]);
    expect(parse(template).phases.map((p) => p.key)).toEqual(['feasibility', 'development']);
  });

  it('dropping a phase whose winners a later phase admits yields a template that is refused', () => {
    const { template } = applyOverrides(SBIR_TEMPLATE, { feasibility: null });
    const result = ProcedureTemplateSchema.safeParse(template);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['phases.0.admission.phase']);
  });

  it('an unknown phase key is reported, not ignored', () => {
    const { unknownPhases } = applyOverrides(SBIR_TEMPLATE, {
      'phase-4': { standstillDays: 25 },
      development: null,
    });
    expect(unknownPhases).toEqual(['phase-4']);
  });

  it('a list in an override replaces the whole list: criteria are not merged by position', () => {
    const criteria = [{ key: 'quality', name: 'Quality', weight: 100, scale: { min: 0, max: 10, step: 1 } }];
    const { template } = applyOverrides(SBIR_TEMPLATE, { development: { criteria, tieBreakOrder: [] } });
    expect(parse(template).phases[1]?.criteria).toEqual(criteria);
  });

  it('an override cannot rename a phase: the key stays the one it was addressed by', () => {
    const { template } = applyOverrides(SBIR_TEMPLATE, { feasibility: { key: 'renamed' } });
    expect(parse(template).phases[0]?.key).toBe('feasibility');
  });

  it('an override that breaks a rule is caught when the merged template is validated', () => {
    const { template } = applyOverrides(SBIR_TEMPLATE, { feasibility: { gate: { maxPerOffer: 300_000 } } });
    const result = ProcedureTemplateSchema.safeParse(template);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['phases.0.gate.maxPerOffer']);
  });
});
