import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorText } from '@client/api/errorText';
import { href } from '@client/app/router';
import { mergeApi } from '@client/modules/contacts/api/mergeApi';

/** Undoes a contact merge from its audit record: the merged contact comes back with exactly what moved. */
export function UndoMergeButton({ mergeId }: { mergeId: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<{ restoredId?: string; error?: unknown; pending?: boolean }>({});
  if (state.restoredId) {
    return (
      <span role="status" data-testid="merge-undone">
        {t('contacts.merge.undone')}{' '}
        <a href={href(`/contacts/${state.restoredId}`)}>{t('contacts.merge.openRestored')}</a>
      </span>
    );
  }
  const undo = () => {
    setState({ pending: true });
    mergeApi
      .undo(mergeId)
      .then((r) => setState({ restoredId: r.restored.id }))
      .catch((error: unknown) => setState({ error }));
  };
  return (
    <>
      <button type="button" className="btn btn--small" disabled={state.pending} onClick={undo} data-testid="merge-undo">
        {t('contacts.merge.undo')}
      </button>
      {state.error ? (
        <span className="alert alert--error" role="alert">
          {errorText(t, state.error)}
        </span>
      ) : null}
    </>
  );
}
