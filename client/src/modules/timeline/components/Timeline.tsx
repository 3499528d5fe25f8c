import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { TIMELINE_KINDS, type TimelineEntityType, type TimelineItem, type TimelineKind } from '@contracts/dto/timeline';
import { timelineApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { usePipelines } from '@client/modules/deals/hooks/usePipelines';
import { stageName } from '@client/modules/deals/utils/board';
import { type StageLabel, TimelineEntry } from '@client/modules/timeline/components/TimelineEntry';
import { Alert } from '@client/ui/Alert';

interface Props {
  entityType: TimelineEntityType;
  entityId: string;
}

/**
 * A client's whole history (`GET /api/timeline`): calls with their outcome and recording, notes, tasks, deal stages,
 * lead events and owner changes, newest first, one kind or all. Older pages are appended by cursor.
 */
export function Timeline({ entityType, entityId }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const locale = useLocale();
  const [kind, setKind] = useState<TimelineKind | ''>('');
  const { pipelines } = usePipelines(null);
  const stage: StageLabel = (pipelineId, key) => {
    const found = pipelines.find((p) => p.id === pipelineId)?.stages.find((s) => s.key === key);
    return found ? stageName(found, locale) : key;
  };
  return (
    <section className="card card__body timeline" aria-labelledby={`${id}-title`} data-testid="timeline">
      <div className="timeline__header">
        <h2 id={`${id}-title`}>{t('timeline.title')}</h2>
        <label className="field__label" htmlFor={`${id}-kind`}>
          {t('timeline.show')}
        </label>
        <select
          id={`${id}-kind`}
          className="select"
          value={kind}
          onChange={(e) => setKind(e.target.value as TimelineKind | '')}
          data-testid="timeline-kind"
        >
          <option value="">{t('timeline.kinds.all')}</option>
          {TIMELINE_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`timeline.kinds.${k}`)}
            </option>
          ))}
        </select>
      </div>
      {/* Remounted per filter: the pages loaded so far belong to the previous one. */}
      <Stream
        key={`${entityType}:${entityId}:${kind}`}
        entityType={entityType}
        entityId={entityId}
        kind={kind}
        stage={stage}
      />
    </section>
  );
}

function Stream({ entityType, entityId, kind, stage }: Props & { kind: TimelineKind | ''; stage: StageLabel }) {
  const { t } = useTranslation();
  const first = useQuery(`timeline:${entityType}:${entityId}:${kind}`, (signal) =>
    timelineApi.page({ entityType, entityId, kinds: kind || undefined }, signal),
  );
  const [older, setOlder] = useState<{ items: TimelineItem[]; cursor: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const items = [...(first.data?.items ?? []), ...(older?.items ?? [])];
  const cursor = older ? older.cursor : (first.data?.nextCursor ?? null);

  const more = async () => {
    if (!cursor) return;
    setPending(true);
    setError(null);
    try {
      const page = await timelineApi.page({ entityType, entityId, kinds: kind || undefined, before: cursor });
      setOlder((o) => ({ items: [...(o?.items ?? []), ...page.items], cursor: page.nextCursor }));
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };

  if (first.error) return <Alert tone="error">{errorText(t, first.error)}</Alert>;
  if (!first.data) return <p className="muted">{t('app.loading')}</p>;
  return (
    <>
      {items.length === 0 ? (
        <p className="muted">{t('timeline.empty')}</p>
      ) : (
        <ol className="timeline__list" data-testid="timeline-items">
          {items.map((item) => (
            <TimelineEntry key={item.key} item={item} stage={stage} />
          ))}
        </ol>
      )}
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      {cursor ? (
        <button
          type="button"
          className="btn btn--small"
          disabled={pending}
          onClick={() => void more()}
          data-testid="timeline-more"
        >
          {t('timeline.more')}
        </button>
      ) : null}
    </>
  );
}
