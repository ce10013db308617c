import type { $ZodError, $ZodIssue } from "zod/v4/core";
import { invalidRequest, type ProxyError } from "../errors";

/**
 * A zod failure as one readable OpenAI-style 400: "messages[0].role: Invalid input …". A failed
 * union (content as a string or a list of parts) is described by the alternative that got
 * furthest, so the message names the part that is wrong ("messages[0].content[1].type: …")
 * rather than saying only that the content is invalid.
 */
export function validationError(error: $ZodError): ProxyError {
  const issues = error.issues.slice(0, 5).map(mostSpecific);
  const described = issues.map(({ path, message }) => {
    const where = formatPath(path);
    return where ? `${where}: ${message}` : message;
  });
  const first = issues[0];
  return invalidRequest(`Invalid request: ${described.join("; ")}`, first ? formatPath(first.path) || null : null, "invalid_request");
}

interface PathIssue {
  path: PropertyKey[];
  message: string;
}

/** The issue itself, or for a failed union the deepest issue of the alternative that got furthest. */
function mostSpecific(issue: $ZodIssue): PathIssue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return { path: issue.path, message: missingMessage(issue) ?? issue.message };
  let best: PathIssue | undefined;
  for (const alternative of issue.errors) {
    const first = alternative[0];
    if (!first) continue;
    const inner = mostSpecific(first);
    if (!best || inner.path.length > best.path.length) best = inner;
  }
  // Every alternative failed at the union itself (wrong type altogether): the union's own message says more.
  if (!best || best.path.length === 0) return { path: issue.path, message: unionMessage(issue) };
  return { path: [...issue.path, ...best.path], message: best.message };
}

/** A field left out reads as such, not as zod's "Invalid input: expected number, received undefined". */
function missingMessage(issue: $ZodIssue): string | undefined {
  if (issue.code !== "invalid_type" || !issue.message.endsWith("received undefined")) return undefined;
  return `required field missing (expected ${issue.expected})`;
}

function unionMessage(issue: Extract<$ZodIssue, { code: "invalid_union" }>): string {
  const expected = issue.errors.flatMap((alternative) => alternative.flatMap((inner) => (inner.code === "invalid_type" && inner.path.length === 0 ? [inner.expected] : [])));
  return expected.length === issue.errors.length ? `Invalid input: expected ${expected.join(" or ")}` : issue.message;
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), "");
}
