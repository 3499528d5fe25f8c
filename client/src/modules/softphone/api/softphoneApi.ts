import { type OriginateResponse } from '@contracts/dto/call';
import { type DialCheckResponse, type DialOverride } from '@contracts/dto/dial-policy';
import { type SoftphoneConfigDto } from '@contracts/dto/softphone';
import { http } from '@client/api/http';

export const softphoneApi = {
  config: (signal?: AbortSignal) => http.get<SoftphoneConfigDto>('/api/softphone/config', { signal }),
  /** Click-to-call through the PBX: the operator's desk phone rings first, then the number is dialled. */
  originate: (destination: string, override?: DialOverride) =>
    http.post<OriginateResponse>('/api/calls/originate', { destination, override }),
  /** Asked before the browser softphone dials an outside number itself: 409 DO_NOT_CALL when it may not. */
  dialCheck: (destination: string, override?: DialOverride) =>
    http.post<DialCheckResponse>('/api/calls/dial-check', { destination, override }),
};
