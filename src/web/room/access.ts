/**
 * Who the console answers to and who may act. Three facts, from the config alone:
 *
 * - allowed hosts: the Host names a request may carry (loopback names, WEB_HOST, WEB_PUBLIC_URL's host and,
 *   when bound to every interface, this machine's own addresses). A DNS-rebinding page reaches us under
 *   its own name, so anything else is refused before a route runs.
 * - allowed origins: the pages that may post forms: those hosts at the console's port, and WEB_PUBLIC_URL.
 *   Never derived from the request (a rebinding request's Origin and Host agree with each other).
 * - guarded: whether changing anything needs the presenter's sign-in. Off only on loopback with no public
 *   URL and no PRESENTER_TOKEN, where the presenter is the only user.
 */
import { networkInterfaces } from 'node:os';
import type { Config } from '../../config.js';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);
/** Interfaces come and go (Wi-Fi rejoined): their addresses are read again after this long. */
const INTERFACES_TTL_MS = 10_000;

export interface Access {
  /** State changes need a presenter session. */
  guarded: boolean;
  /** Reachable from other machines: the presenter's screen offers the audience URL and its QR code. */
  exposed: boolean;
  /** The URL to give the room; undefined when the console is not exposed. */
  audienceUrl: string | undefined;
  /** A Host header's name (lower case, IPv6 in brackets) is one we answer to. */
  isAllowedHost(hostname: string): boolean;
  /** An Origin header names one of our own pages. */
  isAllowedOrigin(origin: string | undefined): boolean;
}

export type InterfaceAddresses = () => string[];

export function createAccess(web: Config['web'], interfaces: InterfaceAddresses = machineAddresses): Access {
  const bindAll = WILDCARDS.has(web.host);
  const exposed = web.publicUrl !== undefined || !isLoopbackHost(web.host);
  const fixed = new Set(LOOPBACK_NAMES);
  if (!bindAll) fixed.add(hostnameOf(web.host));
  if (web.publicUrl) fixed.add(new URL(web.publicUrl).hostname);
  let cached: { at: number; names: Set<string> } | undefined;
  const own = (): Set<string> => {
    if (!bindAll) return new Set();
    if (!cached || Date.now() - cached.at > INTERFACES_TTL_MS) cached = { at: Date.now(), names: new Set(interfaces().map(hostnameOf)) };
    return cached.names;
  };
  const isAllowedHost = (hostname: string) => fixed.has(hostname) || own().has(hostname);
  return {
    guarded: exposed || web.presenterToken !== undefined,
    exposed,
    audienceUrl: web.publicUrl ?? (exposed ? `http://${bindAll ? firstLanAddress(interfaces()) ?? 'localhost' : hostnameOf(web.host)}:${web.port}` : undefined),
    isAllowedHost,
    isAllowedOrigin(origin) {
      if (!origin) return false;
      if (web.publicUrl && origin === web.publicUrl) return true;
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return false;
      }
      // Our own pages, served by this listener: plain http, our port, a host we answer to.
      return url.protocol === 'http:' && Number(url.port || 80) === web.port && url.origin === origin && isAllowedHost(url.hostname);
    },
  };
}

export function isLoopbackHost(host: string): boolean {
  const name = hostnameOf(host);
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** A host as URL.hostname spells it: lower case, IPv6 in brackets. */
export function hostnameOf(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare.includes(':') ? `[${bare.toLowerCase()}]` : bare.toLowerCase();
}

function machineAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

/** The address the room most likely reaches us at: the first non-loopback IPv4 one. */
function firstLanAddress(addresses: string[]): string | undefined {
  return addresses.find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a) && !a.startsWith('127.'));
}
