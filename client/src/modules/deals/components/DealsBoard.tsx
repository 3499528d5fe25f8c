import {
  type Announcements,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { useTranslation } from 'react-i18next';

import { type PipelineDto, type PipelineStageDto } from '@contracts/dto/pipeline';
import { errorText } from '@client/api/errorText';
import { useLocale } from '@client/app/useLocale';
import { formatMoney } from '@client/i18n/format';
import { useCompanies } from '@client/modules/contacts/hooks/useCompanies';
import { DealCard } from '@client/modules/deals/components/DealCard';
import { COLUMN_LIMIT, useDealsBoard } from '@client/modules/deals/hooks/useDealsBoard';
import {
  type Board,
  columnOf,
  isStage,
  type Stage,
  type StageTotal,
  stageName,
  totalEntries,
  totalOf,
} from '@client/modules/deals/utils/board';
import { Alert } from '@client/ui/Alert';
import { QueryView } from '@client/ui/QueryView';

function Column({
  stage: column,
  board,
  pending,
  companyNames,
  onMove,
}: {
  stage: PipelineStageDto;
  board: Board;
  pending: ReadonlySet<string>;
  companyNames: Map<string, string>;
  onMove: (dealId: string, to: Stage) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const stage = column.key;
  const name = stageName(column, locale);
  const { setNodeRef, isOver } = useDroppable({ id: stage });
  const deals = columnOf(board, stage);
  const total: StageTotal = totalOf(board, stage);
  const headingId = `deals-col-${stage}`;
  return (
    <section
      ref={setNodeRef}
      className={`kanban__column${isOver ? ' kanban__column--over' : ''}`}
      aria-labelledby={headingId}
      data-testid={`kanban-column-${stage}`}
    >
      <header className="kanban__head">
        <h2 id={headingId} className="kanban__title">
          {name} <span className="badge">{total.count}</span>
        </h2>
        <ColumnTotal total={total} />
      </header>
      <ul className="kanban__cards" aria-label={name}>
        {deals.map((deal) => (
          <DealCard
            key={deal.id}
            deal={deal}
            stages={board.stages}
            companyName={deal.companyId ? (companyNames.get(deal.companyId) ?? '') : ''}
            pending={pending.has(deal.id)}
            onMove={(to) => onMove(deal.id, to)}
          />
        ))}
      </ul>
      {total.count > deals.length ? (
        <p className="kanban__more muted">{t('deals.board.more', { shown: deals.length, count: total.count })}</p>
      ) : null}
    </section>
  );
}

function ColumnTotal({ total }: { total: StageTotal }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const sums = totalEntries(total);
  return (
    <p className="kanban__total" data-testid="kanban-column-total">
      <span className="visually-hidden">{t('deals.board.total')}: </span>
      {sums.length === 0
        ? formatMoney(0, locale)
        : sums.map((s) => formatMoney(s.amount, locale, s.currency)).join(' + ')}
    </p>
  );
}

export function DealsBoard({ pipeline }: { pipeline: PipelineDto }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const companies = useCompanies();
  const { board, move, pending, failure, dismissFailure, ...query } = useDealsBoard(pipeline);
  // A small distance keeps clicks on the stage select and text selection from starting a drag.
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor),
  );
  const nameOf = (id: unknown) => {
    const found = pipeline.stages.find((s) => s.key === id);
    return found ? stageName(found, locale) : '';
  };
  const titleOf = (active: { data: { current?: Record<string, unknown> } }) => String(active.data.current?.title ?? '');
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('deals.board.announce.start', { title: titleOf(active) }),
    onDragOver: ({ active, over }) =>
      over ? t('deals.board.announce.over', { title: titleOf(active), stage: nameOf(over.id) }) : undefined,
    onDragEnd: ({ active, over }) =>
      over
        ? t('deals.board.announce.end', { title: titleOf(active), stage: nameOf(over.id) })
        : t('deals.board.announce.cancel', { title: titleOf(active) }),
    onDragCancel: ({ active }) => t('deals.board.announce.cancel', { title: titleOf(active) }),
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (over && board && isStage(board, over.id)) void move(String(active.id), over.id);
  };

  return (
    <>
      {failure ? (
        <Alert tone="error" testId="kanban-move-error">
          {t('deals.board.moveFailed', { title: failure.deal.title })} {errorText(t, failure.error)}{' '}
          <button type="button" className="btn btn--small" onClick={dismissFailure}>
            {t('common.close')}
          </button>
        </Alert>
      ) : null}
      <QueryView {...query} data={board} isEmpty={() => false}>
        {(b) => (
          // The board scrolls sideways on narrow screens; it is focusable so keyboard users can scroll it too.
          <DndContext
            sensors={sensors}
            onDragEnd={onDragEnd}
            accessibility={{
              announcements,
              screenReaderInstructions: { draggable: t('deals.board.dragHint') },
            }}
          >
            <div
              className="kanban"
              tabIndex={0}
              role="region"
              aria-label={t('deals.view.board')}
              data-testid="kanban"
              data-column-limit={COLUMN_LIMIT}
            >
              {b.stages.map((stage) => (
                <Column
                  key={stage.key}
                  stage={stage}
                  board={b}
                  pending={pending}
                  companyNames={companies.names}
                  onMove={(id, to) => void move(id, to)}
                />
              ))}
            </div>
          </DndContext>
        )}
      </QueryView>
    </>
  );
}
