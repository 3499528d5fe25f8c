import { EventEmitter } from 'node:events';

import { describe, expect, it } from 'vitest';

import type { DrachtioSrf } from '@telephony/sip/drachtio';
import { SipProvider } from '@telephony/sip/sip-provider';

/** A stand-in for drachtio-srf that only connects (no real peer is needed to count connections). */
function fakeSrf(): DrachtioSrf {
  const srf = new EventEmitter() as EventEmitter & Record<string, unknown>;
  srf.invite = () => undefined;
  srf.register = () => undefined;
  srf.connect = () => setImmediate(() => srf.emit('connect', null, 'fake'));
  srf.disconnect = () => undefined;
  return srf as unknown as DrachtioSrf;
}

describe('SipProvider.start (fake drachtio-srf: counts connections only)', () => {
  it('a second start while running opens no second drachtio connection; after stop it connects again', async () => {
    let connections = 0;
    const provider = new SipProvider({
      kind: 'sip',
      host: '127.0.0.1',
      port: 9022,
      secret: 's',
      route: () => Promise.resolve(null),
      createSrf: () => {
        connections += 1;
        return fakeSrf();
      },
    });
    await provider.start();
    await provider.start();
    expect(connections).toBe(1);
    expect(provider.isUp()).toBe(true);
    await provider.stop();
    await provider.start();
    expect(connections).toBe(2);
    await provider.stop();
  });
});
