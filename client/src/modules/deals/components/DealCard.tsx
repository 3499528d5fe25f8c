import { useDraggable } from '@dnd-kit/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

import { type DealDto } from '@contracts/dto/deal';
import { type PipelineStageDto } from '@contracts/dto/pipeline';
import { href, recordPath } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { formatMoney } from '@client/i18n/format';
import { type Stage, stageName } from '@client/modules/deals/utils/board';

export function DealCard({
  deal,
  stages,
  companyName,
  pending,
  onMove,
}: {
  deal: DealDto;
  stages: readonly PipelineStageDto[];
  companyName: string;
  pending: boolean;
  onMove: (to: Stage) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const selectId = useId();
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: deal.id,
    data: { title: deal.title },
    disabled: pending,
  });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  return (
    <li
      ref={setNodeRef}
      style={style}
      className={`deal-card${isDragging ? ' deal-card--dragging' : ''}`}
      aria-busy={pending}
      data-testid="deal-card"
      data-deal-id={deal.id}
    >
      {/* The handle is the card's title button: pointer drag anywhere on it, or Space/Enter then arrows. */}
      <button
        type="button"
        className="deal-card__handle"
        {...listeners}
        {...attributes}
        aria-roledescription={t('deals.board.draggable')}
        aria-describedby={`${selectId}-hint`}
        data-testid="deal-card-handle"
      >
        <span className="deal-card__title">{deal.title}</span>
        {companyName ? <span className="deal-card__company muted">{companyName}</span> : null}
        <span className="deal-card__amount">{formatMoney(deal.amount, locale, deal.currency)}</span>
      </button>
      <a className="deal-card__open" href={href(recordPath('deal', deal.id))} data-testid="deal-card-open">
        {t('records.openDeal')}
      </a>
      <span id={`${selectId}-hint`} className="visually-hidden">
        {t('deals.board.dragHint')}
      </span>
      <label className="visually-hidden" htmlFor={selectId}>
        {t('deals.board.moveTo', { title: deal.title })}
      </label>
      <select
        id={selectId}
        className="select select--inline deal-card__stage"
        value={deal.stage}
        disabled={pending}
        onChange={(e) => onMove(e.target.value)}
        data-testid="deal-card-stage"
      >
        {stages.map((s) => (
          <option key={s.key} value={s.key}>
            {stageName(s, locale)}
          </option>
        ))}
      </select>
    </li>
  );
}
