import { type Response } from 'express';

import { type AnalyticsQuery } from '@contracts/dto/analytics';
import { currentUser } from '@server/common/auth/auth-guards';
import { type ExportTable, toCsv, toXlsx } from '@server/common/export/table-export';
import { ANALYTICS_EXPORT_TEXTS, type AnalyticsExportTexts } from '@server/modules/analytics/analytics.export-texts';

/** JSON, or with `format=csv|xlsx` the same report as a table file in the asked language. */
export async function respond<Row>(
  res: Response,
  q: AnalyticsQuery,
  data: unknown,
  table: (texts: AnalyticsExportTexts) => ExportTable<Row>,
): Promise<void> {
  if (q.format === 'json') {
    res.json(data);
    return;
  }
  // A file is read by a person: in the language the UI asked for, else the one in the user's profile.
  const t = table(ANALYTICS_EXPORT_TEXTS[q.lang ?? currentUser(res).locale]);
  const stem = `zvonok-${t.name}-${q.from.slice(0, 10)}_${q.to.slice(0, 10)}`;
  if (q.format === 'csv') {
    res.set('Content-Disposition', `attachment; filename="${stem}.csv"`);
    res.type('text/csv; charset=utf-8').send(toCsv(t));
    return;
  }
  res.set('Content-Disposition', `attachment; filename="${stem}.xlsx"`);
  res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx(t));
}
