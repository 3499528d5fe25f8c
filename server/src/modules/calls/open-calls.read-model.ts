import { type DataSource } from 'typeorm';

import { type OpenCall, type Party, type ProviderSource } from '@telephony';

import { type CallPartiesRow } from './calls.repository';

type OpenCallRow = CallPartiesRow & { linkedid: string | null; sip_call_id: string | null };

const EXTENSION = /^\d{2,6}$/;

const party = (raw: string, e164: string | null, anonymous = false): Party => ({
  raw,
  e164,
  extension: e164 === null && !anonymous && EXTENSION.test(raw) ? raw : null,
  name: null,
  anonymous,
});

/**
 * The calls of one provider the records still show open: what a restarted adapter takes over on its first
 * resync, so a call that ended while no adapter was listening is closed and one still going carries on.
 */
export async function openCallsOf(dataSource: DataSource, source: ProviderSource): Promise<OpenCall[]> {
  const rows = (await dataSource.query(
    `SELECT id, linkedid, sip_call_id, direction, from_raw, from_e164, anonymous, to_raw, to_e164, queue,
       agent_extension, started_at, answered_at
     FROM calls WHERE source = $1 AND status <> 'ended'`,
    [source],
  )) as OpenCallRow[];
  return rows.map((r) => ({
    callId: r.id,
    externalIds: {
      ...(r.linkedid ? { linkedid: r.linkedid } : {}),
      ...(r.sip_call_id ? { sipCallId: r.sip_call_id } : {}),
    },
    direction: r.direction,
    from: party(r.from_raw, r.from_e164, r.anonymous),
    to: party(r.to_raw, r.to_e164),
    ...(r.queue ? { queue: r.queue } : {}),
    startedAt: r.started_at.toISOString(),
    ...(r.answered_at ? { answeredAt: r.answered_at.toISOString() } : {}),
    ...(r.answered_at && r.agent_extension ? { agentId: r.agent_extension } : {}),
  }));
}

/** Which of these calls the records show ended (a restarted adapter must not close them a second time). */
export async function closedCallsAmong(dataSource: DataSource, callIds: readonly string[]): Promise<string[]> {
  if (callIds.length === 0) return [];
  const rows = (await dataSource.query(`SELECT id FROM calls WHERE id = ANY($1::uuid[]) AND status = 'ended'`, [
    callIds,
  ])) as { id: string }[];
  return rows.map((r) => r.id);
}
