/** @jsxImportSource hono/jsx */
import type { PageContext } from '../layout.tsx';
import { money } from '../format.ts';
import type { RankedOffer, Ranking, Reliability } from '../shapes.ts';

const PALETTE = ['#00598f', '#a34400', '#2d6e2d', '#6b2fa3', '#8a1538', '#4a4a4a'];

/** Each offer's points per criterion as stacked bars; the table beside it holds the same numbers. */
export function RankingChart({ ctx, offers }: { ctx: PageContext; offers: RankedOffer[] }) {
  const criteria = offers[0]?.criteria ?? [];
  const max = Math.max(1, ...offers.map((o) => o.criteria.reduce((sum, c) => sum + c.points, 0)));
  const rowHeight = 28;
  const width = 640;
  const labelWidth = 160;
  const height = offers.length * rowHeight + 8;
  return (
    <figure>
      <svg
        class="pg-chart"
        role="img"
        aria-labelledby="ranking-chart-title"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
      >
        <title id="ranking-chart-title">{ctx.t('ranking.chart')}</title>
        {offers.map((offer, row) => {
          let x = labelWidth;
          return (
            <g>
              <text x={0} y={row * rowHeight + 18} font-size="14" fill="#000">
                {`${offer.rank ?? '–'}. ${offer.company}`}
              </text>
              {offer.criteria.map((c, i) => {
                const w = ((width - labelWidth - 10) * c.points) / max;
                const bar = (
                  <rect
                    x={x}
                    y={row * rowHeight + 4}
                    width={Math.max(0, w)}
                    height={rowHeight - 8}
                    fill={PALETTE[i % PALETTE.length]}
                  >
                    <title>{`${offer.company} · ${c.name}: ${c.points}`}</title>
                  </rect>
                );
                x += w;
                return bar;
              })}
            </g>
          );
        })}
      </svg>
      <figcaption class="utrecht-paragraph">
        {criteria.map((c, i) => (
          <span>
            <span aria-hidden="true" style={`color:${PALETTE[i % PALETTE.length]}`}>
              ■
            </span>{' '}
            {c.name}{' '}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function OfferExplanation({ ctx, offer }: { ctx: PageContext; offer: RankedOffer }) {
  const { t } = ctx;
  return (
    <details>
      <summary>
        {offer.rank ?? '–'}. {offer.company}: {offer.selection.message}
      </summary>
      {offer.ineligibility.length > 0 && (
        <ul class="utrecht-unordered-list">
          {offer.ineligibility.map((reason) => (
            <li class="utrecht-unordered-list__item">{reason}</li>
          ))}
        </ul>
      )}
      {offer.tieBrokenBy && (
        <p class="utrecht-paragraph">{t('ranking.tieBrokenBy', { by: offer.tieBrokenBy.by })}</p>
      )}
      <CriterionTable ctx={ctx} offer={offer} />
    </details>
  );
}

/** One offer's criteria: aggregate, points, and every juror's score with its reason. */
export function CriterionTable({ ctx, offer }: { ctx: PageContext; offer: RankedOffer }) {
  const { t } = ctx;
  return (
    <div class="pg-table-wrap">
      <table class="utrecht-table">
        <caption class="utrecht-table__caption">{offer.company}</caption>
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.criterion')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.score')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.points')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.reason')}
            </th>
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          {offer.criteria.map((c) => (
            <tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="row">{`${c.name} (${c.weight}%)`}</th>
              <td class="utrecht-table__cell">{c.aggregate ?? '—'}</td>
              <td class="utrecht-table__cell">{c.points}</td>
              <td class="utrecht-table__cell">
                {c.jurorScores.map((s) => `${s.jurorId ?? s.juror}: ${s.raw} — ${s.reason}`).join('; ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReliabilityView({ ctx, reliability }: { ctx: PageContext; reliability: Reliability }) {
  const { t } = ctx;
  const decisive = reliability.leaveOneJurorOut.decisiveJurors;
  return (
    <>
      <h3 class="utrecht-heading-3">{t('ranking.reliability')}</h3>
      <p class="utrecht-paragraph">{reliability.message}</p>
      <table class="utrecht-table">
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.criterion')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.alpha')}
            </th>
            <th class="utrecht-table__header-cell" scope="col">
              {t('col.reading')}
            </th>
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          {[{ ...reliability.overall, name: 'overall' }, ...reliability.criteria].map((line) => (
            <tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="row">
                {line.name ?? line.criterion}
              </th>
              <td class="utrecht-table__cell">{line.alpha === null ? '—' : line.alpha.toFixed(3)}</td>
              <td class="utrecht-table__cell">{line.reading}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="utrecht-paragraph">
        {decisive.length ? t('ranking.decisive', { jurors: decisive.join(', ') }) : t('ranking.noDecisive')}
      </p>
    </>
  );
}

export function RankingView({ ctx, ranking }: { ctx: PageContext; ranking: Ranking }) {
  const { t } = ctx;
  return (
    <>
      <div class="pg-table-wrap">
        <table class="utrecht-table">
          <thead class="utrecht-table__header">
            <tr class="utrecht-table__row">
              <th class="utrecht-table__header-cell" scope="col">
                {t('col.rank')}
              </th>
              <th class="utrecht-table__header-cell" scope="col">
                {t('col.company')}
              </th>
              <th class="utrecht-table__header-cell" scope="col">
                {t('col.total')}
              </th>
              <th class="utrecht-table__header-cell" scope="col">
                {t('col.amount')}
              </th>
              <th class="utrecht-table__header-cell" scope="col">
                {t('col.selection')}
              </th>
            </tr>
          </thead>
          <tbody class="utrecht-table__body">
            {ranking.offers.map((o) => (
              <tr class="utrecht-table__row">
                <td class="utrecht-table__cell">{o.rank ?? '—'}</td>
                <td class="utrecht-table__cell">{o.company}</td>
                <td class="utrecht-table__cell">{o.total ?? '—'}</td>
                <td class="utrecht-table__cell">{money(o.requestedAmount, ctx.lang)}</td>
                <td class="utrecht-table__cell">{o.selection.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <RankingChart ctx={ctx} offers={ranking.offers} />
      <h3 class="utrecht-heading-3">{t('ranking.explanation')}</h3>
      {ranking.offers.map((o) => (
        <OfferExplanation ctx={ctx} offer={o} />
      ))}
      {ranking.reliability && <ReliabilityView ctx={ctx} reliability={ranking.reliability} />}
    </>
  );
}
