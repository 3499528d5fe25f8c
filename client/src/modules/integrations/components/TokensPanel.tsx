import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { API_TOKEN_SCOPES, type ApiTokenScope, type CreatedApiTokenDto } from '@contracts/dto/api-token';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDateTime } from '@client/i18n/format';
import { tokensApi } from '@client/modules/integrations/api/integrationsApi';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { QueryView } from '@client/ui/QueryView';

const EXPIRY_DAYS = [30, 90, 365] as const;

/** Personal API tokens (admins also make integration tokens); a new token is shown once, here. */
export function TokensPanel({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const query = useQuery('tokens', (signal) => tokensApi.list(signal));
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiTokenScope[]>([]);
  const [days, setDays] = useState<string>('90');
  const [integration, setIntegration] = useState(false);
  const [made, setMade] = useState<CreatedApiTokenDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      setMade(
        await tokensApi.create({
          name,
          scopes,
          kind: integration ? 'integration' : 'personal',
          expiresInDays: days === 'never' ? null : Number(days),
        }),
      );
      setName('');
      setScopes([]);
      query.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="tokens-title" data-testid="tokens-panel">
      <h2 id="tokens-title">{t('integrations.tokens.title')}</h2>
      <p className="muted">{t('integrations.tokens.hint')}</p>
      <form
        className="card card__body stack"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label className="field">
          <span className="field__label">{t('integrations.tokens.name')}</span>
          <input
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
            data-testid="token-name"
          />
        </label>
        <fieldset className="field">
          <legend className="field__label">{t('integrations.tokens.scopes')}</legend>
          <div className="checkbox-grid">
            {API_TOKEN_SCOPES.map((scope) => (
              <label key={scope} className="checkbox">
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(e) => setScopes((s) => (e.target.checked ? [...s, scope] : s.filter((x) => x !== scope)))}
                  data-testid={`token-scope-${scope}`}
                />
                {/* API identifiers, the same in every language: */}
                <code lang="en">{scope}</code>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field">
          <span className="field__label">{t('integrations.tokens.expires')}</span>
          <select className="select" value={days} onChange={(e) => setDays(e.target.value)} data-testid="token-expiry">
            {EXPIRY_DAYS.map((d) => (
              <option key={d} value={String(d)}>
                {t('integrations.tokens.days', { count: d })}
              </option>
            ))}
            <option value="never">{t('integrations.tokens.never')}</option>
          </select>
        </label>
        {isAdmin ? (
          <label className="checkbox">
            <input type="checkbox" checked={integration} onChange={(e) => setIntegration(e.target.checked)} />
            {t('integrations.tokens.integration')}
          </label>
        ) : null}
        {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
        <div>
          <button
            className="btn btn--primary"
            type="submit"
            disabled={busy || !name || scopes.length === 0}
            data-testid="token-create"
          >
            {t('integrations.tokens.create')}
          </button>
        </div>
      </form>
      {made ? (
        <Alert tone="success" testId="token-made">
          <p>{t('integrations.tokens.shownOnce')}</p>
          <code className="secret" lang="en" data-testid="token-secret">
            {made.token}
          </code>
        </Alert>
      ) : null}
      <QueryView {...query} isEmpty={(list) => list.length === 0}>
        {(tokens) => (
          <DataTable
            testId="tokens-table"
            columns={[
              { label: t('integrations.tokens.name') },
              { label: t('integrations.tokens.prefix') },
              { label: t('integrations.tokens.scopes') },
              { label: t('integrations.tokens.lastUsed') },
              { label: t('integrations.tokens.expires') },
              { label: <span className="visually-hidden">{t('integrations.tokens.revoke')}</span> },
            ]}
          >
            {tokens.map((token) => (
              <tr key={token.id} data-testid="token-row">
                <td>
                  {token.name}
                  {token.kind === 'integration' ? (
                    <span className="badge">
                      {' '}
                      {t('integrations.tokens.integrationBadge', { owner: token.ownerLogin })}
                    </span>
                  ) : null}
                </td>
                <td>
                  <code lang="en">{token.prefix}…</code>
                </td>
                <td lang="en">{token.scopes.join(', ')}</td>
                <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt, locale) : t('common.none')}</td>
                <td>{token.expiresAt ? formatDateTime(token.expiresAt, locale) : t('integrations.tokens.never')}</td>
                <td>
                  {token.revokedAt ? (
                    <span className="badge badge--danger">{t('integrations.tokens.revoked')}</span>
                  ) : (
                    <button
                      className="btn btn--small btn--danger"
                      type="button"
                      onClick={() => void tokensApi.revoke(token.id).then(query.reload)}
                      data-testid="token-revoke"
                    >
                      {t('integrations.tokens.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </section>
  );
}
