import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AmiConnection } from '@telephony/ami/ami-connection';
import { type AmiEvent } from '@telephony/ami/ami-message';
import { AmiSurrogateServer } from '@telephony/ami/ami-surrogate-server';
import { DEFAULT_TRACKER_CONFIG, initialTrackerState, reduceAll } from '@telephony/ami/call-tracker';
import type { TelephonyEvent } from '@telephony/model/call-event';
import { amiEventsOf } from '@test/support/telephony/ami-test-events';

/**
 * The live path reads a TCP socket in whatever reads the kernel delivers, through AmiConnection (asterisk-manager's
 * socket, our frame parser, responses handed back to asterisk-manager); fixtures are parsed whole with parseAmiText.
 * Both must give the tracker the same input: replay every trace over a socket and compare the normalized output.
 */
const DIR = fileURLToPath(new URL('../../../test/fixtures/ami/22/', import.meta.url));
const files = (() => {
  try {
    return readdirSync(DIR).filter((f) => f.endsWith('.txt'));
  } catch {
    return [];
  }
})();

const strip = (events: TelephonyEvent[]) => events.map((e) => JSON.stringify(e));

let server: AmiSurrogateServer;
let conn: AmiConnection;
const received: AmiEvent[] = [];

beforeAll(async () => {
  server = new AmiSurrogateServer();
  await server.listen();
  conn = new AmiConnection({
    host: '127.0.0.1',
    port: server.port,
    user: 'zvonok',
    secret: 'zvonok-secret',
    pingIntervalMs: 0,
  });
  conn.on('event', (e) => received.push(e));
  await conn.start();
  // The surrogate greets each login with FullyBooted; let it pass before replaying.
  await server.waitFor(() => received.some((e) => e.event === 'FullyBooted'));
});
afterAll(async () => {
  await conn.stop();
  await server.close();
});

describe('AmiConnection over a socket vs parseAmiText of the whole trace', () => {
  it.each(files)('%s normalizes identically both ways', async (file) => {
    const text = readFileSync(`${DIR}${file}`, 'utf8').replace(/^Asterisk Call Manager\/[^\n]*\n/, '');
    const ours = amiEventsOf(text);
    received.length = 0;
    server.broadcast(text);
    await server.waitFor(() => received.length >= ours.length, 5000);
    expect(received.map((e) => e.event)).toEqual(ours.map((e) => e.event));
    const viaWrapper = reduceAll(initialTrackerState(), received, DEFAULT_TRACKER_CONFIG).events;
    const viaOurs = reduceAll(initialTrackerState(), ours, DEFAULT_TRACKER_CONFIG).events;
    expect(viaWrapper.length).toBeGreaterThan(0);
    expect(strip(viaWrapper)).toEqual(strip(viaOurs));
  });
});
