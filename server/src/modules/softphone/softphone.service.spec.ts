import { describe, expect, it } from 'vitest';

import { softphoneConfigSchema } from '@contracts/dto/softphone';
import { type UserDto } from '@contracts/dto/user';
import { AppError } from '@server/common/errors/app-error';
import { DEFAULT_SOFTPHONE_SETTINGS, softphoneConfigFor } from '@server/modules/softphone/softphone.service';

const user = (extension: string | null): UserDto => ({
  id: 'u1',
  login: 'operator1',
  name: 'Оператор Один',
  role: 'operator',
  extension,
  locale: 'ru',
});

describe('softphoneConfigFor', () => {
  it("registers the user's WebRTC twin <ext>-web on the configured PBX", () => {
    const config = softphoneConfigFor(user('1001'), {
      wsUrl: 'wss://pbx.example.com:8089/ws',
      sipDomain: 'pbx.example.com',
      sipPassword: 's3cret',
    });
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
    const config = softphoneConfigFor(user('1004'), DEFAULT_SOFTPHONE_SETTINGS);
    expect(config.wsUrl).toBe('ws://127.0.0.1:8088/ws');
    expect(config.sipUri).toBe('sip:1004-web@127.0.0.1');
    expect(config.password).toBe('zvonok');
  });

  it('refuses users without an extension with 404', () => {
    let caught: unknown;
    try {
      softphoneConfigFor(user(null), DEFAULT_SOFTPHONE_SETTINGS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).httpStatus).toBe(404);
    expect((caught as AppError).code).toBe('NOT_FOUND');
  });
});
