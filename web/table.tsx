/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

/**
 * A data table in the Utrecht style, wrapped so a narrow screen scrolls it instead of the page.
 * With `rowHeaders`, each row's first cell names the row (`th scope="row"`), so a screen reader
 * announces it with every cell of that row.
 */
export function DataTable(props: {
  columns: Child[];
  rows: Child[][];
  caption?: string;
  rowHeaders?: boolean;
}) {
  return (
    <div class="pg-table-wrap">
      <table class="utrecht-table">
        {props.caption !== undefined && <caption class="utrecht-table__caption">{props.caption}</caption>}
        <thead class="utrecht-table__header">
          <tr class="utrecht-table__row">
            {props.columns.map((column) => (
              <th class="utrecht-table__header-cell" scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody class="utrecht-table__body">
          {props.rows.map((cells) => (
            <tr class="utrecht-table__row">
              {cells.map((cell, i) =>
                props.rowHeaders && i === 0 ? (
                  <th class="utrecht-table__header-cell" scope="row">
                    {cell}
                  </th>
                ) : (
                  <td class="utrecht-table__cell">{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
