import type { ProxyError } from "../../errors";

/** OpenAI's error shape, `{"error": {message, type, param, code}}`; also that of the proxy's own API. */
export function openaiErrorResponse(error: ProxyError, headers: Headers = new Headers()): Response {
  headers.set("content-type", "application/json");
  // 499 (client closed) is not a status a Response may carry to anyone; nobody reads it anyway.
  const status = error.status === 499 ? 400 : error.status;
  return new Response(JSON.stringify(error.toJSON()), { status, headers });
}
