import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';

import {
  type CallCard,
  type CallCardCustomField,
  type CallCardPastCall,
  type ContactCallCard,
  type LeadCallCard,
} from '@contracts/dto/call-card';
import { href, recordPath } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { formatDate, formatDateTime, formatDuration, formatMoney, formatPhone } from '@client/i18n/format';
import { type Locale } from '@client/i18n/i18n';
import { taskTitle } from '@client/modules/tasks/utils/taskTitle';
import { type StageLabel, TimelineEntry } from '@client/modules/timeline/components/TimelineEntry';
import { Icon } from '@client/ui/Icon';
import { fieldLabel, formatCustomValue } from '@client/modules/customfields/utils/customValue';
import { CampaignMark } from '@client/modules/campaigns/components/CampaignMark';

/** A titled block; ids come from useId so several cards (call waiting) never share heading ids. */
function CardSection({ title, testId, children }: { title: string; testId?: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="pop-card__section" aria-labelledby={id} data-testid={testId}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

function numberText(card: ContactCallCard | LeadCallCard, locale: Locale): string {
  return card.number.e164 ? formatPhone(card.number.e164, locale) : card.number.raw;
}

function LastCalls({ calls, locale }: { calls: CallCardPastCall[]; locale: Locale }) {
  const { t } = useTranslation();
  return (
    <CardSection title={t('popCard.lastCalls')} testId="pop-last-calls">
      {calls.length === 0 ? (
        <p className="muted">{t('popCard.noCalls')}</p>
      ) : (
        <ul className="pop-card__list">
          {calls.map((call) => (
            <li key={call.id}>
              <span>
                <time dateTime={call.startedAt}>{formatDateTime(call.startedAt, locale)}</time>{' '}
                <span className="muted">
                  {t(`calls.directions.${call.direction}`)}
                  {call.agent ? ` · ${call.agent.name}` : ''}
                </span>
              </span>
              <span>
                {call.answered ? (
                  <span className="badge badge--success">{formatDuration(call.talkSeconds)}</span>
                ) : (
                  <span className="badge badge--danger">{t('calls.missed')}</span>
                )}
                {call.recordingUrl ? (
                  <>
                    {' '}
                    <a href={call.recordingUrl} target="_blank" rel="noreferrer">
                      {t('popCard.recording')}
                    </a>
                  </>
                ) : null}
              </span>
              {call.wrapUp ? (
                <span className="pop-card__wrap-up" data-testid="pop-last-call-wrap-up">
                  <span className="badge">{t(`livePop.outcomes.${call.wrapUp.outcome}`)}</span> {call.wrapUp.note ?? ''}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </CardSection>
  );
}

/**
 * The newest items of the client's timeline (the server leaves this call out), and the way to all of it: the client's
 * page in the main area, the card staying where it is.
 */
function History({ card, path }: { card: ContactCallCard | LeadCallCard; path: string }) {
  const { t } = useTranslation();
  const stage: StageLabel = (_pipelineId, key) => t(`deals.stages.${key}`, { defaultValue: key });
  return (
    <CardSection title={t('records.history')} testId="pop-history">
      {card.history.length === 0 ? (
        <p className="muted">{t('timeline.empty')}</p>
      ) : (
        <ol className="timeline__list pop-card__history">
          {card.history.map((item) => (
            <TimelineEntry key={item.key} item={item} stage={stage} />
          ))}
        </ol>
      )}
      <a href={href(path)} data-testid="pop-full-history">
        {t('records.fullHistory')}
      </a>
    </CardSection>
  );
}

/** A custom field an admin put on the card, with the contact's value. */
function CustomFact({ field, locale }: { field: CallCardCustomField; locale: Locale }) {
  const { t } = useTranslation();
  return (
    <>
      <dt>{fieldLabel(field, locale)}</dt>
      <dd data-testid={`pop-custom-${field.key}`}>{formatCustomValue(field, field.value, locale, t('common.yes'))}</dd>
    </>
  );
}

function ContactBody({ card, locale }: { card: ContactCallCard; locale: Locale }) {
  const { t } = useTranslation();
  const { contact } = card;
  return (
    <div className="pop-card__body">
      {contact.doNotCall ? (
        <div className="alert alert--warning" role="alert" data-testid="pop-do-not-call">
          <Icon name="warning" size={16} /> {t('popCard.doNotCall')}
        </div>
      ) : null}
      <dl className="pop-card__facts">
        <dt>{t('popCard.company')}</dt>
        <dd data-testid="pop-company">{contact.company?.name ?? t('common.none')}</dd>
        <dt>{t('popCard.owner')}</dt>
        <dd data-testid="pop-owner">{contact.owner?.name ?? t('common.none')}</dd>
        {card.queue ? (
          <>
            <dt>{t('popCard.queue')}</dt>
            <dd>{card.queue}</dd>
          </>
        ) : null}
        {contact.custom.map((field) => (
          <CustomFact key={field.key} field={field} locale={locale} />
        ))}
      </dl>
      {contact.tags.length > 0 ? (
        <div className="tag-list" data-testid="pop-tags">
          {contact.tags.map((tag) => (
            <span key={tag} className="badge badge--primary">
              {tag}
            </span>
          ))}
        </div>
      ) : null}
      <CardSection title={t('popCard.openDeals')} testId="pop-deals">
        {card.openDeals.length === 0 ? (
          <p className="muted">{t('popCard.noDeals')}</p>
        ) : (
          <ul className="pop-card__list">
            {card.openDeals.map((deal) => (
              <li key={deal.id}>
                <span>
                  {deal.title}{' '}
                  <span className="badge" data-testid="pop-deal-stage">
                    {deal.stageName
                      ? deal.stageName[locale]
                      : t(`deals.stages.${deal.stage}`, { defaultValue: deal.stage })}
                  </span>
                </span>
                <span className="phone">{formatMoney(deal.amount, locale, deal.currency)}</span>
              </li>
            ))}
          </ul>
        )}
      </CardSection>
      <CardSection title={t('popCard.openTasks')} testId="pop-tasks">
        {card.openTasks.length === 0 ? (
          <p className="muted">{t('popCard.noTasks')}</p>
        ) : (
          <ul className="pop-card__list">
            {card.openTasks.map((task) => (
              <li key={task.id}>
                <span>{taskTitle(task, t, locale)}</span>
                {task.dueAt ? (
                  <time className="muted" dateTime={task.dueAt}>
                    {formatDate(task.dueAt, locale)}
                  </time>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </CardSection>
      <LastCalls calls={card.lastCalls} locale={locale} />
      <History card={card} path={recordPath('contact', contact.id)} />
      {contact.notes ? (
        <CardSection title={t('popCard.notes')}>
          <p className="pop-card__notes" data-testid="pop-notes">
            {contact.notes}
          </p>
        </CardSection>
      ) : null}
      <a className="btn btn--primary" href={href(recordPath('contact', contact.id))} data-testid="pop-open-client">
        {t('popCard.openContact')}
      </a>
    </div>
  );
}

function LeadBody({ card, locale }: { card: LeadCallCard; locale: Locale }) {
  const { t } = useTranslation();
  return (
    <div className="pop-card__body">
      <dl className="pop-card__facts">
        <dt>{t('popCard.leadLabel')}</dt>
        <dd data-testid="pop-lead-status">
          {t(`leads.statuses.${card.lead.status}`, { defaultValue: card.lead.status })}
        </dd>
        <dt>{t('leads.createdAt')}</dt>
        <dd>{formatDateTime(card.lead.createdAt, locale)}</dd>
        {card.lead.owner ? (
          <>
            <dt>{t('popCard.owner')}</dt>
            <dd>{card.lead.owner.name}</dd>
          </>
        ) : null}
        {card.queue ? (
          <>
            <dt>{t('popCard.queue')}</dt>
            <dd>{card.queue}</dd>
          </>
        ) : null}
      </dl>
      <LastCalls calls={card.lastCalls} locale={locale} />
      <History card={card} path={recordPath('lead', card.lead.id)} />
      {card.lead.notes ? (
        <CardSection title={t('popCard.notes')}>
          <p className="pop-card__notes" data-testid="pop-notes">
            {card.lead.notes}
          </p>
        </CardSection>
      ) : null}
      <a className="btn btn--primary" href={href(recordPath('lead', card.lead.id))} data-testid="pop-open-client">
        {t('records.open.lead')}
      </a>
    </div>
  );
}

/**
 * The card that pops when an operator's phone rings. Pure presentation of a `CallCard` DTO; fetching
 * and realtime delivery live elsewhere so this renders the same on the server (tests) and in the app.
 */
export function PopCard({ card }: { card: CallCard }) {
  const { t } = useTranslation();
  const locale = useLocale();

  if (card.kind === 'withheld') {
    return (
      <article className="card pop-card pop-card--withheld" data-testid="pop-card" data-kind="withheld">
        <header className="pop-card__head">
          <span className="pop-card__kicker">{t('popCard.incoming')}</span>
          <span className="pop-card__number" data-testid="pop-number">
            {t('popCard.withheld')}
          </span>
        </header>
        <div className="pop-card__body">
          <p className="muted">{t('popCard.withheldHint')}</p>
        </div>
      </article>
    );
  }

  const isLead = card.kind === 'lead';
  const kicker = card.direction === 'outbound' ? t('popCard.outgoing') : t('popCard.incoming');
  return (
    <article
      className={`card pop-card${isLead ? ' pop-card--unknown' : ''}`}
      data-testid="pop-card"
      data-kind={card.kind}
      aria-label={`${kicker}: ${numberText(card, locale)}`}
    >
      <header className="pop-card__head">
        <span className="pop-card__kicker">{isLead ? t('popCard.newLead') : kicker}</span>
        <span className="pop-card__number" data-testid="pop-number">
          {numberText(card, locale)}
        </span>
        {card.kind === 'contact' ? (
          <span className="pop-card__name" data-testid="pop-name">
            {card.contact.name}
          </span>
        ) : (
          <span className="pop-card__name" data-testid="pop-lead-name">
            {card.lead.name ?? (card.lead.createdByThisCall ? t('popCard.newLeadHint') : null)}
          </span>
        )}
      </header>
      {card.campaign ? <CampaignMark campaign={card.campaign} /> : null}
      {card.kind === 'contact' ? <ContactBody card={card} locale={locale} /> : <LeadBody card={card} locale={locale} />}
    </article>
  );
}
