import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { TASK_KINDS, type TaskDto } from '@contracts/dto/task';
import { tasksApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { href, recordPath } from '@client/app/router';
import { useSubmit } from '@client/app/useSubmit';
import { useLocale } from '@client/app/useLocale';
import { useQuery } from '@client/app/useQuery';
import { ReassignControl } from '@client/modules/ownership/components/ReassignControl';
import { TaskDoneToggle } from '@client/modules/tasks/components/TaskDoneToggle';
import { taskTitle } from '@client/modules/tasks/utils/taskTitle';
import { Alert } from '@client/ui/Alert';
import { QueryView } from '@client/ui/QueryView';

type Kind = (typeof TASK_KINDS)[number];

/** An instant as the `datetime-local` input shows it: the viewer's wall clock, to the minute. */
const toLocalInput = (iso: string | null): string => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

function TaskForm({ task, onSaved }: { task: TaskDto; onSaved: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [title, setTitle] = useState(task.title);
  const [kind, setKind] = useState<Kind>(task.kind);
  const [due, setDue] = useState(toLocalInput(task.dueAt));
  const { submit, pending, error } = useSubmit(
    () => tasksApi.update(task.id, { title: title.trim(), kind, dueAt: due ? new Date(due).toISOString() : null }),
    onSaved,
  );
  return (
    <form className="card card__body stack" onSubmit={submit} noValidate data-testid="task-form">
      {error ? (
        <Alert tone="error" testId="task-form-error">
          {errorText(t, error)}
        </Alert>
      ) : null}
      <div className="form-grid">
        <div className="field">
          <label className="field__label" htmlFor={`${id}-title`}>
            {t('tasks.subject')}
          </label>
          <input
            id={`${id}-title`}
            className="input"
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
            data-testid="task-title-input"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-kind`}>
            {t('tasks.kind')}
          </label>
          <select id={`${id}-kind`} className="select" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {TASK_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`tasks.kinds.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-due`}>
            {t('tasks.dueAt')}
          </label>
          <input
            id={`${id}-due`}
            className="input"
            type="datetime-local"
            value={due}
            onChange={(e) => setDue(e.target.value)}
            data-testid="task-due-input"
          />
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" disabled={pending || !title.trim()} data-testid="task-save">
          {pending ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** The record a task is about, as a link to its page (calls have none of their own). */
function TaskRecordLink({ task }: { task: TaskDto }) {
  const { t } = useTranslation();
  if (!task.entityType || !task.entityId || task.entityType === 'call') return null;
  return (
    <a href={href(recordPath(task.entityType, task.entityId))} data-testid="task-record-link">
      {t(`records.open.${task.entityType}`)}
    </a>
  );
}

/** A task's own page: edit it, tick it off, give it to someone else. */
export function TaskPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const task = useQuery(`task:${id}`, (signal) => tasksApi.get(id, signal));
  return (
    <section aria-labelledby="task-title" className="record-page">
      <div className="page-header">
        <h1 id="task-title" data-testid="task-page-title">
          {task.data ? taskTitle(task.data, t, locale) : t('tasks.title')}
        </h1>
      </div>
      <QueryView {...task} isEmpty={() => false}>
        {(x) => (
          <div className="contact-layout">
            <TaskForm key={x.updatedAt} task={x} onSaved={task.reload} />
            <aside className="card card__body stack">
              <label className="checkbox">
                <TaskDoneToggle task={x} onChange={task.reload} />
                {t('tasks.done')}
              </label>
              <TaskRecordLink task={x} />
              <ReassignControl
                ownerId={x.assigneeId}
                onReassign={(userId) => tasksApi.reassign(x.id, userId).then(task.reload)}
              />
            </aside>
          </div>
        )}
      </QueryView>
    </section>
  );
}
