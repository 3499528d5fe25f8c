import { useTranslation } from 'react-i18next';

import { type CallCardCampaign } from '@contracts/dto/campaign';

/** On the pop card of a campaign call: which campaign, and the script to read. */
export function CampaignMark({ campaign }: { campaign: CallCardCampaign }) {
  const { t } = useTranslation();
  return (
    <section className="pop-card__section campaign-mark" data-testid="pop-campaign">
      <span className="badge badge--primary" data-testid="pop-campaign-name">
        {t('campaigns.callOf', { name: campaign.name })}
      </span>
      {campaign.script ? (
        <p className="campaign-script" data-testid="pop-campaign-script">
          {campaign.script}
        </p>
      ) : null}
    </section>
  );
}
