/** @jsxImportSource hono/jsx */
import { TIME_ZONE } from '../format.ts';
import type { PageContext } from '../layout.tsx';

export interface CalendarEntry {
  at: string;
  label: string;
}

const dayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
/** The Amsterdam date of an instant, as YYYY-MM-DD. */
const localDate = (iso: string) => dayFormat.format(new Date(iso));

/** Monday-first weeks of a month, each day as YYYY-MM-DD or null outside the month. */
function weeksOf(year: number, month: number): (string | null)[][] {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const cells: (string | null)[] = Array.from({ length: (first.getUTCDay() + 6) % 7 }, () => null);
  for (let d = 1; d <= days; d++)
    cells.push(`${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  while (cells.length % 7) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
}

function weekdayNames(lang: PageContext['lang']): { short: string; long: string }[] {
  const locale = lang === 'nl' ? 'nl-NL' : 'en-GB';
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => {
    const day = new Date(Date.UTC(2024, 0, 1 + i));
    return {
      short: day.toLocaleDateString(locale, { weekday: 'short', timeZone: 'UTC' }),
      long: day.toLocaleDateString(locale, { weekday: 'long', timeZone: 'UTC' }),
    };
  });
}

function Month({ ctx, month, byDay }: { ctx: PageContext; month: string; byDay: Map<string, string[]> }) {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const caption = new Date(Date.UTC(year, m - 1, 1)).toLocaleDateString(
    ctx.lang === 'nl' ? 'nl-NL' : 'en-GB',
    {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    },
  );
  return (
    <table class="utrecht-table pg-calendar">
      <caption class="utrecht-table__caption">{caption}</caption>
      <thead class="utrecht-table__header">
        <tr class="utrecht-table__row">
          {weekdayNames(ctx.lang).map((d) => (
            <th class="utrecht-table__header-cell" scope="col" abbr={d.long}>
              {d.short}
            </th>
          ))}
        </tr>
      </thead>
      <tbody class="utrecht-table__body">
        {weeksOf(year, m).map((week) => (
          <tr class="utrecht-table__row">
            {week.map((day) => (
              <td class="utrecht-table__cell">
                {day && <span>{Number(day.slice(8))}</span>}
                {day && byDay.get(day)?.map((label) => <strong class="pg-calendar-entry">{label}</strong>)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The months that hold a deadline, as calendars with each deadline on its Amsterdam date. */
export function ScheduleCalendar({ ctx, entries }: { ctx: PageContext; entries: CalendarEntry[] }) {
  const byDay = new Map<string, string[]>();
  for (const entry of entries) {
    const day = localDate(entry.at);
    byDay.set(day, [...(byDay.get(day) ?? []), entry.label]);
  }
  const months = [...new Set([...byDay.keys()].map((day) => day.slice(0, 7)))].sort();
  return (
    <div class="pg-calendars">
      {months.map((month) => (
        <Month ctx={ctx} month={month} byDay={byDay} />
      ))}
    </div>
  );
}
