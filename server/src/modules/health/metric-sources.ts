import { type Redis } from 'ioredis';
import { type DataSource } from 'typeorm';

import { type TelephonyProvider } from '@telephony';
import { setMetricSources, telephonyReconnects, telephonyUp } from '@server/modules/health/metrics';

export interface MetricSourceDeps {
  dataSource: DataSource;
  redis?: Redis | null;
  /** Stream and consumer group of the pipeline's Redis bus. */
  stream?: string;
  group?: string;
  provider?: TelephonyProvider | null;
}

/** Points the scrape-time gauges at this node's database, Redis and provider. */
export function bindMetricSources(deps: MetricSourceDeps): void {
  const { dataSource, redis } = deps;
  setMetricSources({
    callsInFlight: async () => {
      const [row]: { n: string }[] = await dataSource.query(
        `SELECT count(*) AS n FROM calls WHERE status <> 'ended' AND started_at > now() - interval '12 hours'`,
      );
      return Number(row?.n ?? 0);
    },
    busLag: redis
      ? async () => {
          if (redis.status !== 'ready') return 0;
          const groups = (await redis.xinfo('GROUPS', deps.stream ?? 'zvonok:telephony').catch(() => [])) as unknown[];
          for (const g of groups) {
            const fields = g as unknown[];
            const info = new Map<unknown, unknown>();
            for (let i = 0; i + 1 < fields.length; i += 2) info.set(fields[i], fields[i + 1]);
            if (info.get('name') === (deps.group ?? 'pipeline')) {
              // Redis ≥ 7: `lag` = entries not yet delivered to the group; plus `pending` = delivered, not acked.
              return Number(info.get('lag') ?? 0) + Number(info.get('pending') ?? 0);
            }
          }
          return 0;
        }
      : null,
  });
  const { provider } = deps;
  if (provider) {
    let wasUp = false;
    let wentDown = false;
    provider.onEvent((event) => {
      if (event.type === 'provider.up') {
        if (wentDown && !wasUp) telephonyReconnects.inc();
        wasUp = true;
        telephonyUp.set(1);
      } else if (event.type === 'provider.down') {
        if (wasUp) wentDown = true;
        wasUp = false;
        telephonyUp.set(0);
      }
    });
  }
}
