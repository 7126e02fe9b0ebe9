import type { ProcedureTemplateInput } from '../template.ts';
import { ownValue } from '../text.ts';
import { SBIR_TEMPLATE } from './sbir.ts';
import { TENDER_10_DAYS_TEMPLATE } from './tender-10-days.ts';

/** The procedures Phasegate ships; officers may post their own beside them. */
export const BUILT_IN_TEMPLATES: Record<string, ProcedureTemplateInput> = {
  [SBIR_TEMPLATE.id]: SBIR_TEMPLATE,
  [TENDER_10_DAYS_TEMPLATE.id]: TENDER_10_DAYS_TEMPLATE,
};

/** The built-in template of that id; no id (`constructor`, `__proto__`, ...) reaches `Object.prototype`. */
export const builtInTemplate = (id: string): ProcedureTemplateInput | undefined =>
  ownValue(BUILT_IN_TEMPLATES, id);
