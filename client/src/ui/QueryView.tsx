import { type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { errorText } from '@client/api/errorText';
import { Alert } from '@client/ui/Alert';
import { Spinner } from '@client/ui/Spinner';

/** Loading / error / empty / content for a list backed by `useQuery`. */
export function QueryView<T>({
  data,
  error,
  loading,
  reload,
  isEmpty,
  children,
}: {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  isEmpty: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  const { t } = useTranslation();
  if (error) {
    return (
      <div className="card__body">
        <Alert tone="error" testId="query-error">
          {errorText(t, error)}{' '}
          <button type="button" className="btn btn--small" onClick={reload}>
            {t('common.retry')}
          </button>
        </Alert>
      </div>
    );
  }
  if (data === undefined) {
    return (
      <div className="empty">
        <Spinner label={t('app.loading')} />
      </div>
    );
  }
  if (isEmpty(data)) {
    return (
      <div className="empty" data-testid="empty">
        {loading ? <Spinner label={t('app.loading')} /> : t('common.empty')}
      </div>
    );
  }
  return <div aria-busy={loading}>{children(data)}</div>;
}
