/**
 * The server's settings, passed as `-c` flags at every start (so an upgrade of the proxy changes
 * them without editing postgresql.conf). Chosen for a request log on a laptop: small memory, no
 * network, few processes. Measured in bench/embedded-database-options.ts.
 */
export function serverSettings(socketDir: string): string[] {
  const settings: Record<string, string> = {
    // Only the Unix socket, in a directory only the server's user (and root) can enter: no TCP
    // port to collide with or to expose, and no password to keep.
    listen_addresses: "",
    unix_socket_directories: socketDir,
    unix_socket_permissions: "0700",
    // The proxy opens at most 5 connections, plus one for migrations.
    max_connections: "12",
    superuser_reserved_connections: "2",
    // 128MB by default; the request log's working set is a few MB and the OS page cache serves the rest.
    shared_buffers: "8MB",
    // One autovacuum worker at a time is plenty for an append-mostly log (the default is 3).
    autovacuum_max_workers: "1",
    // PostgreSQL 18 starts 3 I/O worker processes by default; synchronous I/O needs none.
    io_method: "sync",
    // No replication: less WAL, no WAL sender slots.
    wal_level: "minimal",
    max_wal_senders: "0",
    max_worker_processes: "2",
    max_parallel_workers: "0",
    max_parallel_workers_per_gather: "0",
    max_logical_replication_workers: "0",
    log_min_messages: "warning",
    log_checkpoints: "off",
    log_line_prefix: "%m [%p] ",
  };
  return Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]);
}
