import type { Result, Router } from "hono/router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { SmartRouter } from "hono/router/smart-router";
import { TrieRouter } from "hono/router/trie-router";

/** Distinct method and path pairs remembered at most; past it the memo starts again (random 404 paths cannot grow it). */
const MAX_REMEMBERED = 512;
/** A longer path is matched but not remembered, so the memo stays small (512 × 256 characters at most). */
const MAX_REMEMBERED_PATH = 256;

/**
 * Hono's default router (the same SmartRouter, so the same matches in the same order), with the
 * match for each method and path remembered: the app's routes fall to Hono's TrieRouter, which
 * splits the path and walks its tree on every request (~1% of a small request's CPU), while a
 * client sends the same few paths again and again. Hono only reads a match (its own RegExpRouter
 * hands out one shared result per static route), so one result serves every request for its path.
 * Adding a route forgets every remembered match.
 */
export class MemoRouter<T> implements Router<T> {
  readonly name = "MemoRouter";
  private readonly router: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter<T>(), new TrieRouter<T>()] });
  private readonly matches = new Map<string, Map<string, Result<T>>>();
  private remembered = 0;

  add(method: string, path: string, handler: T): void {
    this.forget();
    this.router.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    const known = this.matches.get(method)?.get(path);
    if (known) return known;
    const result = this.router.match(method, path);
    if (path.length > MAX_REMEMBERED_PATH) return result;
    if (this.remembered >= MAX_REMEMBERED) this.forget();
    let byPath = this.matches.get(method);
    if (!byPath) this.matches.set(method, (byPath = new Map()));
    byPath.set(path, result);
    this.remembered++;
    return result;
  }

  private forget(): void {
    this.matches.clear();
    this.remembered = 0;
  }
}
