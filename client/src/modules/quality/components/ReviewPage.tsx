import { useId, useState } from 'react';
import { type TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

import { CALL_DISPOSITIONS } from '@contracts/dto/call';
import { type ReviewItemDto } from '@contracts/dto/quality';
import { usersApi } from '@client/api/crmApi';
import { useLocale } from '@client/app/useLocale';
import { useDebounced, useQuery } from '@client/app/useQuery';
import { formatDateTime, formatDuration, formatPhone } from '@client/i18n/format';
import { type Locale } from '@client/i18n/i18n';
import { useCurrentUser } from '@client/modules/auth/states/sessionContext';
import { isOutcome, WrapUpText } from '@client/modules/calls/components/WrapUpText';
import { RecordingPlayer } from '@client/modules/calllog/components/RecordingPlayer';
import { localDayEnd, localDayStart } from '@client/modules/calllog/utils/dateRange';
import { operatorOptions } from '@client/modules/calllog/utils/operatorOptions';
import { qualityApi, type ReviewFilters } from '@client/modules/quality/api/qualityApi';
import { ReviewForm } from '@client/modules/quality/components/ReviewForm';
import { DataTable } from '@client/ui/DataTable';
import { DateRangeFields } from '@client/ui/DateRangeFields';
import { FilterSelect } from '@client/ui/FilterSelect';
import { PagedList } from '@client/ui/PagedList';
import '@client/styles/crm.css';
import '@client/modules/quality/quality.css';

const PAGE_SIZE = 20;
const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
const SPEEDS = [1, 1.25, 1.5, 2] as const;
type Direction = (typeof DIRECTIONS)[number];
type Disposition = (typeof CALL_DISPOSITIONS)[number];

/** "23.11.26, 12:41", as in the call log: the row stays narrow enough for the score column at 1280 px. */
const shortDateTime = (iso: string, locale: string) =>
  new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(iso),
  );
const seconds = (v: string) => (/^\d{1,5}$/.test(v.trim()) ? Number(v.trim()) : undefined);

/** The client's side of the call (the caller of an inbound call, the called number of an outbound one). */
const clientNumber = (item: ReviewItemDto) =>
  item.direction === 'outbound' ? (item.toE164 ?? item.toRaw) : (item.fromE164 ?? item.fromRaw);
/** The client's number as a person reads it ("8 (916) 123-45-67", or "number withheld" in their language). */
const numberText = (item: ReviewItemDto, locale: Locale, t: TFunction) =>
  item.anonymous && item.direction === 'inbound' ? t('popCard.withheld') : formatPhone(clientNumber(item), locale);
/** "Анна Смирнова, 8 (916) 123-45-67", or just the number when the client has no card. */
const clientText = (item: ReviewItemDto, locale: Locale, t: TFunction) =>
  [item.callerName, numberText(item, locale, t)].filter(Boolean).join(', ');

/**
 * Recordings review (quality control): recorded calls with filters, a waveform player with 1–2× speed, and the
 * viewer's own score/comment per call. Supervisors and managers only (the server refuses everyone else).
 */
export function ReviewPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const me = useCurrentUser();
  const id = useId();
  const [operatorId, setOperatorId] = useState('');
  const [queueInput, setQueueInput] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [minInput, setMinInput] = useState('');
  const [maxInput, setMaxInput] = useState('');
  const [direction, setDirection] = useState<Direction | ''>('');
  const [disposition, setDisposition] = useState<Disposition | ''>('');
  const [reviewed, setReviewed] = useState<'true' | 'false' | ''>('');
  const [page, setPage] = useState(1);
  const [speed, setSpeed] = useState<number>(1);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const queue = useDebounced(queueInput.trim(), 400);
  const minDuration = useDebounced(seconds(minInput), 400);
  const maxDuration = useDebounced(seconds(maxInput), 400);
  const users = useQuery('users:review', (signal) => usersApi.list(signal));
  const filters: ReviewFilters = {
    operatorId: operatorId || undefined,
    queue: queue || undefined,
    from: localDayStart(from),
    to: localDayEnd(to),
    minDuration,
    maxDuration,
    direction: direction || undefined,
    disposition: disposition || undefined,
    reviewed: reviewed || undefined,
  };
  const query = useQuery(`reviews:${JSON.stringify(filters)}:${page}`, (signal) =>
    qualityApi.list({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, signal),
  );
  const selected: ReviewItemDto | undefined = query.data?.items.find((i) => i.callId === selectedId);
  const filter =
    <T,>(set: (v: T) => void) =>
    (value: T) => {
      set(value);
      setPage(1);
    };
  const myReview = (item: ReviewItemDto) => item.reviews.find((r) => r.reviewerId === me.id) ?? null;

  return (
    <section aria-labelledby="review-title">
      <div className="page-header">
        <h1 id="review-title">{t('review.title')}</h1>
        <span className="review-export">
          {(['csv', 'xlsx'] as const).map((format) => (
            <a
              key={format}
              className="btn btn--small btn--ghost"
              href={qualityApi.exportHref(filters, format, locale)}
              download
              data-testid={`review-export-${format}`}
            >
              {t(`review.export.${format}`)}
            </a>
          ))}
        </span>
      </div>
      <form className="card card__body filters-grid" role="search" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id={`${id}-operator`}
          label={t('calls.operator')}
          value={operatorId}
          options={operatorOptions(users.data)}
          allLabel={t('common.all')}
          onChange={filter(setOperatorId)}
          testId="review-operator"
        />
        <div className="field">
          <label className="field__label" htmlFor={`${id}-queue`}>
            {t('review.queue')}
          </label>
          <input
            id={`${id}-queue`}
            className="input"
            value={queueInput}
            onChange={(e) => filter(setQueueInput)(e.target.value)}
            data-testid="review-queue"
          />
        </div>
        <DateRangeFields
          id={id}
          testId="review"
          fromLabel={t('callLog.from')}
          toLabel={t('callLog.to')}
          from={from}
          to={to}
          onFrom={filter(setFrom)}
          onTo={filter(setTo)}
        />
        <div className="field">
          <label className="field__label" htmlFor={`${id}-min`}>
            {t('review.minDuration')}
          </label>
          <input
            id={`${id}-min`}
            type="number"
            min={0}
            className="input"
            value={minInput}
            onChange={(e) => filter(setMinInput)(e.target.value)}
            data-testid="review-min-duration"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-max`}>
            {t('review.maxDuration')}
          </label>
          <input
            id={`${id}-max`}
            type="number"
            min={0}
            className="input"
            value={maxInput}
            onChange={(e) => filter(setMaxInput)(e.target.value)}
            data-testid="review-max-duration"
          />
        </div>
        <FilterSelect
          id={`${id}-direction`}
          label={t('calls.direction')}
          value={direction}
          options={DIRECTIONS.map((d) => ({ value: d, label: t(`calls.directions.${d}`) }))}
          allLabel={t('common.all')}
          onChange={filter(setDirection)}
          testId="review-direction"
        />
        <FilterSelect
          id={`${id}-disposition`}
          label={t('calls.result')}
          value={disposition}
          options={CALL_DISPOSITIONS.map((d) => ({ value: d, label: t(`callLog.dispositions.${d}`) }))}
          allLabel={t('common.all')}
          onChange={filter(setDisposition)}
          testId="review-disposition"
        />
        <FilterSelect
          id={`${id}-reviewed`}
          label={t('review.reviewedFilter')}
          value={reviewed}
          options={[
            { value: 'false', label: t('review.notReviewed') },
            { value: 'true', label: t('review.reviewed') },
          ]}
          allLabel={t('common.all')}
          onChange={filter(setReviewed)}
          testId="review-reviewed"
        />
      </form>

      {selected ? (
        <div className="card card__body review-panel" aria-live="polite" data-testid="review-panel">
          <h2 className="review-panel__title">
            {t('callLog.player.label', {
              number: clientText(selected, locale, t),
              at: formatDateTime(selected.startedAt, locale),
            })}
          </h2>
          <div className="review-speed" role="group" aria-label={t('review.speed')}>
            <span className="muted">{t('review.speed')}</span>
            {SPEEDS.map((s) => (
              <button
                key={s}
                type="button"
                className="btn btn--small"
                aria-pressed={speed === s}
                onClick={() => setSpeed(s)}
                data-testid={`review-speed-${s}`}
              >
                {`${s}×`}
              </button>
            ))}
          </div>
          <RecordingPlayer
            key={selected.recordingUrl}
            url={selected.recordingUrl}
            playbackRate={speed}
            label={t('callLog.player.label', {
              number: clientText(selected, locale, t),
              at: formatDateTime(selected.startedAt, locale),
            })}
          />
          <ReviewForm key={selected.callId} callId={selected.callId} mine={myReview(selected)} onSaved={query.reload} />
          {selected.reviews.some((r) => r.reviewerId !== me.id) ? (
            <ul className="review-others" data-testid="review-others">
              {selected.reviews
                .filter((r) => r.reviewerId !== me.id)
                .map((r) => (
                  <li key={r.reviewerId}>
                    <strong>{r.reviewerName}</strong>: {r.score}/5,{' '}
                    {r.scriptFollowed ? t('review.scriptYes') : t('review.scriptNo')}
                    {r.comment ? ` — ${r.comment}` : ''}
                  </li>
                ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <PagedList query={query} page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(items) => (
          <DataTable
            compact
            testId="review-table"
            columns={[
              { label: t('review.myScore') },
              { label: t('calls.startedAt') },
              { label: t('calls.number') },
              { label: t('calls.operator') },
              { label: <abbr title={t('calls.duration')}>{t('callLog.durationShort')}</abbr>, numeric: true },
              { label: t('calls.result') },
            ]}
          >
            {items.map((item) => {
              const mine = myReview(item);
              const others = item.reviews.length - (mine ? 1 : 0);
              return (
                <tr
                  key={item.callId}
                  aria-selected={selectedId === item.callId}
                  data-testid="review-row"
                  data-call-id={item.callId}
                >
                  {/* Score and the open button come first: they are what this page is for. */}
                  <td className="nowrap">
                    <button
                      type="button"
                      className="btn btn--small"
                      aria-pressed={selectedId === item.callId}
                      onClick={() => setSelectedId(item.callId)}
                      data-testid="review-open"
                    >
                      {t('review.open')}
                    </button>{' '}
                    <span data-testid="review-row-score">
                      {mine ? `${mine.score}/5` : <span className="muted">{t('common.none')}</span>}
                    </span>
                    {others > 0 ? <span className="muted"> {t('review.othersCount', { count: others })}</span> : null}
                  </td>
                  <td className="nowrap">
                    <time dateTime={item.startedAt} title={formatDateTime(item.startedAt, locale)}>
                      {shortDateTime(item.startedAt, locale)}
                    </time>
                  </td>
                  <td title={t(`calls.directions.${item.direction}`)} data-testid="review-row-client">
                    <span className="call-parties">
                      {item.callerName ? <span>{item.callerName}</span> : null}
                      <span className="phone">{numberText(item, locale, t)}</span>
                    </span>
                  </td>
                  <td>
                    <span className="call-parties">
                      <span>{item.operatorName ?? item.agentExtension ?? ''}</span>
                      {item.queue ? <span className="muted">{item.queue}</span> : null}
                    </span>
                  </td>
                  <td className="num">{formatDuration(item.talkSeconds)}</td>
                  <td>
                    {item.disposition ? t(`callLog.dispositions.${item.disposition}`) : ''}
                    {isOutcome(item.wrapUpOutcome) ? (
                      <WrapUpText outcome={item.wrapUpOutcome} note={item.wrapUpNote} />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </PagedList>
    </section>
  );
}
