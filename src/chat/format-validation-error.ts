import type { $ZodError } from "zod/v4/core";
import { invalidRequest, type ProxyError } from "../errors";

/** A zod failure as one readable OpenAI-style 400: "messages[0].role: Invalid input …". */
export function validationError(error: $ZodError): ProxyError {
  const issues = error.issues.slice(0, 5).map((issue) => {
    const path = formatPath(issue.path);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const first = error.issues[0];
  return invalidRequest(`Invalid request: ${issues.join("; ")}`, first ? formatPath(first.path) || null : null, "invalid_request");
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), "");
}
