import { formatPath, type JsonPath, withValue } from "./json-paths";
import { jsonPost, type MalformedRequest } from "./types";

/**
 * Door-independent breakage of strings and headers: lone UTF-16 surrogates in a model name (the
 * proxy replaces them with U+FFFD, tests/e2e/lone-surrogates-replaced.test.ts, so elsewhere they are
 * not malformed; a model of that name does not exist), control
 * characters and absurd lengths in names and ids, and headers that say the body is compressed
 * when it is not.
 */

/** A marker replaced in the serialised body, so that escapes reach the wire as written. */
const marker = "__escaped__";

/** Each place given holding a string with a lone surrogate, written as a JSON escape: only where the replaced text is still refused. */
export function loneSurrogates(path: string, base: unknown, places: readonly JsonPath[]): MalformedRequest[] {
  const escapes: Record<string, string> = {
    "a lone high surrogate": "a\\ud800b",
    "a lone low surrogate": "a\\udc00b",
    "a high surrogate at the end": "ab\\uDBFF",
    "two high surrogates": "\\ud83d\\ud83d",
    "a low surrogate before a high one": "\\udc00\\ud800",
  };
  return places.flatMap((place) =>
    Object.entries(escapes).map(([name, escaped]) =>
      jsonPost(`${name} in ${formatPath(place)}`, path, JSON.stringify(withValue(base, place, marker)).replace(`"${marker}"`, `"${escaped}"`)),
    ),
  );
}

/** Names and ids with characters no upstream takes in them, and of lengths no upstream takes. */
export function badNames(path: string, base: unknown, places: readonly JsonPath[], prefix = "name"): MalformedRequest[] {
  const values: Record<string, string> = {
    "a NUL": `${prefix}\u0000x`,
    "a newline": `${prefix}\nx`,
    "a DEL": `${prefix}\u007fx`,
    "an escape character": `${prefix}\u001b[31m`,
    "100,000 characters": "n".repeat(100_000),
    "1,000,000 characters": "n".repeat(1_000_000),
  };
  return places.flatMap((place) =>
    Object.entries(values).map(([name, value]) => jsonPost(`${formatPath(place)} with ${name}`, path, JSON.stringify(withValue(base, place, value)))),
  );
}

/** The valid body sent with headers that misdescribe it. */
export function misleadingHeaders(path: string, baseText: string, extra: Record<string, string> = {}): MalformedRequest[] {
  const cases: Record<string, Record<string, string>> = {
    "content-encoding gzip on a plain body": { "content-encoding": "gzip" },
    "content-encoding br on a plain body": { "content-encoding": "br" },
    "content-encoding deflate on a plain body": { "content-encoding": "deflate" },
    "content-encoding of an unknown kind": { "content-encoding": "x-made-up" },
    ...Object.fromEntries(Object.entries(extra).map(([name, value]) => [`${name}: ${value.slice(0, 40)}`, { [name]: value }])),
  };
  return Object.entries(cases).map(([name, headers]) => jsonPost(name, path, baseText, headers));
}
