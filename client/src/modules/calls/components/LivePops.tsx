import { useTranslation } from 'react-i18next';

import { LivePopItem } from '@client/modules/calls/components/LivePopItem';
import { useLivePops } from '@client/modules/calls/hooks/useLivePops';

/** Every card popped for the operator (two at once during call waiting), newest last. */
export function LivePops({ extension }: { extension: string | null }) {
  const { t } = useTranslation();
  const { pops, dismiss, replaceCard } = useLivePops(extension);
  if (pops.length === 0) return null;
  return (
    <section className="live-pops" aria-label={t('livePop.title')} data-testid="live-pops">
      {pops.map((pop) => (
        <LivePopItem
          key={pop.callId}
          pop={pop}
          onDone={() => dismiss(pop.callId)}
          onCard={(card) => replaceCard(pop.callId, card)}
        />
      ))}
    </section>
  );
}
