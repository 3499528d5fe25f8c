import { type DataSource } from 'typeorm';

import { type TelephonyProvider } from '@telephony';
import { setMetricSources, telephonyReconnects, telephonyUp } from '@server/modules/health/metrics';

export interface MetricSourceDeps {
  dataSource: DataSource;
  /** This node's consumer lag (unacked call events of its partitions). */
  lag: () => Promise<number>;
  callsOwned: () => number;
  provider?: TelephonyProvider | null;
}

/** Points the scrape-time gauges at this node's database, bus, pipeline and provider. */
export function bindMetricSources(deps: MetricSourceDeps): void {
  const { dataSource } = deps;
  setMetricSources({
    callsInFlight: async () => {
      const [row]: { n: string }[] = await dataSource.query(
        `SELECT count(*) AS n FROM calls WHERE status <> 'ended' AND started_at > now() - interval '12 hours'`,
      );
      return Number(row?.n ?? 0);
    },
    busLag: deps.lag,
    callsOwned: async () => deps.callsOwned(),
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
