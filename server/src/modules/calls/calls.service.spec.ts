import { type DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';

import { TelephonyError, type OriginateRequest, type TelephonyProvider } from '@telephony';
import { type UserDto } from '@contracts/dto/user';
import { type AppError } from '@server/common/errors/app-error';
import { createLogger } from '@server/common/logger/logger';
import { type AuditEntry, type AuditService } from '@server/modules/audit/audit.service';
import { type DialPolicyDeps, DialPolicyService } from '@server/modules/dial-policy/dial-policy.service';

import { CallsService } from './calls.service';

// Error mapping of click-to-call without a PBX. The provider here is a stand-in on purpose: "up but the action
// fails" and "the connection dropped between isUp and the action" cannot be produced on demand with the real
// Asterisk; the real originate is covered by test/integration/recordings-live.int.spec.ts.
function setup(provider: Partial<TelephonyProvider> | null, doNotCall: string[] = []) {
  const audits: AuditEntry[] = [];
  const audit = { record: async (e: AuditEntry) => void audits.push(e) } as unknown as AuditService;
  // The real dial policy over an empty blocked list; contacts marked do-not-call are the given numbers.
  const policy = new DialPolicyService({
    dataSource: { query: async () => [] } as unknown as DataSource,
    defaultCountry: () => 'RU',
    audit,
    contacts: { findByPhone: async (e164: string) => (doNotCall.includes(e164) ? [{ doNotCall: true }] : []) },
    logger: testLogger('dial-policy'),
  } as unknown as DialPolicyDeps);
  const service = new CallsService({} as DataSource, () => 'RU', audit, provider as TelephonyProvider | null, policy);
  return { service, audits };
}
const testLogger = (module: string) => createLogger({ logLevel: 'silent' }).child({ module });
const operator: UserDto = {
  id: 'u1',
  login: 'op',
  name: 'Op',
  role: 'operator',
  extension: '1001',
  locale: 'ru',
  teamId: null,
};
const code = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (err: AppError) => `${err.httpStatus} ${err.code}`,
  );

describe('CallsService.originate', () => {
  it('passes the operator extension and the destination in E.164 (or an extension as is) to the provider', async () => {
    const calls: OriginateRequest[] = [];
    const { service, audits } = setup({ isUp: (): boolean => true, originate: async (r) => void calls.push(r) });
    const res = await service.originate(operator, { destination: '8 (916) 123-45-67' });
    await service.originate(operator, { destination: '1002' });
    expect(calls.map((c) => [c.agentExtension, c.destination])).toEqual([
      ['1001', '+79161234567'],
      ['1001', '1002'],
    ]);
    expect(calls[0]!.requestId).toBe(res.requestId);
    expect(audits[0]).toMatchObject({ actorId: 'u1', action: 'call.originate', details: { requestId: res.requestId } });
  });

  it.each([
    ['no PBX configured', null, operator, '503 TELEPHONY_DISABLED'],
    ['no extension', { isUp: (): boolean => true }, { ...operator, extension: null }, '409 NO_EXTENSION'],
    ['PBX down', { isUp: (): boolean => false }, operator, '503 TELEPHONY_UNAVAILABLE'],
    [
      'connection lost during the action',
      { isUp: (): boolean => true, originate: () => Promise.reject(new TelephonyError('PBX_UNREACHABLE', 'gone')) },
      operator,
      '503 TELEPHONY_UNAVAILABLE',
    ],
    [
      'phone not answered',
      {
        isUp: (): boolean => true,
        originate: () => Promise.reject(new TelephonyError('ACTION_FAILED', 'Originate failed')),
      },
      operator,
      '502 ORIGINATE_FAILED',
    ],
  ] as const)('%s → %s', async (_what, provider, user, expected) => {
    const { service } = setup(provider as Partial<TelephonyProvider> | null);
    expect(await code(service.originate(user, { destination: '+79161234567' }))).toBe(expected);
  });

  it('refuses a destination that is neither a number nor an extension before touching the PBX', async () => {
    const { service } = setup({
      isUp: (): boolean => true,
      originate: () => Promise.reject(new Error('must not be called')),
    });
    expect(await code(service.originate(operator, { destination: 'hello' }))).toBe('400 VALIDATION_FAILED');
  });

  it('refuses a do-not-call number with 409 before touching the PBX; a supervisor overrides it with a reason', async () => {
    const calls: OriginateRequest[] = [];
    const provider = { isUp: (): boolean => true, originate: async (r: OriginateRequest) => void calls.push(r) };
    const { service, audits } = setup(provider, ['+79161234567']);
    const refused = await service.originate(operator, { destination: '8 916 123-45-67' }).catch((e: AppError) => e);
    expect(refused).toMatchObject({
      httpStatus: 409,
      code: 'DO_NOT_CALL',
      details: { reason: 'do-not-call', overridable: false },
    });
    expect(
      await code(service.originate(operator, { destination: '+79161234567', override: { reason: 'asked' } })),
    ).toBe('403 DO_NOT_CALL_OVERRIDE_FORBIDDEN');
    expect(calls).toEqual([]);

    const supervisor: UserDto = { ...operator, id: 'u2', role: 'supervisor', extension: null };
    const supervisorPhone = { ...supervisor, extension: '1901' };
    expect(await code(service.originate(supervisor, { destination: '+79161234567' }))).toBe('409 DO_NOT_CALL');
    const res = await service.originate(supervisorPhone, {
      destination: '+79161234567',
      override: { reason: 'клиент сам попросил перезвонить' },
    });
    expect(calls.map((c) => [c.agentExtension, c.destination])).toEqual([['1901', '+79161234567']]);
    expect(audits.map((a) => a.action)).toEqual(['call.do-not-call.override', 'call.originate']);
    expect(audits[0]).toMatchObject({
      actorId: 'u2',
      details: { destination: '+79161234567', refusal: 'do-not-call', reason: 'клиент сам попросил перезвонить' },
    });
    expect(audits[1]).toMatchObject({ details: { requestId: res.requestId, overridden: true } });
  });
});
