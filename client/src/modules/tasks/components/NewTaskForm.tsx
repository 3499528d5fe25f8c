import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type LINKABLE_ENTITY_TYPES } from '@contracts/dto/common';
import { TASK_KINDS, type TaskDto } from '@contracts/dto/task';
import { tasksApi } from '@client/api/crmApi';
import { errorText } from '@client/api/errorText';
import { href, recordPath } from '@client/app/router';
import { useSubmit } from '@client/app/useSubmit';
import { Alert } from '@client/ui/Alert';

type Kind = (typeof TASK_KINDS)[number];

/** `datetime-local` gives the user's wall-clock time without a zone; the server wants an instant. */
const toInstant = (local: string): string | null => (local ? new Date(local).toISOString() : null);

/** A task made where the user is: linked to the record whose page it is on, or free-standing above the list. */
export function NewTaskForm({
  entityType = null,
  entityId = null,
  onCreated,
}: {
  entityType?: (typeof LINKABLE_ENTITY_TYPES)[number] | null;
  entityId?: string | null;
  onCreated?: (task: TaskDto) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<Kind>('todo');
  const [due, setDue] = useState('');
  const [created, setCreated] = useState<TaskDto | null>(null);
  const { submit, pending, error } = useSubmit(
    () => tasksApi.create({ title: title.trim(), kind, dueAt: toInstant(due), entityType, entityId }),
    (task) => {
      setCreated(task);
      setTitle('');
      setDue('');
      onCreated?.(task);
    },
  );

  return (
    <form className="stack form-section" onSubmit={submit} noValidate data-testid="new-task-form">
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
            data-testid="new-task-title"
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-kind`}>
            {t('tasks.kind')}
          </label>
          <select
            id={`${id}-kind`}
            className="select"
            value={kind}
            onChange={(e) => setKind(e.target.value as Kind)}
            data-testid="new-task-kind"
          >
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
            data-testid="new-task-due"
          />
        </div>
      </div>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      {created ? (
        <Alert tone="success" testId="new-task-created">
          {t('records.taskCreated')} <a href={href(recordPath('task', created.id))}>{created.title}</a>
        </Alert>
      ) : null}
      <div>
        <button
          type="submit"
          className="btn btn--small btn--primary"
          disabled={pending || !title.trim()}
          data-testid="new-task-save"
        >
          {t('records.createTask')}
        </button>
      </div>
    </form>
  );
}
