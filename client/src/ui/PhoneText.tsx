import { useContext } from 'react';

import { formatPhone, phoneHref } from '@client/i18n/format';
import { type Locale } from '@client/i18n/i18n';
import { ClickToCallContext } from '@client/ui/clickToCall';

/**
 * A phone number formatted for the locale, as a link that dials it: through the app's click-to-call when there
 * is one (softphone or PBX originate), as a plain tel: link otherwise.
 */
export function PhoneText({ value, locale, link = true }: { value: string; locale: Locale; link?: boolean }) {
  const clickToCall = useContext(ClickToCallContext);
  const text = formatPhone(value, locale);
  if (!link) return <span className="phone">{text}</span>;
  return (
    <a
      className="phone"
      href={phoneHref(value)}
      data-testid="click-to-call"
      onClick={
        clickToCall
          ? (event) => {
              event.preventDefault();
              clickToCall(value);
            }
          : undefined
      }
    >
      {text}
    </a>
  );
}
