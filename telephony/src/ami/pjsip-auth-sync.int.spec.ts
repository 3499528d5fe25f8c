import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createTelephonyProvider, type TelephonyEvent } from '@telephony';
import type { AmiProvider } from '@telephony/ami/ami-provider';
import { AmiSurrogateServer } from '@telephony/ami/ami-surrogate-server';
import { writeFileIfChanged } from '@telephony/ami/pjsip-auth-file';

// Files on disk (a temporary directory) and the AMI surrogate server: the provider's side of per-user SIP secrets.
// The same against the real Asterisk: test/security/sip-secrets.int.spec.ts.
let server: AmiSurrogateServer;
let provider: AmiProvider | undefined;
let events: TelephonyEvent[];
let dir: string;

beforeEach(async () => {
  server = new AmiSurrogateServer();
  await server.listen();
  events = [];
  dir = mkdtempSync(join(tmpdir(), 'zv-ami-auth-'));
});
afterEach(async () => {
  await provider?.stop();
  provider = undefined;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startProvider(extra: Record<string, unknown> = {}) {
  const p = createTelephonyProvider({
    kind: 'ami',
    host: '127.0.0.1',
    port: server.port,
    user: 'zvonok',
    secret: 'zvonok-secret',
    pingIntervalMs: 0,
    backoff: { initialMs: 20, maxMs: 100 },
    ...extra,
  });
  provider = p as AmiProvider;
  provider.onEvent((e) => events.push(e));
  await provider.start();
  await server.waitFor(() => provider!.isUp());
  return provider;
}

describe('writeFileIfChanged', () => {
  it('writes a new file with mode 0640, reports an unchanged one, replaces a changed one, leaves no temporary', async () => {
    const file = join(dir, 'pjsip_zvonok_auth.conf');
    expect(await writeFileIfChanged(file, 'one\n')).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(await writeFileIfChanged(file, 'one\n')).toBe(false);
    expect(await writeFileIfChanged(file, 'two\n')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('two\n');
    expect(readdirSync(dir)).toEqual(['pjsip_zvonok_auth.conf']);
  });

  it('fails with ACTION_FAILED when the directory is missing', async () => {
    const missing = join(dir, 'nope', 'pjsip_zvonok_auth.conf');
    await expect(writeFileIfChanged(missing, 'x')).rejects.toMatchObject({ code: 'ACTION_FAILED' });
  });
});

describe('AmiProvider SIP secrets (pjsip auth include + Reload)', () => {
  const reloads = () =>
    server.actions.filter((a) => a.fields.action === 'Reload').map((a) => a.fields.module ?? '(none)');

  it('writes the secrets and reloads res_pjsip before provider.up, then again only when they change', async () => {
    const file = join(dir, 'pjsip_zvonok_auth.conf');
    let secret = 'first-secret-abcdef';
    const upAtReload: boolean[] = [];
    server.onAction = (action) => {
      if (action.fields.action === 'Reload') upAtReload.push(events.some((e) => e.type === 'provider.up'));
      return undefined;
    };
    await startProvider({
      pjsipAuth: { file, credentials: async () => [{ username: '1001-web', password: secret }] },
    });
    expect(readFileSync(file, 'utf8')).toContain('password = first-secret-abcdef');
    expect(reloads()).toEqual(['res_pjsip.so']);
    expect(upAtReload).toEqual([false]);

    await provider!.syncCredentials();
    expect(reloads()).toHaveLength(1);

    secret = 'second-secret-abcdef';
    await provider!.syncCredentials();
    expect(readFileSync(file, 'utf8')).toContain('password = second-secret-abcdef');
    expect(readFileSync(file, 'utf8')).not.toContain('first-secret');
    expect(reloads()).toEqual(['res_pjsip.so', 'res_pjsip.so']);
  });

  it('reloads again after a reconnect, since Asterisk may have lost what it was told', async () => {
    const file = join(dir, 'pjsip_zvonok_auth.conf');
    await startProvider({
      pjsipAuth: { file, credentials: async () => [{ username: '1001', password: 'same-secret-abcdef' }] },
    });
    server.dropAll();
    await server.waitFor(() => reloads().length === 2);
  });

  it('without a pjsip auth file, a sync is refused with a clear reason', async () => {
    const p = await startProvider();
    await expect(p.syncCredentials()).rejects.toMatchObject({
      code: 'ACTION_FAILED',
      message: expect.stringContaining('PJSIP_AUTH_FILE'),
    });
  });
});
