import type { Database } from "../../src/db/client";

/**
 * The database with every write (drizzle's `execute` or `insert`, or a prepared statement sent
 * through postgres.js's `unsafe` by src/db/prepared-statement.ts) going through `beforeWrite`
 * first: it can count writes, fail one, or hold one until the test lets it go.
 */
export function interceptWrites(db: Database, beforeWrite: () => void | Promise<void>): Database {
  const deferThen = <T extends object>(builder: T): T =>
    new Proxy(builder, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (key === "then") {
          return (resolve: (value: unknown) => unknown, reject: (reason: unknown) => unknown) =>
            Promise.resolve()
              .then(beforeWrite)
              .then(() => target as unknown as PromiseLike<unknown>)
              .then(resolve, reject);
        }
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const result = (value as (...args: unknown[]) => unknown).apply(target, args);
          return result && typeof result === "object" && "then" in result ? deferThen(result) : result;
        };
      },
    });
  return new Proxy(db, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (key === "execute") {
        return async (...args: unknown[]) => {
          await beforeWrite();
          return (value as (...args: unknown[]) => unknown).apply(target, args);
        };
      }
      if (key === "$client" && typeof value === "function") {
        const client = value as unknown as { unsafe: (...args: unknown[]) => unknown };
        return new Proxy(value, {
          get(clientTarget, clientKey) {
            if (clientKey !== "unsafe") return Reflect.get(clientTarget, clientKey, clientTarget) as unknown;
            return async (...args: unknown[]) => {
              await beforeWrite();
              return client.unsafe(...args);
            };
          },
        });
      }
      if (key === "insert") return (...args: unknown[]) => deferThen((value as (...args: unknown[]) => object).apply(target, args));
      return value;
    },
  });
}
