import { useTranslation } from 'react-i18next';

import { type CallCard } from '@contracts/dto/call-card';

import { formatDuration } from '@client/i18n/format';
import { CallerLocalTime } from '@client/modules/calls/components/CallerLocalTime';
import { CardQuickActions } from '@client/modules/calls/components/CardQuickActions';
import { ChooseContact } from '@client/modules/calls/components/ChooseContact';
import { PopCard } from '@client/modules/calls/components/PopCard';
import { WrapUpForm } from '@client/modules/calls/components/WrapUpForm';
import { CampaignWrapUp } from '@client/modules/campaigns/components/CampaignWrapUp';
import { type LivePop } from '@client/modules/calls/states/livePopState';

/** One live card: the pop card, the caller's time, quick actions, and the wrap-up form once answered. */
export function LivePopItem({
  pop,
  onDone,
  onCard,
}: {
  pop: LivePop;
  onDone: () => void;
  onCard: (card: CallCard) => void;
}) {
  const { t } = useTranslation();
  const { card } = pop;
  return (
    <div className="live-pop" data-testid="live-pop" data-call-id={pop.callId} data-phase={pop.phase}>
      <span className={`badge ${pop.phase === 'ringing' ? 'badge--warning' : 'badge--primary'}`}>
        {t(`livePop.phases.${pop.phase}`)}
        {pop.phase === 'wrap-up' && pop.talkSeconds !== null ? ` · ${formatDuration(pop.talkSeconds)}` : ''}
      </span>
      <PopCard card={card} />
      {card.kind === 'contact' && card.matches ? (
        <ChooseContact card={{ ...card, matches: card.matches }} onCard={onCard} />
      ) : null}
      {card.kind !== 'withheld' ? <CallerLocalTime e164={card.number.e164} /> : null}
      {card.kind !== 'withheld' && pop.phase !== 'ringing' ? <CardQuickActions card={card} onCard={onCard} /> : null}
      {card.campaign && pop.phase !== 'ringing' ? <CampaignWrapUp campaign={card.campaign} /> : null}
      {pop.phase !== 'ringing' ? (
        <WrapUpForm callId={pop.callId} ended={pop.phase === 'wrap-up'} onSaved={onDone} />
      ) : null}
    </div>
  );
}
