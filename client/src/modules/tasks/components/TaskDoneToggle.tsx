import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type TaskDto } from '@contracts/dto/task';
import { errorText } from '@client/api/errorText';
import { tasksApi } from '@client/api/crmApi';
import { useLocale } from '@client/app/useLocale';
import { taskTitle } from '@client/modules/tasks/utils/taskTitle';

/** Checkbox that completes / reopens a task; the row shows the server's answer, not an optimistic guess. */
export function TaskDoneToggle({ task, onChange }: { task: TaskDto; onChange: (task: TaskDto) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const toggle = async (done: boolean) => {
    setPending(true);
    setError(null);
    try {
      onChange(await tasksApi.update(task.id, { done }));
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  };
  return (
    <>
      <input
        type="checkbox"
        checked={task.doneAt !== null}
        disabled={pending}
        onChange={(e) => void toggle(e.target.checked)}
        aria-label={`${t('tasks.done')}: ${taskTitle(task, t, locale)}`}
        data-testid="task-done"
      />
      {error ? (
        <span className="field__error" role="alert">
          {errorText(t, error)}
        </span>
      ) : null}
    </>
  );
}
