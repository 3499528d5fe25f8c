import { type ReactNode } from 'react';

export interface DataTableColumn {
  label: ReactNode;
  /** Right-aligns the header to sit over figures (the cells set `className="num"` themselves). */
  numeric?: boolean;
  /** Tooltip on the header, e.g. how a KPI is computed. */
  title?: string;
}

export interface DataTableProps {
  columns: readonly DataTableColumn[];
  /** The `<tr>`s: each screen keeps its own row markup and row test ids. */
  children: ReactNode;
  testId?: string;
  /** Tighter rows for the call-history screens, which show two lines per cell. */
  compact?: boolean;
}

/** The list screens' table markup in one place, so every list scrolls and labels its columns the same way. */
export function DataTable({ columns, children, testId, compact = false }: DataTableProps) {
  return (
    <div className="table-wrap">
      <table className={compact ? 'table table--compact' : 'table'} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column, index) => (
              // Columns are a fixed list per screen, so their position is a stable key.
              <th key={index} scope="col" className={column.numeric ? 'num' : undefined} title={column.title}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
