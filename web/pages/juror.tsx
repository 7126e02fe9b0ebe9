/** @jsxImportSource hono/jsx */
import { Form, type FormFailure } from '../forms.tsx';
import { Section, type PageContext } from '../layout.tsx';
import type { JuryOffer, PhaseStatus } from '../shapes.ts';

export interface JurorData {
  offers: JuryOffer[] | undefined;
}

interface Props {
  ctx: PageContext;
  base: string;
  phase: PhaseStatus;
  data: JurorData;
  failure?: FormFailure | undefined;
}

function AssignedOffers({ ctx, base, offers }: { ctx: PageContext; base: string; offers: JuryOffer[] }) {
  const { t } = ctx;
  if (offers.length === 0) return <p class="utrecht-paragraph">{t('offers.none')}</p>;
  return (
    <div class="pg-table-wrap">
      <table class="utrecht-table">
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.offer')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.company')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.declaration')}
            </th>
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          {offers.map((o) => (
            <tr class="utrecht-table__row">
              <td class="utrecht-table__cell">
                <a class="utrecht-link" href={`${base}/offers/${o.offerId}`}>
                  {`${t('offer.open')} ${o.offerId.slice(0, 8)}`}
                </a>
              </td>
              <td class="utrecht-table__cell">{o.company}</td>
              <td class="utrecht-table__cell">{o.declaration}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A juror's phase: the offers assigned, each declared before it is read, and finishing the round. */
export function JurorPhase({ ctx, base, phase, data, failure }: Props) {
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
