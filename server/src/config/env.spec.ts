import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '@server/config/env';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives quick-start defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.telephony.provider).toBe('none');
    expect(c.defaultCountry).toBe('RU');
    // Demo accounts only when asked for: `npm start` (test/bin/start.sh) exports SEED_DEMO=true itself.
    expect(c.seedDemo).toBe(false);
    expect(c.trustedOrigins).toEqual([]);
    expect(c.publicUrl).toBeUndefined();
    expect(c.trustProxy).toBe(false);
    expect(c.metricsToken).toBeUndefined();
    expect(c.metricsListen).toBeUndefined();
    expect(c.recordingsDir.endsWith('data/recordings')).toBe(true);
  });

  it('parses explicit values', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/z',
      REDIS_URL: 'redis://r:6379',
      SEED_DEMO: 'false',
      TRUSTED_ORIGINS: 'http://localhost:5173, https://crm.example.com',
      TELEPHONY_PROVIDER: 'ami',
      AMI_USER: 'zvonok',
      AMI_SECRET: 's',
      SESSION_TTL_HOURS: '2',
    });
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBe('postgres://u:p@db:5432/z');
    expect(c.seedDemo).toBe(false);
    expect(c.trustedOrigins).toEqual(['http://localhost:5173', 'https://crm.example.com']);
    expect(c.telephony.ami.user).toBe('zvonok');
    expect(c.sessionTtlHours).toBe(2);
  });

  it('SIP secrets: a key as hex or base64, else the key file; the shared softphone password is refused', () => {
    expect(loadConfig({}).sipSecrets).toEqual({ pjsipAuthFile: undefined, key: undefined });
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ SIP_SECRETS_KEY: hex }).sipSecrets.key).toEqual(Buffer.from(hex, 'hex'));
    const b64 = Buffer.alloc(32, 9).toString('base64');
    expect(loadConfig({ SIP_SECRETS_KEY: b64 }).sipSecrets.key).toEqual(Buffer.alloc(32, 9));
    expect(errorOf({ SIP_SECRETS_KEY: 'c2hvcnQ=' }).message).toMatch(/SIP_SECRETS_KEY must be 32 bytes/);
    expect(errorOf({ SOFTPHONE_SIP_PASSWORD: 'zvonok' }).message).toMatch(
      /SOFTPHONE_SIP_PASSWORD was removed: SIP secrets are per user/,
    );
    expect(loadConfig({ PJSIP_AUTH_FILE: '/etc/asterisk/pjsip_zvonok_auth.conf' }).sipSecrets.pjsipAuthFile).toBe(
      '/etc/asterisk/pjsip_zvonok_auth.conf',
    );
  });

  it('sockets: a session re-check every 60 s and 10 sockets per session unless configured', () => {
    expect(loadConfig({}).sockets).toEqual({ sessionRecheckMs: 60_000, perSession: 10 });
    expect(loadConfig({ SOCKET_SESSION_RECHECK_SECONDS: '5', SOCKETS_PER_SESSION: '3' }).sockets).toEqual({
      sessionRecheckMs: 5_000,
      perSession: 3,
    });
    expect(errorOf({ SOCKETS_PER_SESSION: '0' }).message).toMatch(/SOCKETS_PER_SESSION/);
  });

  it('treats an empty DATABASE_URL as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['TELEPHONY_PROVIDER', 'skype'],
    ['DEFAULT_COUNTRY', 'russia'],
    ['SEED_DEMO', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['SESSION_TTL_HOURS', '-1'],
    ['TRUSTED_ORIGINS', 'not a url'],
    ['PUBLIC_URL', 'crm.example.ru'],
    ['TRUST_PROXY', 'true'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', 'proxy.example'],
    ['METRICS_PORT', '0'],
    ['METRICS_TOKEN', 'short'],
  ])('names %s when it is %j', (variable, value) => {
    const err = errorOf({ [variable]: value });
    expect(err.issues.map((i) => i.variable)).toEqual([variable]);
    expect(err.message).toContain(variable);
  });

  it('requires AMI credentials for the ami provider', () => {
    expect(errorOf({ TELEPHONY_PROVIDER: 'ami' }).message).toContain('AMI_USER');
  });

  it('requires the drachtio secret for the sip provider and defaults its address', () => {
    expect(errorOf({ TELEPHONY_PROVIDER: 'sip' }).message).toContain('DRACHTIO_SECRET');
    const c = loadConfig({ TELEPHONY_PROVIDER: 'sip', DRACHTIO_SECRET: 'cymru' });
    expect(c.telephony.drachtio).toEqual({ host: '127.0.0.1', port: 9022, secret: 'cymru' });
  });

  it("the SIP front's media: rtpengine only when RTPENGINE_HOST is set, recording only with its spool dir", () => {
    const base = { TELEPHONY_PROVIDER: 'sip', DRACHTIO_SECRET: 'cymru' };
    expect(loadConfig(base).telephony.rtpengine).toBeUndefined();
    expect(loadConfig({ ...base, RTPENGINE_HOST: '127.0.0.1' }).telephony.rtpengine).toEqual({
      host: '127.0.0.1',
      port: 22222,
    });
    const recorded = loadConfig({
      ...base,
      RTPENGINE_HOST: '10.0.0.5',
      RTPENGINE_PORT: '2223',
      RTPENGINE_RECORDING_DIR: '/var/spool/rtpengine',
      RECORDINGS_DIR: '/srv/recordings',
    });
    expect(recorded.telephony.rtpengine).toEqual({
      host: '10.0.0.5',
      port: 2223,
      recording: { spoolDir: '/var/spool/rtpengine', outputDir: '/srv/recordings' },
    });
    expect(errorOf({ ...base, RTPENGINE_PORT: '70000' }).issues[0]?.variable).toBe('RTPENGINE_PORT');
    expect(loadConfig({ ...base, SIP_TRUNK_URI: 'sip:{number}@10.0.0.9:5060' }).telephony.drachtio.trunkUri).toBe(
      'sip:{number}@10.0.0.9:5060',
    );
    expect(errorOf({ ...base, SIP_TRUNK_URI: 'http://x/{number}' }).issues[0]?.variable).toBe('SIP_TRUNK_URI');
  });

  it('requires Redis for a node that relays telephony commands to the adapter node', () => {
    expect(errorOf({ TELEPHONY_PROVIDER: 'remote' }).message).toContain('REDIS_URL');
    expect(loadConfig({ TELEPHONY_PROVIDER: 'remote', REDIS_URL: 'redis://127.0.0.1:6379' }).telephony.provider).toBe(
      'remote',
    );
  });

  it('production: needs PUBLIC_URL and refuses demo data', () => {
    expect(errorOf({ NODE_ENV: 'production' }).message).toContain('PUBLIC_URL');
    const demo = errorOf({ NODE_ENV: 'production', PUBLIC_URL: 'https://crm.example.ru', SEED_DEMO: 'true' });
    expect(demo.issues.map((i) => i.variable)).toEqual(['SEED_DEMO']);
    expect(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://crm.example.ru' }).seedDemo).toBe(false);
    const calls = errorOf({ NODE_ENV: 'production', PUBLIC_URL: 'https://crm.example.ru', TELEPHONY_PROVIDER: 'demo' });
    expect(calls.issues.map((i) => i.variable)).toEqual(['TELEPHONY_PROVIDER']);
    expect(loadConfig({ TELEPHONY_PROVIDER: 'demo' }).telephony.provider).toBe('demo');
  });

  it('TRUST_PROXY: a hop count, or the proxies by address, subnet or express name', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, fd00::/8 ,loopback,192.0.2.7' }).trustProxy).toEqual([
      '10.0.0.0/8',
      'fd00::/8',
      'loopback',
      '192.0.2.7',
    ]);
  });

  it('metrics: a loopback listener with METRICS_PORT, a token for the app port with METRICS_TOKEN', () => {
    const c = loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: 'a-token-of-16-chars' });
    expect(c.metricsListen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(c.metricsToken).toBe('a-token-of-16-chars');
  });

  it('reports every bad variable at once', () => {
    const err = errorOf({ PORT: 'x', LOG_LEVEL: 'y' });
    expect(err.issues.map((i) => i.variable).sort()).toEqual(['LOG_LEVEL', 'PORT']);
  });
});
