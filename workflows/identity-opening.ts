import { ApplicationFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import type { PhaseState } from '../domain/competition.ts';
import { gateApprovalRefusal, identityOpeningRefusal } from '../domain/rules/anonymity.ts';
import type { PhaseTemplate } from '../domain/template.ts';
import type { PhaseActivities } from '../activities/index.ts';
import { ACTIVITY_OPTIONS } from './activity-options.ts';
import { openIdentitiesUpdate, type OpenOffers } from './messages.ts';

const acts = proxyActivities<PhaseActivities>(ACTIVITY_OPTIONS);

const refuse = (message: string) =>
  ApplicationFailure.create({ type: 'refused', message, nonRetryable: true });

/**
 * Anonymous review: the identity parts open with two different officers' consent once the ranking is
 * fixed (domain/rules/anonymity.ts), and the gate waits for it. A phase without it never sees this
 * Update accepted, so its history is unchanged.
 */
export function identityOpening(
  ref: { competitionId: string; phaseKey: string },
  phase: PhaseTemplate,
  current: () => { state: PhaseState; round: number },
  officerAction: <T>(recheck: () => string | undefined, run: () => Promise<T>) => Promise<T>,
  now: () => string,
) {
  const anonymousReview = phase.anonymousReview === true;
  const openers: string[] = [];
  let opened = false;
  const refusal = (officerId: string) =>
    identityOpeningRefusal({ anonymousReview, state: current().state, openers, officerId });
  setHandler(
    openIdentitiesUpdate,
    ({ officerId }: OpenOffers) =>
      officerAction(
        () => refusal(officerId),
        async () => {
          openers.push(officerId);
          const at = now();
          const result = await acts.recordIdentityOpening({ ...ref, round: current().round, officerId, at });
          if (result.opened) opened = true;
          return result;
        },
      ),
    {
      validator: ({ officerId }: OpenOffers) => {
        const reason = refusal(officerId);
        if (reason) throw refuse(reason);
      },
    },
  );
  return {
    gateRefusal: () => gateApprovalRefusal({ anonymousReview, identitiesOpened: opened }),
    diagnostics: () => (anonymousReview ? { identitiesOpenedBy: [...openers] } : {}),
  };
}
