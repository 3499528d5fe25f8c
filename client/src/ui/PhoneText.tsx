import { formatPhone, phoneHref } from '@client/i18n/format';
import { type Locale } from '@client/i18n/i18n';

/** A phone number formatted for the locale, as a tel: link so it can be clicked to dial. */
export function PhoneText({ value, locale, link = true }: { value: string; locale: Locale; link?: boolean }) {
  const text = formatPhone(value, locale);
  if (!link) return <span className="phone">{text}</span>;
  return (
    <a className="phone" href={phoneHref(value)}>
      {text}
    </a>
  );
}
