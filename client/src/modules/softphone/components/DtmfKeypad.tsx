import { useTranslation } from 'react-i18next';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

/** Sends DTMF tones into the call (IVR menus on the far end); shows what was sent. */
export function DtmfKeypad({ sent, onTone }: { sent: string; onTone: (tone: string) => void }) {
  const { t } = useTranslation();
  return (
    <div className="softphone__keypad" role="group" aria-label={t('softphone.keypad')} data-testid="softphone-keypad">
      <output className="softphone__dtmf" data-testid="softphone-dtmf-sent">
        {sent || '\u00a0'}
      </output>
      {KEYS.map((key) => (
        <button key={key} type="button" className="btn" onClick={() => onTone(key)} data-testid={`dtmf-${key}`}>
          {key}
        </button>
      ))}
    </div>
  );
}
