import { useTranslation } from 'react-i18next';

import { LivePops } from '@client/modules/calls/components/LivePops';
import { AgentStateSelect } from '@client/modules/softphone/components/AgentStateSelect';
import { SoftphonePanel } from '@client/modules/softphone/components/SoftphonePanel';
import { useSoftphone } from '@client/modules/softphone/states/softphoneContext';

/** The operator's right-hand column: own state, softphone, and the live cards of current calls. */
export function OperatorDock({ userId, extension }: { userId: string; extension: string }) {
  const { t } = useTranslation();
  const phone = useSoftphone();
  return (
    <aside className="operator-dock" aria-label={t('softphone.dock')} data-testid="operator-dock">
      <AgentStateSelect userId={userId} />
      {phone ? <SoftphonePanel phone={phone} /> : null}
      <LivePops extension={extension} />
    </aside>
  );
}
