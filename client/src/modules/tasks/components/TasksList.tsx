import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type TaskDto } from '@contracts/dto/task';
import { tasksApi } from '@client/api/crmApi';
import { href, recordPath } from '@client/app/router';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { formatDateTime } from '@client/i18n/format';
import { useCurrentUser } from '@client/modules/auth/states/sessionContext';
import { NewTaskForm } from '@client/modules/tasks/components/NewTaskForm';
import { TaskDoneToggle } from '@client/modules/tasks/components/TaskDoneToggle';
import { taskTitle } from '@client/modules/tasks/utils/taskTitle';
import { DataTable } from '@client/ui/DataTable';
import { PagedList } from '@client/ui/PagedList';

const PAGE_SIZE = 20;

function TaskState({ task, now }: { task: TaskDto; now: number }) {
  const { t } = useTranslation();
  if (task.doneAt) return <span className="badge badge--success">{t('tasks.done')}</span>;
  if (task.dueAt && Date.parse(task.dueAt) < now) {
    return (
      <span className="badge badge--danger" data-testid="task-overdue">
        {t('tasks.overdue')}
      </span>
    );
  }
  return <span className="badge">{t('tasks.open')}</span>;
}

export function TasksList() {
  const { t } = useTranslation();
  const locale = useLocale();
  const user = useCurrentUser();
  const [mine, setMine] = useState(true);
  const [onlyOpen, setOnlyOpen] = useState(true);
  const [page, setPage] = useState(1);
  // Rows changed in place (completed/reopened) until the next reload, so a done task does not vanish mid-click.
  const [changed, setChanged] = useState<Record<string, TaskDto>>({});
  const query = useQuery(`tasks:${mine}:${onlyOpen}:${page}`, (signal) =>
    tasksApi.list(
      {
        assigneeId: mine ? user.id : undefined,
        open: onlyOpen ? 'true' : undefined,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      },
      signal,
    ),
  );
  // Fixed per visit so every row agrees on what "overdue" means and renders stay pure.
  const [now] = useState(() => Date.now());

  return (
    <section aria-labelledby="tasks-title">
      <div className="page-header">
        <h1 id="tasks-title">{t('tasks.title')}</h1>
      </div>
      <details className="card card__body activity__new" data-testid="tasks-new">
        <summary>{t('records.newTask')}</summary>
        <NewTaskForm onCreated={() => query.reload()} />
      </details>
      <div className="toolbar">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={mine}
            onChange={(e) => {
              setMine(e.target.checked);
              setPage(1);
            }}
            data-testid="tasks-mine"
          />
          {t('tasks.mine')}
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={onlyOpen}
            onChange={(e) => {
              setOnlyOpen(e.target.checked);
              setPage(1);
            }}
            data-testid="tasks-open"
          />
          {t('tasks.onlyOpen')}
        </label>
      </div>
      <PagedList query={query} page={page} pageSize={PAGE_SIZE} onPage={setPage}>
        {(items) => (
          <DataTable
            testId="tasks-table"
            columns={[
              { label: <span className="visually-hidden">{t('tasks.done')}</span> },
              { label: t('tasks.subject') },
              { label: t('tasks.kind') },
              { label: t('tasks.dueAt') },
              { label: t('tasks.status') },
            ]}
          >
            {items
              .map((listed) => changed[listed.id] ?? listed)
              .map((task) => (
                <tr key={task.id} data-testid="task-row">
                  <td>
                    <TaskDoneToggle task={task} onChange={(next) => setChanged((m) => ({ ...m, [next.id]: next }))} />
                  </td>
                  <td className={task.doneAt ? 'muted' : undefined}>
                    <a href={href(recordPath('task', task.id))} data-testid="task-link">
                      {taskTitle(task, t, locale)}
                    </a>
                    {task.queue && !task.assigneeId ? (
                      <>
                        {' '}
                        <span className="badge" data-testid="task-queue">
                          {t('tasks.queueOwned', { queue: task.queue })}
                        </span>
                      </>
                    ) : null}
                    {task.escalatedAt && !task.doneAt ? (
                      <>
                        {' '}
                        <span className="badge badge--danger" data-testid="task-escalated">
                          {t('tasks.escalated')}
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td>{t(`tasks.kinds.${task.kind}`)}</td>
                  <td>
                    {task.dueAt ? (
                      <time dateTime={task.dueAt}>{formatDateTime(task.dueAt, locale)}</time>
                    ) : (
                      <span className="muted">{t('tasks.noDue')}</span>
                    )}
                  </td>
                  <td>
                    <TaskState task={task} now={now} />
                  </td>
                </tr>
              ))}
          </DataTable>
        )}
      </PagedList>
    </section>
  );
}
