import { isLoopbackHost, isWildcardHost, normalizeHostName } from "./security/host-names";

/**
 * Whether a provider's base URL is this proxy's own address: the port it listens on, under a
 * loopback name (when it listens there or everywhere), a wildcard or its HOST. A client's setting
 * (`ANTHROPIC_BASE_URL=http://127.0.0.1:3000` for Claude Code) read by the proxy as its own would
 * make it send every request back to itself, without end.
 */
export function isOwnAddress(baseUrl: string, host: string, port: number): boolean {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return false;
  }
  if (Number(url.port || (url.protocol === "https:" ? 443 : 80)) !== port) return false;
  const name = bare(url.hostname);
  if (name === bare(host)) return true;
  const local = isLoopbackHost(host) || isWildcardHost(host);
  return local && (isLoopbackHost(name) || isWildcardHost(name));
}

const bare = (name: string) => normalizeHostName(name).replace(/^\[(.*)\]$/, "$1");

interface ProviderUrls {
  host: string;
  port: number;
  openai: { baseUrl: string };
  anthropic: { baseUrl?: string };
  gemini: { baseUrl?: string };
  ollama: { baseUrl: string; enabled: boolean };
  customProviders: ReadonlyArray<{ baseUrl: string }>;
}

/** Each provider URL that is the proxy's own address, as a config issue (path, message). */
export function ownAddressIssues(config: ProviderUrls): Array<{ path: PropertyKey[]; message: string }> {
  const urls: Array<[PropertyKey[], string | undefined]> = [
    [["openai", "baseUrl"], config.openai.baseUrl],
    [["anthropic", "baseUrl"], config.anthropic.baseUrl],
    [["gemini", "baseUrl"], config.gemini.baseUrl],
    [["ollama", "baseUrl"], config.ollama.enabled ? config.ollama.baseUrl : undefined],
    ...config.customProviders.map((provider, index): [PropertyKey[], string] => [["customProviders", index, "baseUrl"], provider.baseUrl]),
  ];
  return urls
    .filter(([, value]) => value !== undefined && isOwnAddress(value, config.host, config.port))
    .map(([path, value]) => ({
      path,
      message:
        `points at this proxy itself (${value}), so it would send every request back to itself. ` +
        "That address is for the proxy's clients (Claude Code's ANTHROPIC_BASE_URL, OPENAI_BASE_URL for OpenAI clients); the proxy needs the provider's own URL, or none for the default. " +
        "If you exported it in this shell for a client, start the proxy without it (and without the client's placeholder API key), " +
        "e.g. `env -u ANTHROPIC_BASE_URL -u ANTHROPIC_API_KEY bun run start`, or start it from another shell.",
    }));
}
