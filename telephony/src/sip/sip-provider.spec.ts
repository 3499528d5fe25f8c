import { EventEmitter } from 'node:events';

import { describe, expect, it } from 'vitest';

import type { DrachtioSrf } from '@telephony/sip/drachtio';
import { adoptsDialogs, appTag, SipProvider, type SipProviderConfig } from '@telephony/sip/sip-provider';

/** A stand-in for drachtio-srf that only connects (no real peer is needed to count connections). */
function fakeSrf(): DrachtioSrf {
  const srf = new EventEmitter() as EventEmitter & Record<string, unknown>;
  srf.invite = () => undefined;
  srf.register = () => undefined;
  srf.bye = () => undefined;
  srf.connect = () => setImmediate(() => srf.emit('connect', null, 'fake'));
  srf.disconnect = () => undefined;
  return srf as unknown as DrachtioSrf;
}

/** A provider on the fake drachtio-srf (no route: it is never asked). */
function fakeProvider(overrides: Partial<SipProviderConfig>): SipProvider {
  return new SipProvider({
    kind: 'sip',
    host: '127.0.0.1',
    port: 9022,
    secret: 's',
    route: () => Promise.resolve(null),
    ...overrides,
  });
}

describe('SipProvider.start (fake drachtio-srf: counts connections only)', () => {
  it('a second start while running opens no second drachtio connection; after stop it connects again', async () => {
    let connections = 0;
    const provider = fakeProvider({
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

describe("adopting a predecessor's dialogs: which drachtio-server can, and the app name a node connects with", () => {
  it('only a server built with the failover patch says it hands dialogs over', () => {
    expect(adoptsDialogs('v0.9.4+app-failover')).toBe(true);
    expect(adoptsDialogs('v0.9.4')).toBe(false);
    expect(adoptsDialogs(undefined)).toBe(false);
  });

  it('a node with a dialog store connects tagged with its app name: the same per node name, valid for drachtio', async () => {
    const seen: string[][] = [];
    const provider = fakeProvider({
      dialogs: {
        node: 'сервер node-1 / with spaces',
        store: { save: async () => {}, remove: async () => {}, list: async () => [] },
      },
      createSrf: (tags) => {
        seen.push(tags);
        return fakeSrf();
      },
    });
    await provider.start();
    await provider.stop();
    const tag = appTag('сервер node-1 / with spaces');
    expect(seen).toEqual([[tag]]);
    // drachtio-srf's own rule for tags (it asserts it in the constructor).
    expect(tag).toMatch(/^[a-zA-Z0-9-_+@:]{1,32}$/);
    expect(tag.startsWith('app:')).toBe(true);
    expect(appTag('node-2')).not.toBe(tag);
  });
});
