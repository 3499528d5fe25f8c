/**
 * The embeddable form: one `<script src=".../api/public/forms/<key>/embed.js" async></script>` on the site, no build
 * step. Plain ES5 and DOM calls (no innerHTML, no inline styles through attributes), so it runs on old browsers and
 * under a strict CSP of the site that allows our origin's script. It renders where the tag is (or into the element
 * `data-target` names), keeps the visit's UTM tags for the session, posts JSON to the form's endpoint (CORS), and
 * shows the answer; `data-lang="en"` switches the words to English (Russian by default).
 */
export function formSnippet(config: { endpoint: string; callback: boolean }): string {
  return `(function () {
  'use strict';
  var config = ${JSON.stringify(config)};
  var script = document.currentScript;
  var lang = (script && script.getAttribute('data-lang')) === 'en' ? 'en' : 'ru';
  var T = {
    ru: { name: 'Имя', phone: 'Телефон', email: 'E-mail', message: 'Сообщение', callback: 'Перезвоните мне',
      send: 'Отправить', sent: 'Спасибо! Заявка принята.', calling: 'Спасибо! Оператор уже звонит вам.',
      scheduled: 'Спасибо! Перезвоним в рабочее время: ', tooMany: 'Слишком много заявок, попробуйте позже.',
      badPhone: 'Проверьте номер телефона.', failed: 'Не удалось отправить, попробуйте ещё раз.' },
    en: { name: 'Name', phone: 'Phone', email: 'E-mail', message: 'Message', callback: 'Call me back',
      send: 'Send', sent: 'Thank you! We have your request.', calling: 'Thank you! An operator is calling you now.',
      scheduled: 'Thank you! We will call you back at ', tooMany: 'Too many requests, please try later.',
      badPhone: 'Please check the phone number.', failed: 'Could not send, please try again.' }
  }[lang];
  var UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'];
  var utm = {};
  try { utm = JSON.parse(sessionStorage.getItem('zvonok_utm') || '{}'); } catch (e) { utm = {}; }
  var query = new URLSearchParams(location.search);
  UTM.forEach(function (k) { if (query.get(k)) utm[k] = query.get(k).slice(0, 200); });
  try { sessionStorage.setItem('zvonok_utm', JSON.stringify(utm)); } catch (e) { /* storage off: this page only */ }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === 'style') Object.keys(props.style).forEach(function (s) { node.style[s] = props.style[s]; });
      else if (k.indexOf('data-') === 0 || k.indexOf('aria-') === 0) node.setAttribute(k, props[k]);
      else node[k] = props[k];
    });
    (children || []).forEach(function (c) { node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function field(label, input) {
    return el('label', { style: { display: 'block', margin: '0 0 8px' } }, [
      el('span', { style: { display: 'block', font: '14px sans-serif' } }, [label]), input]);
  }
  var box = { style: { width: '100%', boxSizing: 'border-box', padding: '6px', font: '14px sans-serif' } };
  var name = el('input', Object.assign({ type: 'text', name: 'name', maxLength: 200, 'data-testid': 'zv-form-name' }, box));
  var phone = el('input', Object.assign({ type: 'tel', name: 'phone', required: true, maxLength: 40,
    'data-testid': 'zv-form-phone' }, box));
  var email = el('input', Object.assign({ type: 'email', name: 'email', maxLength: 200, 'data-testid': 'zv-form-email' }, box));
  var message = el('textarea', Object.assign({ name: 'message', maxLength: 2000, rows: 3,
    'data-testid': 'zv-form-message' }, box));
  var callback = el('input', { type: 'checkbox', name: 'callback', 'data-testid': 'zv-form-callback' });
  // The honeypot: off screen and out of the tab order, so only a bot fills it.
  var trap = el('input', { type: 'text', name: 'website', tabIndex: -1, autocomplete: 'off', 'aria-hidden': 'true',
    style: { position: 'absolute', left: '-10000px', width: '1px', height: '1px', overflow: 'hidden' } });
  var status = el('p', { role: 'status', 'data-testid': 'zv-form-status', style: { font: '14px sans-serif' } });
  var button = el('button', { type: 'submit', 'data-testid': 'zv-form-send' }, [T.send]);
  var form = el('form', { noValidate: true, 'data-testid': 'zv-form', style: { position: 'relative' } }, [
    field(T.name, name), field(T.phone, phone), field(T.email, email), field(T.message, message),
    config.callback ? el('label', { style: { display: 'block', margin: '0 0 8px', font: '14px sans-serif' } },
      [callback, ' ', T.callback]) : el('span'),
    trap, button, status]);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    button.disabled = true;
    status.textContent = '';
    var body = { phone: phone.value, name: name.value || undefined, email: email.value || undefined,
      message: message.value || undefined, callback: config.callback && callback.checked, website: trap.value || undefined,
      page: location.href.slice(0, 500), referrer: document.referrer ? document.referrer.slice(0, 500) : undefined };
    UTM.forEach(function (k) { if (utm[k]) body[k] = utm[k]; });
    fetch(config.endpoint, { method: 'POST', mode: 'cors', credentials: 'omit',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) { return res.json().catch(function () { return {}; }).then(function (json) {
        if (res.ok) {
          var cb = json.callback;
          status.textContent = cb && cb.status === 'calling' ? T.calling
            : cb && cb.status === 'scheduled' ? T.scheduled + new Date(cb.at).toLocaleString(lang) : T.sent;
          form.reset();
        } else if (res.status === 429) status.textContent = T.tooMany;
        else if (res.status === 400) status.textContent = T.badPhone;
        else status.textContent = T.failed;
      }); })
      .catch(function () { status.textContent = T.failed; })
      .then(function () { button.disabled = false; });
  });
  var target = script && script.getAttribute('data-target') ? document.querySelector(script.getAttribute('data-target')) : null;
  if (target) target.appendChild(form);
  else if (script && script.parentNode) script.parentNode.insertBefore(form, script);
})();
`;
}
