/** Minimal SIP text handling for the scripted drachtio peer (test support only). */
export interface SipText {
  startLine: string;
  headers: Array<[string, string]>;
  body: string;
}

export function parseSip(raw: string): SipText {
  const sep = raw.indexOf('\r\n\r\n');
  const head = sep === -1 ? raw : raw.slice(0, sep);
  const body = sep === -1 ? '' : raw.slice(sep + 4);
  const [startLine = '', ...lines] = head.split('\r\n');
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  return { startLine, headers, body };
}

export function getHeader(m: SipText, name: string): string | undefined {
  return m.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

export function setHeader(m: SipText, name: string, value: string): void {
  const i = m.headers.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
  if (i === -1) m.headers.push([name, value]);
  else m.headers[i] = [name, value];
}

export function serializeSip(m: SipText): string {
  const headers = m.headers.filter(([k]) => k.toLowerCase() !== 'content-length');
  headers.push(['Content-Length', String(Buffer.byteLength(m.body))]);
  return `${m.startLine}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${m.body}`;
}

export function methodOf(m: SipText): string | undefined {
  return /^([A-Z]+) /.exec(m.startLine)?.[1];
}

export function statusOf(m: SipText): number | undefined {
  const s = /^SIP\/2\.0 (\d{3})/.exec(m.startLine)?.[1];
  return s ? Number(s) : undefined;
}

export function tagOf(header: string | undefined): string | undefined {
  return header ? /;\s*tag=([^;>\s]+)/i.exec(header)?.[1] : undefined;
}

export function withTag(header: string, tag: string): string {
  return tagOf(header) ? header.replace(/;\s*tag=[^;>\s]+/i, `;tag=${tag}`) : `${header};tag=${tag}`;
}

export const OPERATOR_SDP =
  'v=0\r\no=operator 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 8\r\n' +
  'a=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n';
