import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type BusinessHoursDto, type WeekHours } from '@contracts/dto/business-hours';
import { errorText } from '@client/api/errorText';
import { useQuery } from '@client/app/useQuery';
import { businessHoursApi } from '@client/modules/integrations/api/integrationsApi';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { QueryView } from '@client/ui/QueryView';

const DAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
type Day = (typeof DAYS)[number];
type DayHours = { from: string; to: string } | null;

const describe = (week: WeekHours) => DAYS.map((d) => week[d].map((r) => `${r.from}–${r.to}`).join(', ') || '—');

/** A queue's opening hours (one range a day here), holidays and how long a callback waits; admins edit them. */
export function BusinessHoursPanel({ canEdit }: { canEdit: boolean }) {
  const { t } = useTranslation();
  const query = useQuery('business-hours', (signal) => businessHoursApi.list(signal));
  const [queue, setQueue] = useState('support');
  const [timeZone, setTimeZone] = useState('Europe/Moscow');
  const [days, setDays] = useState<Record<Day, DayHours>>({
    1: { from: '09:00', to: '18:00' },
    2: { from: '09:00', to: '18:00' },
    3: { from: '09:00', to: '18:00' },
    4: { from: '09:00', to: '18:00' },
    5: { from: '09:00', to: '18:00' },
    6: null,
    7: null,
  });
  const [holidays, setHolidays] = useState('');
  const [wait, setWait] = useState('120');
  const [error, setError] = useState<unknown>(null);

  const edit = (h: BusinessHoursDto) => {
    setQueue(h.queue);
    setTimeZone(h.timeZone);
    setDays(Object.fromEntries(DAYS.map((d) => [d, h.week[d][0] ?? null])) as Record<Day, DayHours>);
    setHolidays(h.holidays.join(', '));
    setWait(String(h.callbackWaitSeconds));
  };
  const save = async () => {
    setError(null);
    try {
      await businessHoursApi.put(queue, {
        timeZone,
        week: Object.fromEntries(DAYS.map((d) => [d, days[d] ? [days[d]] : []])) as WeekHours,
        holidays: holidays.split(/[\s,]+/).filter(Boolean),
        callbackWaitSeconds: Number(wait),
      });
      query.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="hours-title" data-testid="hours-panel">
      <h2 id="hours-title">{t('integrations.hours.title')}</h2>
      <p className="muted">{t('integrations.hours.hint')}</p>
      <QueryView {...query} isEmpty={() => false}>
        {(list) => (
          <DataTable
            testId="hours-table"
            columns={[
              { label: t('integrations.hours.queue') },
              ...DAYS.map((d) => ({ label: t(`integrations.hours.days.${d}`) })),
              { label: t('integrations.hours.holidays') },
            ]}
          >
            {list.map((h) => (
              <tr key={h.queue} data-testid="hours-row">
                <td>
                  {canEdit ? (
                    <button type="button" className="btn btn--small btn--ghost" onClick={() => edit(h)}>
                      {h.queue}
                    </button>
                  ) : (
                    h.queue
                  )}
                  <div className="muted" lang="en">
                    {h.timeZone}
                  </div>
                </td>
                {describe(h.week).map((text, i) => (
                  <td key={DAYS[i]}>{text}</td>
                ))}
                <td>{h.holidays.join(', ') || t('common.none')}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
      {canEdit ? (
        <form
          className="card card__body stack"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <div className="toolbar">
            <label className="field">
              <span className="field__label">{t('integrations.hours.queue')}</span>
              <input className="input" value={queue} onChange={(e) => setQueue(e.target.value)} required />
            </label>
            <label className="field">
              <span className="field__label">{t('integrations.hours.timeZone')}</span>
              <input className="input" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} required />
            </label>
            <label className="field">
              <span className="field__label">{t('integrations.hours.wait')}</span>
              <input
                className="input"
                type="number"
                min={15}
                max={1800}
                value={wait}
                onChange={(e) => setWait(e.target.value)}
              />
            </label>
          </div>
          <div className="toolbar">
            {DAYS.map((d) => (
              <fieldset key={d} className="field">
                <legend className="field__label">
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={days[d] !== null}
                      onChange={(e) =>
                        setDays((s) => ({ ...s, [d]: e.target.checked ? { from: '09:00', to: '18:00' } : null }))
                      }
                    />
                    {t(`integrations.hours.days.${d}`)}
                  </label>
                </legend>
                {days[d] ? (
                  <span>
                    <input
                      className="input input--time"
                      type="time"
                      value={days[d].from}
                      aria-label={t('integrations.hours.from')}
                      onChange={(e) => setDays((s) => ({ ...s, [d]: { ...s[d]!, from: e.target.value } }))}
                    />
                    <input
                      className="input input--time"
                      type="time"
                      value={days[d].to}
                      aria-label={t('integrations.hours.to')}
                      onChange={(e) => setDays((s) => ({ ...s, [d]: { ...s[d]!, to: e.target.value } }))}
                    />
                  </span>
                ) : null}
              </fieldset>
            ))}
          </div>
          <label className="field">
            <span className="field__label">{t('integrations.hours.holidays')}</span>
            <input
              className="input"
              value={holidays}
              onChange={(e) => setHolidays(e.target.value)}
              placeholder="2027-01-01, 2027-01-07"
            />
          </label>
          {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
          <div>
            <button className="btn btn--primary" type="submit" data-testid="hours-save">
              {t('common.save')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
