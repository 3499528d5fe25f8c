/**
 * The operator an endpoint belongs to. An operator's WebRTC softphone registers as the twin `<ext>-web` of the desk
 * phone `<ext>` (the reference PBX profile); both are the same person, so every adapter reports the extension and
 * nothing downstream has to know about twins.
 */
export function operatorOf(endpoint: string): string {
  return endpoint.replace(/-web$/i, '');
}
