import { randomUUID } from 'node:crypto';

import { type CallCreated } from '@telephony';
import { createDatabase } from '@server/db/data-source';
import { type Figure } from '@test/bench/figure';
import { startBarePipeline } from '@test/support/pipeline';

/**
 * Auto-lead under contention: 200 simultaneous inbound calls from 50 new numbers, spread over 4 "web nodes"
 * (each its own connection pool and real call pipeline, as 4 partition owners would be). Every call's
 * call.created is decided at once: the caller is linked, the number's one lead created. Leads created must equal 50.
 * Baseline, same run: 200 calls from 200 new numbers (no two calls compete for a number).
 * The socket side is a no-op stand-in: this measures the database path only.
 */
const CALLS = 200;
const NUMBERS = 50;
const NODES = 4;

function created(callId: string, e164: string): CallCreated {
  const party = { raw: e164, e164, extension: null, name: null, anonymous: false };
  return {
    type: 'call.created',
    callId,
    legId: callId,
    externalIds: { linkedid: callId },
    seq: 1,
    occurredAt: new Date().toISOString(),
    direction: 'inbound',
    from: party,
    to: { raw: '7000', e164: null, extension: '7000', name: null, anonymous: false },
    queue: 'support',
    source: 'ami',
  };
}

export async function runAutoLeadBench(databaseUrl: string): Promise<Figure[]> {
  let decided = 0;
  const nodes = await Promise.all(
    Array.from({ length: NODES }, async () => {
      const database = await createDatabase({ databaseUrl, dataDir: 'unused-with-database-url' });
      await database.dataSource.initialize();
      const pipeline = await startBarePipeline(database.dataSource, [async () => void decided++]);
      return { database, pipeline };
    }),
  );
  const db = nodes[0]!.database.dataSource;
  // A run-unique prefix keeps repeated runs on one database from finding the previous run's leads.
  const prefix = `+7999${String(Date.now()).slice(-4)}`;

  const burst = async (numbers: number) => {
    const phones = Array.from({ length: numbers }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
    const calls = Array.from({ length: CALLS }, (_, i) => created(randomUUID(), phones[i % numbers]!));
    decided = 0;
    const started = performance.now();
    await Promise.all(calls.map((event, i) => nodes[i % NODES]!.pipeline.publish(event)));
    while (decided < CALLS) await new Promise((resolve) => setTimeout(resolve, 1));
    const ms = performance.now() - started;
    const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM leads WHERE phone_e164 = ANY($1)', [phones])) as [
      { n: number },
    ];
    await db.query('DELETE FROM calls WHERE id = ANY($1)', [calls.map((c) => c.callId)]);
    await db.query('DELETE FROM call_events WHERE call_id = ANY($1)', [calls.map((c) => c.callId)]);
    await db.query('DELETE FROM leads WHERE phone_e164 = ANY($1)', [phones]);
    return { ms, leads: n };
  };

  try {
    const baseline = await burst(CALLS);
    const contended = await burst(NUMBERS);
    if (baseline.leads !== CALLS) throw new Error(`baseline made ${baseline.leads} leads for ${CALLS} numbers`);
    if (contended.leads !== NUMBERS) throw new Error(`auto-lead made ${contended.leads} leads for ${NUMBERS} numbers`);
    return [
      {
        figure: `auto-lead: ${CALLS} simultaneous calls from ${NUMBERS} new numbers, ${NODES} nodes (baseline: ${CALLS} numbers)`,
        value: contended.ms,
        baseline: baseline.ms,
        unit: 'ms',
        ratio: contended.ms / baseline.ms,
        details: { leadsCreated: contended.leads, expected: NUMBERS, baselineLeads: baseline.leads },
      },
    ];
  } finally {
    for (const n of nodes) await n.pipeline.stop();
    await Promise.all(nodes.map((n) => n.database.close()));
  }
}
