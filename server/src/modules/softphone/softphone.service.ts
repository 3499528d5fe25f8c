import { type SoftphoneConfigDto } from '@contracts/dto/softphone';
import { type UserDto } from '@contracts/dto/user';
import { AppError } from '@server/common/errors/app-error';

export interface SoftphoneSettings {
  /** SIP over WebSocket endpoint of the PBX the browser connects to. */
  wsUrl: string;
  /** Domain of the softphone's SIP URI (the PBX's SIP domain). */
  sipDomain: string;
  /**
   * One password for every `<ext>-web` endpoint: right for the reference profile only. A production site keeps
   * a secret per user (provisioned into the PBX and a secrets store) and looks it up here instead.
   */
  sipPassword: string;
}

export const DEFAULT_SOFTPHONE_SETTINGS: SoftphoneSettings = {
  wsUrl: 'ws://127.0.0.1:8088/ws',
  sipDomain: '127.0.0.1',
  sipPassword: 'zvonok',
};

/** The WebRTC twin of a desk extension, as named in the PBX profile. */
export const webEndpointOf = (extension: string) => `${extension}-web`;

/** SIP credentials of the signed-in user's softphone; users without an extension have none (404). */
export function softphoneConfigFor(user: UserDto, settings: SoftphoneSettings): SoftphoneConfigDto {
  if (!user.extension) throw new AppError('NOT_FOUND', 404, 'The user has no extension, so no softphone');
  const endpoint = webEndpointOf(user.extension);
  return {
    wsUrl: settings.wsUrl,
    sipUri: `sip:${endpoint}@${settings.sipDomain}`,
    authUser: endpoint,
    password: settings.sipPassword,
    displayName: user.name,
    extension: user.extension,
  };
}
