import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { type TeamDto } from '@contracts/dto/team';
import {
  HOLDING_KINDS,
  type HoldingKind,
  type PbxEndpointState,
  type Role,
  USER_ROLES,
  type UserAdminDto,
  type UserHoldingsDto,
} from '@contracts/dto/user';
import { ApiError } from '@client/api/http';
import { errorText } from '@client/api/errorText';
import { useQuery } from '@client/app/useQuery';
import { adminApi } from '@client/modules/admin/api/adminApi';
import { Alert } from '@client/ui/Alert';
import { DataTable } from '@client/ui/DataTable';
import { QueryView } from '@client/ui/QueryView';

/** Error text with the password rule that failed, when that is why. */
function adminError(t: (key: string) => string, error: unknown): string {
  if (error instanceof ApiError && error.code === 'WEAK_PASSWORD') {
    const reason = (error.details as { reason?: string } | undefined)?.reason;
    if (reason) return t(`admin.users.password.${reason}`);
  }
  return errorText(t as never, error);
}

function PbxNote({ state }: { state: PbxEndpointState | null }) {
  const { t } = useTranslation();
  if (state !== 'missing') return null;
  return (
    <Alert tone="warning" testId="user-pbx-warning">
      {t('admin.users.pbxMissing')}
    </Alert>
  );
}

interface UserDraft {
  login: string;
  name: string;
  role: Role;
  extension: string;
  teamId: string;
  password: string;
}

const EMPTY: UserDraft = { login: '', name: '', role: 'operator', extension: '', teamId: '', password: '' };

function NewUserForm({ teams, onCreated }: { teams: TeamDto[]; onCreated: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<UserDraft>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [pbx, setPbx] = useState<PbxEndpointState | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const set = (key: keyof UserDraft, value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setCreated(null);
    try {
      const user = await adminApi.createUser({
        login: draft.login,
        name: draft.name,
        role: draft.role,
        extension: draft.extension || null,
        teamId: draft.teamId || null,
        password: draft.password,
      });
      setPbx(user.pbxEndpoint);
      setCreated(user.login);
      setDraft(EMPTY);
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  const field = (key: keyof UserDraft, label: string, type = 'text') => (
    <div className="field">
      <label className="field__label" htmlFor={`${id}-${key}`}>
        {label}
      </label>
      <input
        id={`${id}-${key}`}
        className="input"
        type={type}
        autoComplete="off"
        value={draft[key]}
        onChange={(e) => set(key, e.target.value)}
        data-testid={`new-user-${key}`}
      />
    </div>
  );
  return (
    <form className="card card__body" onSubmit={(e) => void submit(e)} data-testid="new-user-form">
      <h2>{t('admin.users.new')}</h2>
      {error ? (
        <Alert tone="error" testId="new-user-error">
          {adminError(t, error)}
        </Alert>
      ) : null}
      {created ? <Alert tone="success">{t('admin.users.created', { login: created })}</Alert> : null}
      <PbxNote state={pbx} />
      <div className="form-grid">
        {field('login', t('admin.users.login'))}
        {field('name', t('admin.users.name'))}
        <div className="field">
          <label className="field__label" htmlFor={`${id}-role`}>
            {t('admin.users.role')}
          </label>
          <select
            id={`${id}-role`}
            className="select"
            value={draft.role}
            onChange={(e) => set('role', e.target.value)}
            data-testid="new-user-role"
          >
            {USER_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        {field('extension', t('admin.users.extension'))}
        <div className="field">
          <label className="field__label" htmlFor={`${id}-team`}>
            {t('admin.users.team')}
          </label>
          <select
            id={`${id}-team`}
            className="select"
            value={draft.teamId}
            onChange={(e) => set('teamId', e.target.value)}
            data-testid="new-user-team"
          >
            <option value="">{t('common.none')}</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </div>
        {field('password', t('admin.users.password.label'), 'password')}
      </div>
      <p className="field__hint">{t('admin.users.password.rules')}</p>
      <div className="form-actions">
        <button type="submit" className="btn btn--primary" data-testid="new-user-save">
          {t('admin.users.create')}
        </button>
      </div>
    </form>
  );
}

/** The handover after a deactivation: what the user still holds, each kind to a colleague. */
function ReassignWizard({ user, users, onDone }: { user: UserAdminDto; users: UserAdminDto[]; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const holdings = useQuery(`holdings:${user.id}`, (signal) => adminApi.holdings(user.id, signal));
  const colleagues = users.filter((u) => u.active && u.id !== user.id);
  const [targets, setTargets] = useState<Partial<Record<HoldingKind, string>>>({});
  const [moved, setMoved] = useState<UserHoldingsDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const handOver = async () => {
    setError(null);
    const total: UserHoldingsDto = { leads: 0, tasks: 0, deals: 0, contacts: 0, companies: 0 };
    try {
      // One request per colleague, with the kinds going to them.
      const byTarget = new Map<string, HoldingKind[]>();
      for (const kind of HOLDING_KINDS) {
        const to = targets[kind];
        if (to) byTarget.set(to, [...(byTarget.get(to) ?? []), kind]);
      }
      for (const [to, kinds] of byTarget) {
        const result = await adminApi.reassign(user.id, to, kinds);
        for (const kind of kinds) total[kind] += result[kind];
      }
      setMoved(total);
      holdings.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="card card__body" aria-labelledby={`${id}-title`} data-testid="reassign-wizard">
      <h2 id={`${id}-title`}>{t('admin.users.wizard.title', { name: user.name })}</h2>
      <p className="muted">{t('admin.users.wizard.hint')}</p>
      {error ? <Alert tone="error">{errorText(t, error)}</Alert> : null}
      {moved ? (
        <Alert tone="success" testId="reassign-done">
          {t('admin.users.wizard.done', { count: HOLDING_KINDS.reduce((n, k) => n + moved[k], 0) })}
        </Alert>
      ) : null}
      <QueryView {...holdings} isEmpty={() => false}>
        {(h) => (
          <div className="form-grid">
            {HOLDING_KINDS.map((kind) => (
              <div className="field" key={kind}>
                <label className="field__label" htmlFor={`${id}-${kind}`}>
                  {t(`admin.users.wizard.kinds.${kind}`)}: <strong data-testid={`holding-${kind}`}>{h[kind]}</strong>
                </label>
                <select
                  id={`${id}-${kind}`}
                  className="select"
                  disabled={h[kind] === 0}
                  value={targets[kind] ?? ''}
                  onChange={(e) => setTargets({ ...targets, [kind]: e.target.value || undefined })}
                  data-testid={`reassign-${kind}`}
                >
                  <option value="">{t('admin.users.wizard.keep')}</option>
                  {colleagues.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </div>
            ))}
          </div>
        )}
      </QueryView>
      <div className="form-actions">
        <button type="button" className="btn" onClick={onDone}>
          {t('common.close')}
        </button>
        <button
          type="button"
          className="btn btn--primary"
          disabled={Object.values(targets).every((v) => !v)}
          onClick={() => void handOver()}
          data-testid="reassign-submit"
        >
          {t('admin.users.wizard.submit')}
        </button>
      </div>
    </section>
  );
}

function EditUserRow({
  user,
  teams,
  onSaved,
  onCancel,
}: {
  user: UserAdminDto;
  teams: TeamDto[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role);
  const [extension, setExtension] = useState(user.extension ?? '');
  const [teamId, setTeamId] = useState(user.teamId ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [pbx, setPbx] = useState<PbxEndpointState | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const changed = await adminApi.updateUser(user.id, {
        name,
        role,
        extension: extension || null,
        teamId: teamId || null,
      });
      if (password) await adminApi.resetPassword(user.id, password);
      setPbx(changed.pbxEndpoint);
      if (changed.pbxEndpoint !== 'missing') onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <tr data-testid="user-edit-row">
      <td colSpan={7}>
        <form onSubmit={(e) => void save(e)} className="stack">
          {error ? (
            <Alert tone="error" testId="user-edit-error">
              {adminError(t, error)}
            </Alert>
          ) : null}
          <PbxNote state={pbx} />
          <div className="form-grid">
            <div className="field">
              <label className="field__label" htmlFor={`${id}-name`}>
                {t('admin.users.name')}
              </label>
              <input id={`${id}-name`} className="input" value={name} onChange={(e) => setName(e.target.value)} />
            </div>
            <div className="field">
              <label className="field__label" htmlFor={`${id}-role`}>
                {t('admin.users.role')}
              </label>
              <select
                id={`${id}-role`}
                className="select"
                value={role}
                onChange={(e) => setRole(e.target.value as Role)}
                data-testid="user-edit-role"
              >
                {USER_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor={`${id}-ext`}>
                {t('admin.users.extension')}
              </label>
              <input
                id={`${id}-ext`}
                className="input"
                value={extension}
                onChange={(e) => setExtension(e.target.value)}
                data-testid="user-edit-extension"
              />
            </div>
            <div className="field">
              <label className="field__label" htmlFor={`${id}-team`}>
                {t('admin.users.team')}
              </label>
              <select
                id={`${id}-team`}
                className="select"
                value={teamId}
                onChange={(e) => setTeamId(e.target.value)}
                data-testid="user-edit-team"
              >
                <option value="">{t('common.none')}</option>
                {teams.map((team) => (
                  <option key={team.id} value={team.id}>
                    {team.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label className="field__label" htmlFor={`${id}-password`}>
                {t('admin.users.password.reset')}
              </label>
              <input
                id={`${id}-password`}
                className="input"
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid="user-edit-password"
              />
            </div>
          </div>
          <div className="form-actions">
            <button type="button" className="btn" onClick={onCancel}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn--primary" data-testid="user-edit-save">
              {t('common.save')}
            </button>
          </div>
        </form>
      </td>
    </tr>
  );
}

/** Users: create, edit (role, extension, team, password), deactivate with the handover wizard, reactivate. */
export function UsersAdmin() {
  const { t } = useTranslation();
  const users = useQuery('admin:users', (signal) => adminApi.users(signal));
  const teams = useQuery('admin:teams', (signal) => adminApi.teams(signal));
  const [editing, setEditing] = useState<string | null>(null);
  const [wizardFor, setWizardFor] = useState<UserAdminDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const teamName = new Map((teams.data ?? []).map((team) => [team.id, team.name]));
  const setActive = async (user: UserAdminDto, active: boolean) => {
    setError(null);
    try {
      await adminApi.updateUser(user.id, { active });
      users.reload();
      if (!active) setWizardFor({ ...user, active: false });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="stack">
      <NewUserForm teams={teams.data ?? []} onCreated={users.reload} />
      {wizardFor ? (
        <ReassignWizard user={wizardFor} users={users.data ?? []} onDone={() => setWizardFor(null)} />
      ) : null}
      {error ? (
        <Alert tone="error" testId="users-error">
          {adminError(t, error)}
        </Alert>
      ) : null}
      <QueryView {...users} isEmpty={(items) => items.length === 0}>
        {(items) => (
          <DataTable
            testId="users-table"
            columns={[
              { label: t('admin.users.name') },
              { label: t('admin.users.login') },
              { label: t('admin.users.role') },
              { label: t('admin.users.extension') },
              { label: t('admin.users.team') },
              { label: t('admin.users.status') },
              { label: '' },
            ]}
          >
            {items.map((user) =>
              editing === user.id ? (
                <EditUserRow
                  key={user.id}
                  user={user}
                  teams={teams.data ?? []}
                  onCancel={() => setEditing(null)}
                  onSaved={() => {
                    setEditing(null);
                    users.reload();
                  }}
                />
              ) : (
                <tr key={user.id} data-testid="user-row" data-login={user.login}>
                  <td>{user.name}</td>
                  <td>{user.login}</td>
                  <td>{t(`roles.${user.role}`)}</td>
                  <td>{user.extension ?? ''}</td>
                  <td>{user.teamId ? (teamName.get(user.teamId) ?? '') : ''}</td>
                  <td>
                    <span className={`badge ${user.active ? 'badge--success' : 'badge--danger'}`}>
                      {user.active ? t('admin.users.active') : t('admin.users.inactive')}
                    </span>
                  </td>
                  <td className="row-actions">
                    <button type="button" className="btn btn--small" onClick={() => setEditing(user.id)}>
                      {t('common.edit')}
                    </button>
                    {user.active ? (
                      <button
                        type="button"
                        className="btn btn--small btn--danger"
                        onClick={() => void setActive(user, false)}
                        data-testid="user-deactivate"
                      >
                        {t('admin.users.deactivate')}
                      </button>
                    ) : (
                      <>
                        <button
                          type="button"
                          className="btn btn--small"
                          onClick={() => void setActive(user, true)}
                          data-testid="user-reactivate"
                        >
                          {t('admin.users.reactivate')}
                        </button>
                        <button
                          type="button"
                          className="btn btn--small"
                          onClick={() => setWizardFor(user)}
                          data-testid="user-handover"
                        >
                          {t('admin.users.handover')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ),
            )}
          </DataTable>
        )}
      </QueryView>
    </div>
  );
}
