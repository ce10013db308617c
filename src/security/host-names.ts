import { networkInterfaces } from "node:os";

/** The names of this machine's loopback interface as a client writes them in `Host`. */
export const LOOPBACK_NAMES: readonly string[] = ["127.0.0.1", "localhost", "[::1]"];

/** How a host name is compared: lower case, no trailing dot (`EXAMPLE.com.` is `example.com`). */
export function normalizeHostName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

/** IPv4-mapped 127.0.0.0/8 as a URL's hostname writes it (`[::ffff:127.0.0.1]` reads `[::ffff:7f00:1]`). */
const MAPPED_LOOPBACK_HEX = /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/;

/** Whether binding HOST keeps the proxy on this machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const name = normalizeHostName(host).replace(/^\[(.*)\]$/, "$1");
  return (
    name === "localhost" ||
    name.endsWith(".localhost") ||
    name === "::1" ||
    /^127(?:\.\d{1,3}){3}$/.test(name) ||
    /^::ffff:127(?:\.\d{1,3}){3}$/.test(name) ||
    MAPPED_LOOPBACK_HEX.test(name)
  );
}

/** Whether HOST is a wildcard (every interface) rather than one address. */
export function isWildcardHost(host: string): boolean {
  return ["0.0.0.0", "::", "[::]"].includes(normalizeHostName(host));
}

/** An IP address as it appears in a `Host` header: IPv6 in brackets. */
export function hostForm(address: string): string {
  return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
}

/** Every address of this machine's interfaces, in `Host` form. */
export function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .map((entry) => hostForm(normalizeHostName(entry.address.replace(/%.*$/, ""))));
}
