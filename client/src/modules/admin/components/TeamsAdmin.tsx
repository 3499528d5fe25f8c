import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorText } from '@client/api/errorText';
import { useQuery } from '@client/app/useQuery';
import { adminApi } from '@client/modules/admin/api/adminApi';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { QueryView } from '@client/ui/QueryView';

/** Teams and who leads them; members are set on the users tab (a user's team). */
export function TeamsAdmin() {
  const { t } = useTranslation();
  const id = useId();
  const teams = useQuery('admin:teams', (signal) => adminApi.teams(signal));
  const users = useQuery('admin:users', (signal) => adminApi.users(signal));
  const [name, setName] = useState('');
  const [supervisorId, setSupervisorId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const supervisors = (users.data ?? []).filter((u) => u.role === 'supervisor' && u.active);
  const userName = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      teams.reload();
    } catch (err) {
      setError(err);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await adminApi.createTeam({ name, supervisorId: supervisorId || null });
      setName('');
      setSupervisorId('');
    });
  };
  return (
    <div className="stack">
      <form className="card card__body" onSubmit={create} data-testid="new-team-form">
        <h2>{t('admin.teams.new')}</h2>
        {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
        <div className="form-grid">
          <div className="field">
            <label className="field__label" htmlFor={`${id}-name`}>
              {t('admin.teams.name')}
            </label>
            <input
              id={`${id}-name`}
              className="input"
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-testid="new-team-name"
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={`${id}-lead`}>
              {t('admin.teams.supervisor')}
            </label>
            <select
              id={`${id}-lead`}
              className="select"
              value={supervisorId}
              onChange={(e) => setSupervisorId(e.target.value)}
              data-testid="new-team-supervisor"
            >
              <option value="">{t('common.none')}</option>
              {supervisors.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn--primary" disabled={!name.trim()} data-testid="new-team-save">
            {t('admin.teams.create')}
          </button>
        </div>
      </form>
      <QueryView {...teams} isEmpty={(items) => items.length === 0}>
        {(items) => (
          <DataTable
            testId="teams-table"
            columns={[
              { label: t('admin.teams.name') },
              { label: t('admin.teams.supervisor') },
              { label: t('admin.teams.members') },
              { label: '' },
            ]}
          >
            {items.map((team) => (
              <tr key={team.id} data-testid="team-row">
                <td>{team.name}</td>
                <td>
                  <select
                    className="select select--inline"
                    aria-label={t('admin.teams.supervisor')}
                    value={team.supervisorId ?? ''}
                    onChange={(e) =>
                      void run(() => adminApi.updateTeam(team.id, { supervisorId: e.target.value || null }))
                    }
                  >
                    <option value="">{t('common.none')}</option>
                    {supervisors.map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{team.memberIds.map((m) => userName.get(m) ?? m).join(', ')}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn--small btn--danger"
                    onClick={() => void run(() => adminApi.deleteTeam(team.id))}
                  >
                    {t('common.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryView>
    </div>
  );
}
