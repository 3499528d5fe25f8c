import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { useLocale } from '@client/app/useLocale';
import { formatTimeZone } from '@client/i18n/format';
import { type RangeInput, zoneChoices } from '@client/modules/analytics/utils/analyticsRange';

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function RangePicker({ value, onChange }: { value: RangeInput; onChange: (next: RangeInput) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const set = (patch: Partial<RangeInput>) => {
    const next = { ...value, ...patch };
    // An inverted range would only produce a 400; keep the last valid one until both ends make sense.
    if (next.fromDate && next.toDate && next.fromDate <= next.toDate) onChange(next);
  };
  const number = (key: 'slSeconds' | 'slTarget' | 'shortAbandonSeconds', min: number, max: number) => (
    <input
      id={`${id}-${key}`}
      className="input"
      type="number"
      min={min}
      max={max}
      value={value[key]}
      onChange={(e) => {
        const n = Number(e.target.value);
        if (Number.isFinite(n) && n >= min && n <= max) set({ [key]: n });
      }}
      data-testid={`analytics-${key}`}
    />
  );
  return (
    <div className="toolbar analytics-range" data-testid="analytics-range">
      <div className="field">
        <label className="field__label" htmlFor={`${id}-from`}>
          {t('analytics.range.from')}
        </label>
        <input
          id={`${id}-from`}
          className="input"
          type="date"
          value={value.fromDate}
          onChange={(e) => set({ fromDate: e.target.value })}
          data-testid="analytics-from"
        />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-to`}>
          {t('analytics.range.to')}
        </label>
        <input
          id={`${id}-to`}
          className="input"
          type="date"
          value={value.toDate}
          onChange={(e) => set({ toDate: e.target.value })}
          data-testid="analytics-to"
        />
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-tz`}>
          {t('analytics.range.tz')}
        </label>
        <select
          id={`${id}-tz`}
          className="select"
          value={value.tz}
          onChange={(e) => set({ tz: e.target.value })}
          data-testid="analytics-tz"
        >
          {zoneChoices(browserZone).map((zone) => (
            <option key={zone} value={zone}>
              {formatTimeZone(zone, locale)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-slTarget`}>
          {t('analytics.range.slTarget')}
        </label>
        {number('slTarget', 1, 100)}
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-slSeconds`}>
          {t('analytics.range.slSeconds')}
        </label>
        {number('slSeconds', 1, 3600)}
      </div>
      <div className="field">
        <label className="field__label" htmlFor={`${id}-shortAbandonSeconds`}>
          {t('analytics.range.shortAbandon')}
        </label>
        {number('shortAbandonSeconds', 0, 120)}
      </div>
    </div>
  );
}
