import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type WallboardDto, type WallboardOperatorDto } from '@contracts/dto/wallboard';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { PauseControl } from '@client/modules/agents/components/PauseControl';
import { SpyButtons } from '@client/modules/supervision/components/SpyButtons';
import { useNow, useWallboard } from '@client/modules/wallboard/hooks/useWallboard';
import { formatTimeZone } from '@client/i18n/format';
import { formatShare } from '@client/modules/analytics/utils/formatKpi';
import { formatDuration, secondsSince } from '@client/modules/wallboard/utils/duration';
import { Alert } from '@client/ui/Alert';
import { useCurrentUser } from '@client/modules/auth/states/sessionContext';
import { TeamFilter } from '@client/modules/teams/components/TeamFilter';
import { useTeams } from '@client/modules/teams/hooks/useTeams';
import { PhoneText } from '@client/ui/PhoneText';
import { SlaBanner, SlaThresholds } from '@client/modules/analytics/components/SlaAlerts';
import { Spinner } from '@client/ui/Spinner';
import '@client/modules/wallboard/wallboard.css';

const STATE_TONE: Record<WallboardOperatorDto['state'], string> = {
  available: 'success',
  'on-call': 'primary',
  ringing: 'primary',
  'wrap-up': 'warning',
  break: 'warning',
  offline: 'muted',
};

function Tile({ label, value, testId }: { label: string; value: string | number; testId: string }) {
  return (
    <div className="wb-tile card">
      <div className="wb-tile__value" data-testid={testId}>
        {value}
      </div>
      <div className="wb-tile__label">{label}</div>
    </div>
  );
}

function Caller({ from }: { from: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return from ? (
    <PhoneText value={from} locale={locale} link={false} />
  ) : (
    <span className="muted">{t('wallboard.anonymous')}</span>
  );
}

function Queues({ board, now }: { board: WallboardDto; now: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (board.queues.length === 0) return <p className="muted card__body">{t('wallboard.noQueues')}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="wb-queues">
        <thead>
          <tr>
            <th scope="col">{t('wallboard.queue')}</th>
            <th scope="col">{t('wallboard.waiting')}</th>
            <th scope="col">{t('wallboard.longestWait')}</th>
            <th scope="col">{t('wallboard.talking')}</th>
            <th scope="col">{t('wallboard.answeredToday')}</th>
            <th scope="col">{t('wallboard.abandonedToday')}</th>
            <th scope="col">
              {t('wallboard.serviceLevel', { seconds: board.queues[0]?.serviceLevelThresholdSeconds })}
            </th>
          </tr>
        </thead>
        <tbody>
          {board.queues.map((q) => {
            const longest = q.waiting[0];
            return (
              <tr key={q.name} data-testid={`wb-queue-${q.name}`}>
                <th scope="row">{q.name}</th>
                <td data-testid="wb-queue-waiting">{q.waiting.length}</td>
                <td>{longest ? formatDuration(secondsSince(longest.since, now)) : '—'}</td>
                <td>{q.talking}</td>
                <td data-testid="wb-queue-answered">{q.answeredToday}</td>
                <td data-testid="wb-queue-abandoned">{q.abandonedToday}</td>
                <td data-testid="wb-queue-sl">
                  {formatShare(q.serviceLevelToday === null ? null : q.serviceLevelToday / 100, locale)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {board.queues.some((q) => q.waiting.length > 0) && (
        <ul className="wb-waiting" aria-label={t('wallboard.waitingCallers')} data-testid="wb-waiting">
          {board.queues.flatMap((q) =>
            q.waiting.map((w) => (
              <li key={w.callId} className="wb-waiting__item">
                <span className="badge badge--warning">{q.name}</span> <Caller from={w.from} />{' '}
                <span className="wb-timer">{formatDuration(secondsSince(w.since, now))}</span>
              </li>
            )),
          )}
        </ul>
      )}
    </div>
  );
}

function Operators({ board, now }: { board: WallboardDto; now: number }) {
  const { t } = useTranslation();
  if (board.operators.length === 0) return <p className="muted card__body">{t('wallboard.noOperators')}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="wb-operators">
        <thead>
          <tr>
            <th scope="col">{t('wallboard.operator')}</th>
            <th scope="col">{t('wallboard.state')}</th>
            <th scope="col">{t('wallboard.currentCall')}</th>
            <th scope="col">{t('wallboard.callsToday')}</th>
            <th scope="col">{t('wallboard.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {board.operators.map((o) => {
            const call = o.currentCall;
            return (
              <tr key={o.userId} data-testid={`wb-operator-${o.extension}`}>
                <th scope="row">
                  {o.name} <span className="muted">{o.extension}</span>
                </th>
                <td>
                  <span
                    className={`badge badge--${STATE_TONE[o.state]}`}
                    data-testid="wb-op-state"
                    data-state={o.state}
                  >
                    {t(`agents.state.${o.state}`)}
                    {o.reason ? ` · ${t(`agents.reasons.${o.reason}`, { defaultValue: o.reason })}` : ''}
                  </span>{' '}
                  <span className="wb-timer">{formatDuration(secondsSince(o.since, now))}</span>
                </td>
                <td data-testid="wb-op-call">
                  {call ? (
                    <>
                      <Caller from={call.from} />{' '}
                      <span className="wb-timer">
                        {formatDuration(secondsSince(call.answeredAt ?? call.startedAt, now))}
                      </span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td data-testid="wb-op-calls-today">{o.callsToday}</td>
                <td className="wb-actions">
                  <PauseControl userId={o.userId} name={o.name} state={o.state} />
                  {call?.answeredAt && <SpyButtons callId={call.callId} operatorName={o.name} />}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** `#/wallboard`: live queues and operators for supervisors, managers and admins. */
export function WallboardPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { board: wholeBoard, error, skewMs, reload } = useWallboard();
  const now = useNow() + skewMs;
  const teams = useTeams(true);
  const [teamId, setTeamId] = useState('');
  // Pushes carry every operator; the team filter (and a team supervisor's own teams) narrow them here.
  const team = teams.find((x) => x.id === teamId);
  const scoped = new Set(teams.flatMap((x) => x.memberIds));
  const me = useCurrentUser();
  const scopedToTeams = me.role === 'supervisor' && teams.length > 0;
  const keep = (userId: string) => (team ? team.memberIds.includes(userId) : !scopedToTeams || scoped.has(userId));
  const board = wholeBoard ? { ...wholeBoard, operators: wholeBoard.operators.filter((o) => keep(o.userId)) } : null;
  return (
    <div className="wallboard" data-testid="wallboard-page">
      <div className="page-header">
        <h1>{t('wallboard.title')}</h1>
        {board?.telephonyUp === false && <span className="badge badge--danger">{t('wallboard.pbxDown')}</span>}
        <TeamFilter teams={teams} value={teamId} onChange={setTeamId} testId="wallboard-team" />
      </div>
      {error !== null && !board && (
        <Alert tone="error" testId="wallboard-error">
          {errorText(t, error)}{' '}
          <button type="button" className="btn btn--small" onClick={reload}>
            {t('common.retry')}
          </button>
        </Alert>
      )}
      <SlaBanner />
      {!board && error === null && <Spinner label={t('app.loading')} />}
      {board && (
        <>
          <div className="wb-tiles">
            <Tile label={t('wallboard.waiting')} value={board.totals.waiting} testId="wb-total-waiting" />
            <Tile label={t('wallboard.talking')} value={board.totals.talking} testId="wb-total-talking" />
            <Tile label={t('wallboard.answeredToday')} value={board.totals.answeredToday} testId="wb-total-answered" />
            <Tile
              label={t('wallboard.abandonedToday')}
              value={board.totals.abandonedToday}
              testId="wb-total-abandoned"
            />
          </div>
          <section className="card wb-section">
            <h2>{t('wallboard.queues')}</h2>
            <Queues board={board} now={now} />
            <p className="muted card__body" data-testid="wb-window">
              {t('wallboard.window', {
                tz: formatTimeZone(board.timeZone, locale),
                seconds: board.queues[0]?.serviceLevelThresholdSeconds ?? 20,
                short: board.shortAbandonSeconds,
              })}
            </p>
          </section>
          <section className="card wb-section">
            <h2>{t('wallboard.operators')}</h2>
            <Operators board={board} now={now} />
          </section>
          {(me.role === 'supervisor' || me.role === 'admin') && (
            <section className="card wb-section" data-testid="sla-section">
              <h2>{t('sla.title')}</h2>
              <SlaThresholds />
            </section>
          )}
        </>
      )}
    </div>
  );
}
