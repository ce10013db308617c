import { LOOPBACK_NAMES, hostForm, interfaceAddresses, isWildcardHost, normalizeHostName } from "./host-names";

/**
 * Which `Host` headers the proxy answers, against DNS rebinding: a web page whose name is made to
 * resolve to 127.0.0.1 reaches the port, but its requests still carry the page's own name. Allowed:
 * the loopback names, the bound address (every interface's address when HOST is a wildcard such as
 * 0.0.0.0), and the names in ALLOWED_HOSTS. Names are compared without the port.
 */
const INTERFACE_REFRESH_MS = 5_000;

export interface HostPolicy {
  allows(hostName: string): boolean;
  /** The allowed names, for the refusal's message. */
  describe(): string;
}

export interface HostPolicyOptions {
  /** HOST, the address the proxy binds. */
  host: string;
  allowedHosts: readonly string[];
  /** This machine's interface addresses (tests pass their own). */
  addresses?: () => string[];
}

export function createHostPolicy(options: HostPolicyOptions): HostPolicy {
  const wildcard = isWildcardHost(options.host);
  const addresses = options.addresses ?? interfaceAddresses;
  const named = new Set([...LOOPBACK_NAMES, ...options.allowedHosts.map(normalizeHostName)]);
  if (!wildcard) named.add(hostForm(normalizeHostName(options.host)));
  let interfaces = new Set(wildcard ? addresses() : []);
  let refreshedAt = Date.now();
  return {
    allows(hostName) {
      const name = normalizeHostName(hostName);
      if (named.has(name) || interfaces.has(name)) return true;
      // An interface may have gained an address since start-up (DHCP); names never are one. Looked
      // up again at most every few seconds, whatever a client puts in Host.
      if (!wildcard || !/^[\d.]+$|^\[/.test(name) || Date.now() - refreshedAt < INTERFACE_REFRESH_MS) return false;
      interfaces = new Set(addresses());
      refreshedAt = Date.now();
      return interfaces.has(name);
    },
    describe() {
      return [...named, ...(wildcard ? ["this machine's addresses"] : [])].join(", ");
    },
  };
}
