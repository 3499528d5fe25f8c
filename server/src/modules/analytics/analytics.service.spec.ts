import { type DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';

import { analyticsQuerySchema } from '@contracts/dto/analytics';
import { AnalyticsService } from '@server/modules/analytics/analytics.service';

// No I/O: a DataSource stand-in whose driver refuses the zone, as Postgres does for a name its tzdata lacks.
const refusing = (code: string) =>
  ({
    query: () => Promise.reject(Object.assign(new Error('time zone "X" not recognized'), { code })),
  }) as unknown as DataSource;

describe('AnalyticsService', () => {
  const q = analyticsQuerySchema.parse({ from: '2026-01-01', to: '2026-01-02', tz: 'Europe/Moscow' });

  it('a zone the database does not know is a 400 on `tz`, not a 500', async () => {
    await expect(new AnalyticsService(refusing('22023')).summary(q)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      httpStatus: 400,
      details: [{ field: 'tz', message: 'not a time zone this server knows' }],
    });
  });

  it('other database failures pass through unchanged', async () => {
    await expect(new AnalyticsService(refusing('57P01')).heatmap(q)).rejects.toMatchObject({ code: '57P01' });
  });
});
