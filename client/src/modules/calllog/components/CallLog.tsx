import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { CALL_DISPOSITIONS, type CallDto } from '@contracts/dto/call';
import { callLogApi } from '@client/api/callLogApi';
import { usersApi } from '@client/api/crmApi';
import { useLocale } from '@client/app/useLocale';
import { useDebounced, useQuery } from '@client/app/useQuery';
import { formatDateTime, formatDuration, formatPhone } from '@client/i18n/format';
import { useCurrentUser } from '@client/modules/auth/states/sessionContext';
import { WrapUpText } from '@client/modules/calls/components/WrapUpText';
import { RecordingPlayer } from '@client/modules/calllog/components/RecordingPlayer';
import { localDayEnd, localDayStart } from '@client/modules/calllog/utils/dateRange';
import { operatorOptions } from '@client/modules/calllog/utils/operatorOptions';
import { DataTable } from '@client/ui/DataTable';
import { DateRangeFields } from '@client/ui/DateRangeFields';
import { FilterSelect } from '@client/ui/FilterSelect';
import { TeamFilter } from '@client/modules/teams/components/TeamFilter';
import { useTeams } from '@client/modules/teams/hooks/useTeams';
import { PagedList } from '@client/ui/PagedList';
import { PhoneText } from '@client/ui/PhoneText';
import '@client/styles/crm.css';

const PAGE_SIZE = 20;

/** Date over time ("23.11.2026" / "12:41"): a narrow column that is scanned row by row. */
const shortDate = (iso: string, locale: string, part: 'date' | 'time') =>
  new Intl.DateTimeFormat(
    locale === 'ru' ? 'ru-RU' : 'en-GB',
    part === 'date' ? { dateStyle: 'short' } : { timeStyle: 'short' },
  ).format(new Date(iso));
const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
type Direction = (typeof DIRECTIONS)[number];
type Disposition = (typeof CALL_DISPOSITIONS)[number];

const DISPOSITION_TONE: Record<Disposition, string> = {
  answered: 'badge--success',
  missed: 'badge--danger',
  abandoned: 'badge--warning',
  failed: 'badge--danger',
  blocked: '',
};

function Party({ raw, e164, anonymous }: { raw: string; e164: string | null; anonymous?: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (anonymous) return <span className="muted">{t('popCard.withheld')}</span>;
  return <PhoneText value={e164 ?? raw} locale={locale} link={Boolean(e164)} />;
}

/** Call history with filters and a waveform player for the recordings the server lets this user hear. */
export function CallLog() {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useCurrentUser();
  const supervises = me.role !== 'operator';
  const id = useId();
  const [phoneInput, setPhoneInput] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [direction, setDirection] = useState<Direction | ''>('');
  const [disposition, setDisposition] = useState<Disposition | ''>('');
  const [operatorId, setOperatorId] = useState('');
  const [teamId, setTeamId] = useState('');
  const teams = useTeams(supervises);
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<CallDto | null>(null);
  const phone = useDebounced(phoneInput.trim(), 400);
  const users = useQuery(`users:${supervises}`, (signal) => (supervises ? usersApi.list(signal) : Promise.resolve([])));
  const userNames = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const filters = {
    phone: phone || undefined,
    from: localDayStart(from),
    to: localDayEnd(to),
    direction: direction || undefined,
    disposition: disposition || undefined,
    operatorId: operatorId || undefined,
    teamId: teamId || undefined,
  };
  const query = useQuery(`calls:${JSON.stringify(filters)}:${page}`, (signal) =>
    callLogApi.list({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
  );
  const filter =
    <T,>(set: (v: T) => void) =>
    (value: T) => {
      set(value);
      setPage(1);
    };

  return (
    <section aria-labelledby="calllog-title">
      <div className="page-header">
        <h1 id="calllog-title">{t('callLog.title')}</h1>
      </div>
      <form className="card card__body filters-grid" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-phone`}>
            {t('callLog.phone')}
          </label>
          <input
            id={`${id}-phone`}
            type="search"
            className="input"
            inputMode="tel"
            placeholder={t('callLog.phonePlaceholder')}
            value={phoneInput}
            onChange={(e) => filter(setPhoneInput)(e.target.value)}
            data-testid="calllog-phone"
          />
        </div>
        <DateRangeFields
          id={id}
          testId="calllog"
          fromLabel={t('callLog.from')}
          toLabel={t('callLog.to')}
          from={from}
          to={to}
          onFrom={filter(setFrom)}
          onTo={filter(setTo)}
        />
        <FilterSelect
          id={`${id}-direction`}
          label={t('calls.direction')}
          value={direction}
          options={DIRECTIONS.map((d) => ({ value: d, label: t(`calls.directions.${d}`) }))}
          allLabel={t('common.all')}
          onChange={filter(setDirection)}
          testId="calllog-direction"
        />
        <FilterSelect
          id={`${id}-disposition`}
          label={t('calls.result')}
          value={disposition}
          options={CALL_DISPOSITIONS.map((d) => ({ value: d, label: t(`callLog.dispositions.${d}`) }))}
          allLabel={t('common.all')}
          onChange={filter(setDisposition)}
          testId="calllog-disposition"
        />
        {supervises ? (
          <FilterSelect
            id={`${id}-operator`}
            label={t('calls.operator')}
            value={operatorId}
            options={operatorOptions(users.data)}
            allLabel={t('common.all')}
            onChange={filter(setOperatorId)}
            testId="calllog-operator"
          />
        ) : null}
        <TeamFilter teams={teams} value={teamId} onChange={filter(setTeamId)} testId="calllog-team" />
      </form>

      {selected?.recordingUrl ? (
        <div className="card card__body" aria-live="polite" data-testid="calllog-player">
          <h2 className="visually-hidden">{t('callLog.player.title')}</h2>
          <RecordingPlayer
            key={selected.recordingUrl}
            url={selected.recordingUrl}
            label={t('callLog.player.label', {
              number: selected.anonymous
                ? t('popCard.withheld')
                : formatPhone(selected.fromE164 ?? selected.fromRaw, locale),
              at: formatDateTime(selected.startedAt, locale),
            })}
          />
        </div>
      ) : null}

      <PagedList query={query} page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(items) => (
          <DataTable
            compact
            testId="calllog-table"
            columns={[
              { label: t('calls.startedAt') },
              { label: t('callLog.parties') },
              { label: t('calls.operator') },
              { label: <abbr title={t('calls.duration')}>{t('callLog.durationShort')}</abbr>, numeric: true },
              { label: t('calls.result') },
              { label: t('callLog.recording') },
            ]}
          >
            {items.map((call) => (
              <tr
                key={call.id}
                aria-selected={selected?.id === call.id}
                data-testid="calllog-row"
                data-call-id={call.id}
              >
                <td className="nowrap">
                  <time dateTime={call.startedAt} title={formatDateTime(call.startedAt, locale)}>
                    {shortDate(call.startedAt, locale, 'date')}
                    <br />
                    {shortDate(call.startedAt, locale, 'time')}
                  </time>
                </td>
                <td>
                  <span className="call-parties">
                    <span>
                      <Party raw={call.fromRaw} e164={call.fromE164} anonymous={call.anonymous} />
                      {' → '}
                      <Party raw={call.toRaw} e164={call.toE164} />
                    </span>
                    <span className="muted">{t(`calls.directions.${call.direction}`)}</span>
                  </span>
                </td>
                <td>
                  {call.operatorId
                    ? (userNames.get(call.operatorId) ??
                      (call.operatorId === me.id ? me.name : (call.agentExtension ?? '')))
                    : (call.agentExtension ?? '')}
                </td>
                <td className="num">{formatDuration(call.talkSeconds)}</td>
                <td>
                  {call.disposition ? (
                    <span className={`badge ${DISPOSITION_TONE[call.disposition]}`}>
                      {t(`callLog.dispositions.${call.disposition}`)}
                    </span>
                  ) : (
                    <span className="muted">{t('callLog.inProgress')}</span>
                  )}
                  {call.wrapUp ? <WrapUpText outcome={call.wrapUp.outcome} note={call.wrapUp.note} /> : null}
                </td>
                <td>
                  {call.recordingUrl ? (
                    <button
                      type="button"
                      className="btn btn--small"
                      aria-pressed={selected?.id === call.id}
                      onClick={() => setSelected(call)}
                      data-testid="calllog-listen"
                    >
                      {t('callLog.listen')}
                    </button>
                  ) : (
                    <span className="muted">{t('common.none')}</span>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </PagedList>
    </section>
  );
}
