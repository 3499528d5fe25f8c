import { useTranslation } from 'react-i18next';

import { type CampaignResultRowDto } from '@contracts/dto/analytics';
import { useLocale } from '@client/app/useLocale';
import { formatCount, formatShare } from '@client/modules/analytics/utils/formatKpi';
import { DataTable } from '@client/ui/DataTable';

/** Outbound campaigns over the range: attempts, contacts and conversions to deals (formulas in the section's note). */
export function CampaignResultsTable({ rows }: { rows: CampaignResultRowDto[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <DataTable
      testId="analytics-campaigns"
      columns={[
        { label: t('analytics.campaigns.campaign') },
        ...(['attempts', 'contacts', 'contactRate', 'contactedRecords', 'conversions', 'conversionRate'] as const).map(
          (k) => ({ label: t(`analytics.campaigns.${k}`), numeric: true }),
        ),
      ]}
    >
      {rows.map((r) => (
        <tr key={r.campaignId} data-testid="analytics-campaign-row">
          <td>{r.name}</td>
          <td className="num">{formatCount(r.attempts, locale)}</td>
          <td className="num">{formatCount(r.contacts, locale)}</td>
          <td className="num">{formatShare(r.contactRate, locale)}</td>
          <td className="num">{formatCount(r.contactedRecords, locale)}</td>
          <td className="num">{formatCount(r.conversions, locale)}</td>
          <td className="num">{formatShare(r.conversionRate, locale)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
