import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type TimelineCall, type TimelineItem, type TimelineRef } from '@contracts/dto/timeline';
import { href, recordPath } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { formatDateTime, formatDuration, formatMoney, formatPhone } from '@client/i18n/format';
import { RecordingPlayer } from '@client/modules/calllog/components/RecordingPlayer';

/** A stage's name in the viewer's language; the bare key when its pipeline or the stage has gone since. */
export type StageLabel = (pipelineId: string | null, key: string) => string;

/** One item of the stream: when, what, and who. */
export function TimelineEntry({ item, stage }: { item: TimelineItem; stage: StageLabel }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const who = (ref: TimelineRef | null) => ref?.name ?? t('timeline.nobody');
  const by = (ref: TimelineRef | null) => (ref ? <span className="muted"> · {ref.name}</span> : null);
  let title: string;
  let body: ReactNode = null;
  // The record the item is about, whose page the title opens (calls have no page of their own).
  let link: string | null = null;
  switch (item.kind) {
    case 'call':
      title = t(`timeline.call.${item.call.direction}`);
      body = <CallDetails call={item.call} at={item.at} />;
      break;
    case 'note':
      title = t('timeline.note');
      link = recordPath(item.record.entityType, item.record.id);
      body = (
        <p className="timeline__text">
          {item.note.body}
          {by(item.note.author)}
        </p>
      );
      break;
    case 'task':
      title = t(item.event === 'done' ? 'timeline.taskDone' : 'timeline.taskCreated', { title: item.task.title });
      link = recordPath('task', item.task.id);
      body = by(item.by);
      break;
    case 'deal':
      link = recordPath('deal', item.deal.id);
      title =
        item.event === 'created'
          ? t('timeline.dealCreated', { title: item.deal.title, stage: stage(item.toPipelineId, item.toStage) })
          : t('timeline.dealStage', {
              title: item.deal.title,
              from: stage(item.fromPipelineId, item.fromStage ?? ''),
              to: stage(item.toPipelineId, item.toStage),
            });
      body = (
        <p className="timeline__text">
          {formatMoney(item.deal.amount, locale, item.deal.currency)}
          {by(item.by)}
        </p>
      );
      break;
    case 'lead':
      link = recordPath('lead', item.lead.id);
      title =
        item.event === 'converted'
          ? t('timeline.leadConverted', { name: item.contact?.name ?? item.lead.name ?? '' })
          : t('timeline.leadCreated', { source: t(`leads.sources.${item.lead.source}`) });
      break;
    case 'owner':
      title = t('timeline.owner', { record: item.record.name, from: who(item.from), to: who(item.to) });
      link = recordPath(item.record.entityType, item.record.id);
      body = by(item.by);
      break;
  }
  return (
    <li className={`timeline__item timeline__item--${item.kind}`} data-testid="timeline-item" data-kind={item.kind}>
      <time className="muted" dateTime={item.at}>
        {formatDateTime(item.at, locale)}
      </time>
      <strong>
        {link ? (
          <a href={href(link)} data-testid="timeline-link">
            {title}
          </a>
        ) : (
          title
        )}
      </strong>
      {body}
    </li>
  );
}

function CallDetails({ call, at }: { call: TimelineCall; at: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [listening, setListening] = useState(false);
  const facts = [
    call.number ? formatPhone(call.number, locale) : null,
    call.queue ? t('timeline.queue', { queue: call.queue }) : null,
    call.operator ? call.operator.name : null,
    call.disposition ? t(`callLog.dispositions.${call.disposition}`) : null,
    call.waitSeconds !== null ? t('timeline.wait', { time: formatDuration(call.waitSeconds) }) : null,
    call.talkSeconds ? t('timeline.talk', { time: formatDuration(call.talkSeconds) }) : null,
    call.qa ? t('timeline.qa', { score: call.qa.score.toFixed(1), count: call.qa.reviews }) : null,
  ].filter(Boolean);
  return (
    <div className="stack">
      <p className="timeline__text">{facts.join(' · ')}</p>
      {call.wrapUp ? (
        <p className="timeline__text" data-testid="timeline-wrap-up">
          <span className="badge">{t(`livePop.outcomes.${call.wrapUp.outcome}`)}</span> {call.wrapUp.note ?? ''}
        </p>
      ) : null}
      {call.recordingUrl ? (
        listening ? (
          <RecordingPlayer
            key={call.recordingUrl}
            url={call.recordingUrl}
            label={t('callLog.player.label', {
              number: call.number ? formatPhone(call.number, locale) : '',
              at: formatDateTime(at, locale),
            })}
          />
        ) : (
          <div>
            <button
              type="button"
              className="btn btn--small"
              onClick={() => setListening(true)}
              data-testid="timeline-listen"
            >
              {t('callLog.listen')}
            </button>
          </div>
        )
      ) : null}
    </div>
  );
}
