/**
 * The client's tool names ↔ the names the CLI offers the model. The CLI lists an MCP server's tool
 * `x` as `mcp__<server>__x`, replaces characters outside [A-Za-z0-9_-] with "_" and passes long
 * names on uncut (checked with 2.1.332), while the Anthropic API takes tool names of at most 64
 * such characters. So a client name that is already safe and short enough is kept; any other gets
 * a safe, shortened form with a hash of the original, unique within the request. The client only
 * ever sees its own names: every name the model uses is mapped back.
 */
const allowed = /^[A-Za-z0-9_-]+$/;
const apiNameLimit = 64;

export class ClientToolNames {
  private readonly toServer = new Map<string, string>();
  private readonly toClient = new Map<string, string>();
  private readonly prefix: string;

  constructor(clientNames: readonly string[], server: string) {
    this.prefix = `mcp__${server}__`;
    const limit = apiNameLimit - this.prefix.length;
    const unique = [...new Set(clientNames)];
    // Names kept as they are first, so a shortened name can never take one of theirs.
    for (const name of unique.filter((candidate) => allowed.test(candidate) && candidate.length <= limit)) this.add(name, name);
    for (const name of unique.filter((candidate) => !this.toServer.has(candidate))) {
      const stem = name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, limit - 9);
      let serverName = `${stem}_${hash(name)}`;
      for (let attempt = 1; this.toClient.has(serverName); attempt++) serverName = `${stem}_${hash(`${name}\u0000${attempt}`)}`;
      this.add(name, serverName);
    }
  }

  /** The tool's name in the MCP server's tools/list. */
  serverName(clientName: string): string {
    const name = this.toServer.get(clientName);
    if (name === undefined) throw new Error(`no MCP name for the client tool '${clientName}'`);
    return name;
  }

  /** The name the model calls the tool by (`mcp__client__…`). */
  modelName(clientName: string): string {
    return this.prefix + (this.toServer.get(clientName) ?? clientName);
  }

  /**
   * The client's name for a tool the model called. A name outside the list (the model made one
   * up) loses the MCP prefix and is passed on, so the client reports the unknown tool itself.
   */
  clientName(modelName: string): string {
    const serverName = modelName.startsWith(this.prefix) ? modelName.slice(this.prefix.length) : modelName;
    return this.toClient.get(serverName) ?? serverName;
  }

  private add(clientName: string, serverName: string): void {
    this.toServer.set(clientName, serverName);
    this.toClient.set(serverName, clientName);
  }
}

const hash = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex").slice(0, 8);
