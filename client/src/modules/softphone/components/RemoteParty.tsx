import { useLocale } from '@client/app/useLocale';
import { formatPhone } from '@client/i18n/format';
import { type SoftphoneCall } from '@client/modules/softphone/states/softphoneState';

/** Who is on the other end: the formatted number, and the caller's display name when SIP gave one. */
export function RemoteParty({ call }: { call: SoftphoneCall }) {
  const locale = useLocale();
  return (
    <div className="softphone__remote">
      <strong data-testid="softphone-remote">{formatPhone(call.remote, locale) || call.remote}</strong>
      {call.remoteName && call.remoteName !== call.remote ? <span className="muted">{call.remoteName}</span> : null}
    </div>
  );
}
