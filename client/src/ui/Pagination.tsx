import { useTranslation } from 'react-i18next';

export interface PaginationProps {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}

export function Pagination({ page, pageSize, total, onPage }: PaginationProps) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pagination" aria-label={t('common.pageOf', { page, pages })} data-testid="pagination">
      <span>{t('common.total', { count: total })}</span>
      <span className="pagination__buttons">
        <button
          type="button"
          className="btn btn--small"
          onClick={() => onPage(page - 1)}
          disabled={page <= 1}
          data-testid="pagination-prev"
        >
          {t('common.prev')}
        </button>
        <span aria-live="polite" data-testid="pagination-page">
          {t('common.pageOf', { page, pages })}
        </span>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => onPage(page + 1)}
          disabled={page >= pages}
          data-testid="pagination-next"
        >
          {t('common.next')}
        </button>
      </span>
    </nav>
  );
}
