import { useCallback, useEffect, useState } from 'react';

import { type SlaAlertDto, type SlaThresholdDto, type SlaThresholdRequest } from '@contracts/dto/sla-alerts';
import { http } from '@client/api/http';
import { useRealtime, useSocketEvent } from '@client/realtime/realtimeContext';

/** The open SLA alerts: GET for the first picture (and after a reconnect), then `sla:alert` / `sla:cleared`. */
export function useOpenSlaAlerts(): SlaAlertDto[] {
  const { resyncVersion } = useRealtime();
  const [alerts, setAlerts] = useState<SlaAlertDto[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    http
      .get<SlaAlertDto[]>('/api/analytics/sla-alerts', { query: { open: 'true' }, signal: controller.signal })
      .then(setAlerts)
      .catch(() => undefined); // the banner is an extra; the board itself reports errors
    return () => controller.abort();
  }, [resyncVersion]);
  useSocketEvent(
    'sla:alert',
    useCallback((a: SlaAlertDto) => setAlerts((xs) => [...xs.filter((x) => x.id !== a.id), a]), []),
  );
  useSocketEvent(
    'sla:cleared',
    useCallback((a: SlaAlertDto) => setAlerts((xs) => xs.filter((x) => x.id !== a.id)), []),
  );
  return alerts;
}

export const slaApi = {
  thresholds: (signal: AbortSignal) => http.get<SlaThresholdDto[]>('/api/analytics/sla-thresholds', { signal }),
  set: (queue: string, body: Partial<SlaThresholdRequest>) =>
    http.put<SlaThresholdDto>(`/api/analytics/sla-thresholds/${encodeURIComponent(queue)}`, body),
  remove: (queue: string) => http.delete<void>(`/api/analytics/sla-thresholds/${encodeURIComponent(queue)}`),
};
