import { type OriginateResponse } from '@contracts/dto/call';
import { type SoftphoneConfigDto } from '@contracts/dto/softphone';
import { http } from '@client/api/http';

export const softphoneApi = {
  config: (signal?: AbortSignal) => http.get<SoftphoneConfigDto>('/api/softphone/config', { signal }),
  /** Click-to-call through the PBX: the operator's desk phone rings first, then the number is dialled. */
  originate: (destination: string) => http.post<OriginateResponse>('/api/calls/originate', { destination }),
};
