import { lookup } from 'node:dns/promises';
import type http from 'node:http';

import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parseNetwork(entry: string): Network {
  if (entry.includes('/')) return ipaddr.parseCIDR(entry);
  const address = ipaddr.parse(entry);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/**
 * SSRF defence for webhook URLs. An endpoint is refused when its host is, or resolves to, anything but a public
 * unicast address (private, loopback, link-local such as the cloud metadata 169.254.169.254, unique-local, CGNAT,
 * multicast, reserved…), unless that address is in WEBHOOK_ALLOWED_NETWORKS. Checked when an endpoint is saved (a
 * clear 400) and again on every connection by the agents below (request-filtering-agent checks the address the
 * socket actually connects to), so a DNS name that is re-pointed at the internal network after the check is
 * refused too.
 */
export class WebhookUrlGuard {
  private readonly allowed: Network[];
  readonly agents: { http: http.Agent; https: http.Agent };

  constructor(allowedNetworks: readonly string[]) {
    this.allowed = allowedNetworks.map(parseNetwork);
    const options = { allowIPAddressList: [...allowedNetworks], keepAlive: false };
    this.agents = { http: new RequestFilteringHttpAgent(options), https: new RequestFilteringHttpsAgent(options) };
  }

  /** Null when the URL may be used; otherwise why not, in plain words. */
  async refusal(url: string): Promise<string | null> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a URL';
    }
    const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    if (ipaddr.isValid(host)) addresses = [host];
    else {
      try {
        addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
      } catch {
        return `${host} does not resolve`;
      }
    }
    const refused = addresses.find((a) => !this.mayConnect(a));
    return refused === undefined ? null : `${host} is ${refused}, a private, loopback or link-local address`;
  }

  mayConnect(address: string): boolean {
    const parsed = ipaddr.process(address);
    if (this.allowed.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits))) return true;
    return parsed.range() === 'unicast';
  }

  agentFor(url: URL): http.Agent {
    return url.protocol === 'https:' ? this.agents.https : this.agents.http;
  }
}
