import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { DEFAULT_ANALYTICS_TZ } from '@contracts/dto/analytics';
import { settingsApi } from '@client/api/crmApi';
import { useQuery } from '@client/app/useQuery';
import { FiguresTable, TargetBars } from '@client/modules/analytics/components/PersonalFigures';
import { RangePicker } from '@client/modules/analytics/components/RangePicker';
import { useMyFigures } from '@client/modules/analytics/hooks/useRoleAnalytics';
import { defaultRange, type RangeInput } from '@client/modules/analytics/utils/analyticsRange';
import { QueryView } from '@client/ui/QueryView';
import '@client/modules/analytics/analytics.css';

/** `#/my-stats`: every user's own figures and targets, in the company's time zone. */
export function MyStatsPage() {
  const settings = useQuery('settings', (signal) => settingsApi.get(signal));
  if (!settings.data && !settings.error) return null;
  return <MyStats timeZone={settings.data?.timeZone ?? DEFAULT_ANALYTICS_TZ} />;
}

function MyStats({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  const [range, setRange] = useState<RangeInput>(() => defaultRange(timeZone));
  const data = useMyFigures(range);
  return (
    <div className="analytics" data-testid="my-stats-page">
      <div className="page-header">
        <h1>{t('analyticsRoles.myTitle')}</h1>
      </div>
      <RangePicker value={range} onChange={setRange} />
      <p className="muted analytics-note">{t('analyticsRoles.myNote')}</p>
      <QueryView {...data} isEmpty={() => false}>
        {(d) => (
          <>
            <section className="card analytics-section">
              <h2>{t('analyticsRoles.targets')}</h2>
              <TargetBars targets={d.dashboard.targets} />
            </section>
            <section className="card analytics-section">
              <FiguresTable today={d.dashboard.today} period={d.dashboard.period} />
            </section>
          </>
        )}
      </QueryView>
    </div>
  );
}
