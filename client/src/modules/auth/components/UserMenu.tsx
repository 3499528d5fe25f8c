import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ChangePasswordForm } from '@client/modules/auth/components/ChangePasswordForm';
import { useCurrentUser, useSession } from '@client/modules/auth/states/sessionContext';
import { Icon } from '@client/ui/Icon';
import { LanguageSwitch } from '@client/ui/LanguageSwitch';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

export function UserMenu() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const { logout } = useSession();
  const [open, setOpen] = useState(false);
  const [changing, setChanging] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="user-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="user-menu__button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`${t('userMenu.open')}: ${user.name}`}
        onClick={() => setOpen((v) => !v)}
        data-testid="user-menu-button"
      >
        <span className="avatar" aria-hidden="true">
          {initials(user.name)}
        </span>
        <span data-testid="user-name">{user.name}</span>
      </button>
      {open ? (
        <div className="user-menu__panel" id={panelId} data-testid="user-menu">
          <div className="user-menu__who">
            <strong>{user.name}</strong>
            <span className="muted">
              {t(`roles.${user.role}`)}
              {user.extension ? ` · ${t('userMenu.extension', { extension: user.extension })}` : ''}
            </span>
          </div>
          <div className="field">
            <span className="field__label">{t('userMenu.language')}</span>
            <LanguageSwitch />
          </div>
          {changing ? (
            <ChangePasswordForm onDone={() => setChanging(false)} />
          ) : (
            <button type="button" className="btn" onClick={() => setChanging(true)} data-testid="change-password">
              {t('userMenu.changePassword')}
            </button>
          )}
          <button type="button" className="btn" onClick={() => void logout()} data-testid="logout-button">
            <Icon name="logout" size={16} /> {t('userMenu.logout')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
