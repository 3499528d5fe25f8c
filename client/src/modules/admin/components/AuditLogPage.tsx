import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { UndoMergeButton } from '@client/modules/contacts/components/UndoMergeButton';

import { type AuditEntryDto, type AuditListQuery } from '@contracts/dto/audit';
import { usersApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { useDebounced, useQuery } from '@client/app/useQuery';
import { formatDateTime } from '@client/i18n/format';
import { adminApi } from '@client/modules/admin/api/adminApi';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { DateRangeFields } from '@client/ui/DateRangeFields';
import { FilterSelect } from '@client/ui/FilterSelect';

const PAGE = 50;

/**
 * The details worth a glance, as short text (the CSV export has them whole): stored keys and values, shown as
 * they are (machine data, marked lang="zxx"), except a call's id, which gets a label in the page's language.
 */
function detailsText(entry: AuditEntryDto): string {
  const d = entry.details;
  if (typeof d.callId === 'string') return d.callId;
  if (d.changes && typeof d.changes === 'object') {
    return Object.entries(d.changes as Record<string, { from: unknown; to: unknown }>)
      .map(([k, c]) => `${k}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`)
      .join('; ');
  }
  const text = JSON.stringify(d);
  return text === '{}' ? '' : text.slice(0, 160);
}

/**
 * The audit trail for admins and managers, newest first: filters by actor, action, record and dates, a page of 50
 * at a time ("older" continues after the last row shown), CSV export of the filtered rows. Read-only.
 */
export function AuditLogPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const [actorId, setActorId] = useState('');
  const [action, setAction] = useState('');
  const [entityInput, setEntityInput] = useState('');
  const [entityIdInput, setEntityIdInput] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const entity = useDebounced(entityInput.trim(), 300);
  const entityId = useDebounced(entityIdInput.trim(), 300);
  const users = useQuery('audit:users', (signal) => usersApi.list(signal));
  const actions = useQuery('audit:actions', (signal) => adminApi.auditActions(signal));
  const filters: Omit<AuditListQuery, 'cursor' | 'limit'> = {
    actorId: actorId || undefined,
    action: action || undefined,
    entity: entity || undefined,
    entityId: entityId || undefined,
    from: from || undefined,
    to: to || undefined,
  };
  const key = JSON.stringify(filters);
  // The newest page follows the filters; older pages are appended to it while the filters stay the same.
  const first = useQuery(`audit:${key}`, (signal) => adminApi.audit({ ...filters, limit: PAGE }, signal));
  const [older, setOlder] = useState<{ key: string; rows: AuditEntryDto[]; cursor: string | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const extra = older?.key === key ? older : null;
  const rows = [...(first.data?.items ?? []), ...(extra?.rows ?? [])];
  const cursor = extra ? extra.cursor : (first.data?.nextCursor ?? null);
  const error = first.error ?? moreError;

  const loadOlder = async () => {
    if (!cursor) return;
    setLoading(true);
    setMoreError(null);
    try {
      const page = await adminApi.audit({ ...filters, limit: PAGE, cursor });
      setOlder({ key, rows: [...(extra?.rows ?? []), ...page.items], cursor: page.nextCursor });
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoading(false);
    }
  };

  return (
    <section aria-labelledby="audit-title">
      <div className="page-header">
        <h1 id="audit-title">{t('audit.title')}</h1>
        <a className="btn" href={adminApi.auditExportUrl(filters)} download data-testid="audit-export">
          {t('audit.export')}
        </a>
      </div>
      <div className="toolbar" role="search">
        <FilterSelect
          id={`${id}-actor`}
          label={t('audit.actor')}
          value={actorId}
          options={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
          allLabel={t('common.all')}
          onChange={setActorId}
          testId="audit-actor"
        />
        <FilterSelect
          id={`${id}-action`}
          label={t('audit.action')}
          value={action}
          options={(actions.data ?? []).map((a) => ({ value: a, label: t(`audit.actions.${a}`, { defaultValue: a }) }))}
          allLabel={t('common.all')}
          onChange={setAction}
          testId="audit-action"
        />
        <div className="field">
          <label className="field__label" htmlFor={`${id}-entity`}>
            {t('audit.entity')}
          </label>
          <input
            id={`${id}-entity`}
            className="input"
            value={entityInput}
            onChange={(e) => setEntityInput(e.target.value)}
            data-testid="audit-entity"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-entity-id`}>
            {t('audit.entityId')}
          </label>
          <input
            id={`${id}-entity-id`}
            className="input"
            value={entityIdInput}
            onChange={(e) => setEntityIdInput(e.target.value)}
            data-testid="audit-entity-id"
          />
        </div>
        <DateRangeFields
          id={`${id}-range`}
          testId="audit-range"
          fromLabel={t('audit.from')}
          toLabel={t('audit.to')}
          from={from}
          to={to}
          onFrom={setFrom}
          onTo={setTo}
        />
      </div>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      <DataTable
        testId="audit-table"
        compact
        columns={[
          { label: t('audit.at') },
          { label: t('audit.actor') },
          { label: t('audit.action') },
          { label: t('audit.record') },
          { label: t('audit.details') },
        ]}
      >
        {rows.map((r) => (
          <tr key={r.id} data-testid="audit-row" data-action={r.action}>
            <td>
              <time dateTime={r.at}>{formatDateTime(r.at, locale)}</time>
            </td>
            <td data-testid="audit-row-actor">
              {r.actorName ?? t('audit.system')}
              {r.actorLogin ? <span className="muted"> · {r.actorLogin}</span> : null}
            </td>
            <td>{t(`audit.actions.${r.action}`, { defaultValue: r.action })}</td>
            <td>
              {t(`audit.entities.${r.entity}`, { defaultValue: r.entity })}
              {r.entityId ? (
                <span className="muted" lang="zxx">
                  {' '}
                  {r.entityId}
                </span>
              ) : null}
            </td>
            <td className="muted">
              {typeof r.details.callId === 'string' ? `${t('audit.entities.call')} ` : null}
              <span lang="zxx">{detailsText(r)}</span>
              {r.action === 'contact.merge' ? <UndoMergeButton mergeId={r.id} /> : null}
            </td>
          </tr>
        ))}
      </DataTable>
      {!first.loading && first.data && rows.length === 0 ? <p className="empty">{t('common.empty')}</p> : null}
      {cursor ? (
        <div className="form-actions">
          <button
            type="button"
            className="btn"
            disabled={loading}
            onClick={() => void loadOlder()}
            data-testid="audit-older"
          >
            {t('audit.older')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
