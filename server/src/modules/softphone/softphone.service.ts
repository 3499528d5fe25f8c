import { type SoftphoneConfigDto } from '@contracts/dto/softphone';
import { type UserDto } from '@contracts/dto/user';
import { AppError } from '@server/common/errors/app-error';
import { type SipSecretsService, webEndpointOf } from '@server/modules/sip-secrets/sip-secrets.service';

export interface SoftphoneSettings {
  /** SIP over WebSocket endpoint of the PBX the browser connects to. */
  wsUrl: string;
  /** Domain of the softphone's SIP URI (the PBX's SIP domain). */
  sipDomain: string;
}

export const DEFAULT_SOFTPHONE_SETTINGS: SoftphoneSettings = {
  wsUrl: 'ws://127.0.0.1:8088/ws',
  sipDomain: '127.0.0.1',
};

const noSoftphone = () => new AppError('NOT_FOUND', 404, 'The user has no extension, so no softphone');

/** SIP credentials of the signed-in user's softphone; users without an extension have none (404). */
export function softphoneConfigFor(user: UserDto, settings: SoftphoneSettings, password: string): SoftphoneConfigDto {
  if (!user.extension) throw noSoftphone();
  const endpoint = webEndpointOf(user.extension);
  return {
    wsUrl: settings.wsUrl,
    sipUri: `sip:${endpoint}@${settings.sipDomain}`,
    authUser: endpoint,
    password,
    displayName: user.name,
    extension: user.extension,
  };
}

/** The softphone's config for its owner only: the one response that carries the user's own SIP secret. */
export class SoftphoneService {
  constructor(
    private readonly settings: SoftphoneSettings,
    private readonly sipSecrets: Pick<SipSecretsService, 'secretOf'>,
  ) {}

  async configFor(user: UserDto): Promise<SoftphoneConfigDto> {
    // Checked before the secret is looked up, so a user without phones never gets one generated.
    if (!user.extension) throw noSoftphone();
    return softphoneConfigFor(user, this.settings, await this.sipSecrets.secretOf(user.id));
  }
}
