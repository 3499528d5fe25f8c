import { type ReactNode } from 'react';

import { type QueryState } from '@client/app/useQuery';
import { Pagination } from '@client/ui/Pagination';
import { QueryView } from '@client/ui/QueryView';

export interface PagedListProps<T> {
  query: QueryState<{ items: T[]; total: number }>;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  /** Renders one page of items; an empty page shows the shared empty state instead. */
  children: (items: T[]) => ReactNode;
}

/** A card holding one page of a server-paginated list, with its loading/error/empty states and the pager. */
export function PagedList<T>({ query, page, pageSize, onPage, children }: PagedListProps<T>) {
  return (
    <div className="card">
      <QueryView {...query} isEmpty={(data) => data.items.length === 0}>
        {(data) => (
          <>
            {children(data.items)}
            <Pagination page={page} pageSize={pageSize} total={data.total} onPage={onPage} />
          </>
        )}
      </QueryView>
    </div>
  );
}
