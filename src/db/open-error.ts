import { errorCode, rootMessage } from "./driver-error";

/**
 * Why the database could not be opened at start, in words a user can act on: the cause (refused,
 * unknown host, no answer, authentication, missing database, no permission) and the variable to
 * fix. Never holds the password of DATABASE_URL.
 */
export class DatabaseOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DatabaseOpenError";
  }
}

/** Seconds allowed to connect and log in at start, so a port that never answers fails fast. */
export const CONNECT_TIMEOUT_SECONDS = 5;

/**
 * Seconds allowed for the first query as a whole, beyond the connect timeout, so a port that keeps
 * closing the connections (the driver reconnects each time) fails too. Its error carries this code.
 */
export const FIRST_ANSWER_TIMEOUT_SECONDS = CONNECT_TIMEOUT_SECONDS * 2;
export const NO_POSTGRES_ANSWER = "NO_POSTGRES_ANSWER";

interface ServerTarget {
  /** user@host:port/database, without the password. */
  label: string;
  host: string;
  port: string;
  user: string;
  database: string;
}

function serverTarget(databaseUrl: string): ServerTarget {
  try {
    const url = new URL(databaseUrl);
    const host = url.hostname || "localhost";
    const port = url.port || "5432";
    const user = decodeURIComponent(url.username) || "(default user)";
    const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || user;
    return { label: `${user}@${host}:${port}/${database}`, host, port, user, database };
  } catch {
    return { label: "the server in DATABASE_URL", host: "?", port: "?", user: "?", database: "?" };
  }
}

/** A failure to connect to or log in to the PostgreSQL server of DATABASE_URL. */
export function postgresConnectError(error: unknown, databaseUrl: string): DatabaseOpenError {
  const target = serverTarget(databaseUrl);
  const code = errorCode(error);
  const at = `${target.host}:${target.port}`;
  const reason = ((): string => {
    switch (code) {
      case "ECONNREFUSED":
        return `connection refused at ${at}: no PostgreSQL server listens there. Start it, or fix the host and port in DATABASE_URL.`;
      case "ENOTFOUND":
      case "EAI_AGAIN":
      case "EAI_NONAME":
        return `unknown host "${target.host}": the name does not resolve. Fix the host in DATABASE_URL.`;
      case "CONNECT_TIMEOUT":
      case "ETIMEDOUT":
        return `no answer from ${at} within ${CONNECT_TIMEOUT_SECONDS} s (a firewall, or a server that does not speak PostgreSQL). Fix the host and port in DATABASE_URL.`;
      case NO_POSTGRES_ANSWER:
        return `${at} accepts connections but gave no PostgreSQL answer within ${FIRST_ANSWER_TIMEOUT_SECONDS} s: it closes them (a server that does not speak PostgreSQL, such as a web server, or a proxy in front of one that is down). Fix the host and port in DATABASE_URL.`;
      case "28P01":
        return `authentication failed for user "${target.user}": wrong password. Fix the user or password in DATABASE_URL.`;
      case "28000":
        return `authentication failed for user "${target.user}" (${rootMessage(error)}). Fix the user or password in DATABASE_URL, or allow this user in pg_hba.conf.`;
      case "3D000":
        return `database "${target.database}" does not exist on ${at}. Create it (createdb ${target.database}) or fix the database name in DATABASE_URL.`;
      case "53300":
        return `the server at ${at} has no connection slots left (${rootMessage(error)}). Close other connections or raise max_connections.`;
      case "57P03":
        return `the server at ${at} is starting up or shutting down. Try again in a moment.`;
      default:
        return `${rootMessage(error)}. Check DATABASE_URL.`;
    }
  })();
  return new DatabaseOpenError(`cannot connect to PostgreSQL as ${target.label} (DATABASE_URL): ${reason}`, { cause: error });
}

/** A failure while creating the proxy's tables on a server it could log in to. */
export function postgresMigrationError(error: unknown, databaseUrl: string): DatabaseOpenError {
  const target = serverTarget(databaseUrl);
  const hint =
    errorCode(error) === "42501"
      ? `user "${target.user}" may not create the proxy's tables in database "${target.database}". Grant it CREATE on the database, or use another user in DATABASE_URL.`
      : `${rootMessage(error)}. Check DATABASE_URL.`;
  return new DatabaseOpenError(`cannot create the proxy's tables as ${target.label} (DATABASE_URL): ${hint}`, { cause: error });
}

const fileSystemReasons: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOTDIR: "a part of the path is a file, not a directory",
  EEXIST: "the path exists and is not a directory",
  ENOSPC: "no space left on the device: a new database needs about 48 MiB, and more as the log grows",
  EDQUOT: "disk quota exceeded",
  ENOENT: "a part of the path does not exist",
};

/** A failure to create, open or initialise PGlite's data directory. */
export function pgliteOpenError(error: unknown, dataDir: string): DatabaseOpenError {
  const code = errorCode(error);
  const fileSystemReason = code ? fileSystemReasons[code] : undefined;
  const reason = fileSystemReason
    ? `cannot create or write the directory (${fileSystemReason}). Point DATA_DIR at a directory this user can write, or set DATABASE_URL to use a PostgreSQL server.`
    : `${rootMessage(error)}. Point DATA_DIR at an empty directory or at a claude-proxy data directory, or set DATABASE_URL to use a PostgreSQL server.`;
  return new DatabaseOpenError(`cannot open the embedded database in DATA_DIR=${dataDir}: ${reason}`, { cause: error });
}

/** A failure to start or reach the embedded native PostgreSQL server in DATA_DIR. */
export function nativeOpenError(error: unknown, dataDir: string): DatabaseOpenError {
  return new DatabaseOpenError(
    `cannot start the embedded PostgreSQL in DATA_DIR=${dataDir}: ${rootMessage(error)}. Set EMBEDDED_DATABASE=pglite to use the in-process database instead, or DATABASE_URL to use a PostgreSQL server.`,
    { cause: error },
  );
}
