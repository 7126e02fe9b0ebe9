import type { WithForms } from '../forms.tsx';
import type { PhaseStatus } from '../shapes.ts';

/** What each role's phase view gets: the page, the phase's web path, the phase, its data, a refused form. */
export interface PhaseProps<Data> extends WithForms {
  base: string;
  phase: PhaseStatus;
  data: Data;
}
