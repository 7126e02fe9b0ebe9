/** @jsxImportSource hono/jsx */
import type { PageContext } from '../layout.tsx';
import { money } from '../format.ts';
import type { RankedOffer, Ranking, Reliability } from '../shapes.ts';
import { DataTable } from '../table.tsx';

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
    <DataTable
      caption={offer.company}
      columns={[t('col.criterion'), t('col.score'), t('col.points'), t('col.reason')]}
      rowHeaders
      rows={offer.criteria.map((c) => [
        `${c.name} (${c.weight}%)`,
        c.aggregate ?? '—',
        c.points,
        c.jurorScores.map((s) => `${s.jurorId ?? s.juror}: ${s.raw} — ${s.reason}`).join('; '),
      ])}
    />
  );
}

function ReliabilityView({ ctx, reliability }: { ctx: PageContext; reliability: Reliability }) {
  const { t } = ctx;
  const decisive = reliability.leaveOneJurorOut.decisiveJurors;
  return (
    <>
      <h3 class="utrecht-heading-3">{t('ranking.reliability')}</h3>
      <p class="utrecht-paragraph">{reliability.message}</p>
      <DataTable
        columns={[t('col.criterion'), t('col.alpha'), t('col.reading')]}
        rowHeaders
        rows={[{ ...reliability.overall, name: 'overall' }, ...reliability.criteria].map((line) => [
          line.name ?? line.criterion,
          line.alpha === null ? '—' : line.alpha.toFixed(3),
          line.reading,
        ])}
      />
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
      <DataTable
        columns={[t('col.rank'), t('col.company'), t('col.total'), t('col.amount'), t('col.selection')]}
        rows={ranking.offers.map((o) => [
          o.rank ?? '—',
          o.company,
          o.total ?? '—',
          money(o.requestedAmount, ctx.lang),
          o.selection.message,
        ])}
      />
      <RankingChart ctx={ctx} offers={ranking.offers} />
      <h3 class="utrecht-heading-3">{t('ranking.explanation')}</h3>
      {ranking.offers.map((o) => (
        <OfferExplanation ctx={ctx} offer={o} />
      ))}
      {ranking.reliability && <ReliabilityView ctx={ctx} reliability={ranking.reliability} />}
    </>
  );
}
