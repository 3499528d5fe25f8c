import { type DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDatabase, type Database } from '@server/db/data-source';
import { ApiClient } from '@test/support/api-client';
import {
  createUser,
  deleteUsers,
  requireDatabaseUrl,
  startTestNode,
  suitePrefix,
  type TestApp,
  TEST_PASSWORD,
} from '@test/support/api-server';
import { inboundCallEvents, recordCallEvents } from '@test/support/call-events';
import { LiveSip, requireSipFront } from '@test/support/sip-live';

// Supervision through the SIP front (connected to the real drachtio-server): whisper and barge need a mixer, which
// rtpengine is not, so they are refused with a clear 501 NOT_SUPPORTED_ON_SIP and audited as failed.
describe('supervision on the SIP front', () => {
  let database: Database;
  let ds: DataSource;
  let sip: LiveSip;
  let node: TestApp;
  let supervisor: ApiClient;
  let supervisorId: string;
  let callId: string;

  beforeAll(async () => {
    requireSipFront();
    database = await createDatabase({ databaseUrl: requireDatabaseUrl(), dataDir: 'unused-with-database-url' });
    ds = database.dataSource;
    await ds.initialize();
    sip = await new LiveSip({ route: () => Promise.resolve(null) }).start();
    node = await startTestNode({}, { database, provider: sip.provider, name: 'sip-spy' });
    const user = await createUser(ds, `${suitePrefix('sip-spy')}-sup`, 'supervisor', '1901');
    supervisorId = user.id;
    supervisor = new ApiClient(node.baseUrl);
    await supervisor.login(user.login, TEST_PASSWORD);
    // A live call: everything up to the answer, no end.
    const events = inboundCallEvents({
      fromRaw: '+79160000017',
      fromE164: '+79160000017',
      startedAt: new Date().toISOString(),
      answeredBy: '1001',
    }).filter((e) => e.type !== 'call.ended');
    await recordCallEvents(ds, events);
    callId = events[0]!.callId;
  });

  afterAll(async () => {
    await node?.close();
    if (ds?.isInitialized) {
      await ds.query('DELETE FROM call_events WHERE call_id = $1', [callId]);
      await ds.query('DELETE FROM calls WHERE id = $1', [callId]);
      await deleteUsers(ds, [supervisorId]);
    }
    await database?.close();
  });

  it.each(['whisper', 'barge'] as const)('%s → 501 NOT_SUPPORTED_ON_SIP, audited as failed', async (mode) => {
    const res = await supervisor.post(`/api/calls/${callId}/spy`, { mode });
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({
      error: { code: 'NOT_SUPPORTED_ON_SIP', message: expect.stringMatching(/mixer/) },
    });
    const [audit] = await ds.query(
      `SELECT details FROM audit_log WHERE action = 'call.spy' AND actor_id = $1 AND details->>'mode' = $2
       ORDER BY id DESC LIMIT 1`,
      [supervisorId, mode],
    );
    expect(audit.details).toMatchObject({ mode, outcome: 'failed' });
  });
});
