/** @jsxImportSource hono/jsx */
import { Form } from '../forms.tsx';
import { Section, type PageContext } from '../layout.tsx';
import type { JuryOffer } from '../shapes.ts';
import { DataTable } from '../table.tsx';
import type { PhaseProps } from './phase-props.ts';

export interface JurorData {
  offers: JuryOffer[] | undefined;
}

function AssignedOffers({ ctx, base, offers }: { ctx: PageContext; base: string; offers: JuryOffer[] }) {
  const { t } = ctx;
  if (offers.length === 0) return <p class="utrecht-paragraph">{t('offers.none')}</p>;
  return (
    <DataTable
      columns={[t('col.offer'), t('col.company'), t('col.declaration')]}
      rows={offers.map((o) => [
        <a class="utrecht-link" href={`${base}/offers/${o.offerId}`}>
          {`${t('offer.open')} ${o.offerId.slice(0, 8)}`}
        </a>,
        o.company,
        o.declaration,
      ])}
    />
  );
}

/** A juror's phase: the offers assigned, each declared before it is read, and finishing the round. */
export function JurorPhase({ ctx, base, phase, data, failure }: PhaseProps<JurorData>) {
  const { t } = ctx;
  if (!data.offers) return <p class="utrecht-paragraph">{t('juror.notOnJury')}</p>;
  return (
    <Section id="assigned" title={t('juror.assigned')}>
      <AssignedOffers ctx={ctx} base={base} offers={data.offers} />
      {phase.state === 'evaluation' && (
        <Form
          ctx={ctx}
          id="finish"
          action={`${base}/jury/finish`}
          submit={t('juror.finish')}
          failure={failure}
        />
      )}
    </Section>
  );
}
