import { describe, expect, it } from 'vitest';

import { softphoneConfigSchema } from '@contracts/dto/softphone';
import { type UserDto } from '@contracts/dto/user';
import { AppError } from '@server/common/errors/app-error';
import {
  DEFAULT_SOFTPHONE_SETTINGS,
  SoftphoneService,
  softphoneConfigFor,
} from '@server/modules/softphone/softphone.service';

const user = (extension: string | null, id = 'u1'): UserDto => ({
  id,
  login: 'operator1',
  name: 'Оператор Один',
  role: 'operator',
  extension,
  locale: 'ru',
  teamId: null,
});

describe('softphoneConfigFor', () => {
  it("registers the user's WebRTC twin <ext>-web on the configured PBX with the user's own secret", () => {
    const config = softphoneConfigFor(
      user('1001'),
      { wsUrl: 'wss://pbx.example.com:8089/ws', sipDomain: 'pbx.example.com' },
      's3cret',
    );
    expect(softphoneConfigSchema.parse(config)).toEqual({
      wsUrl: 'wss://pbx.example.com:8089/ws',
      sipUri: 'sip:1001-web@pbx.example.com',
      authUser: '1001-web',
      password: 's3cret',
      displayName: 'Оператор Один',
      extension: '1001',
    });
  });

  it('defaults to the reference Asterisk profile', () => {
    const config = softphoneConfigFor(user('1004'), DEFAULT_SOFTPHONE_SETTINGS, 'x');
    expect(config.wsUrl).toBe('ws://127.0.0.1:8088/ws');
    expect(config.sipUri).toBe('sip:1004-web@127.0.0.1');
  });
});

describe('SoftphoneService', () => {
  const secrets = { secretOf: (userId: string) => Promise.resolve(`secret-of-${userId}`) };

  it("hands each user their own secret, looked up by the user's id", async () => {
    const service = new SoftphoneService(DEFAULT_SOFTPHONE_SETTINGS, secrets);
    expect((await service.configFor(user('1001', 'a'))).password).toBe('secret-of-a');
    expect((await service.configFor(user('1002', 'b'))).password).toBe('secret-of-b');
  });

  it('refuses users without an extension with 404 and never looks up (or creates) a secret for them', async () => {
    let asked = 0;
    const service = new SoftphoneService(DEFAULT_SOFTPHONE_SETTINGS, {
      secretOf: () => {
        asked += 1;
        return Promise.resolve('x');
      },
    });
    const caught = await service.configFor(user(null)).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).httpStatus).toBe(404);
    expect((caught as AppError).code).toBe('NOT_FOUND');
    expect(asked).toBe(0);
  });
});
