import { MAX_MODEL_NAME_LENGTH } from "../chat/request-schema";

export { MAX_MODEL_NAME_LENGTH };
import { invalidRequest } from "../errors";
import type { LLMProvider } from "../providers/types";

/**
 * What a model name sent with a provider prefix (`gemini:…`, `openai:…`), and so not checked
 * against the catalog, may hold before it goes to that provider. A provider that puts the model in
 * its URL path (Gemini: `/models/{model}:generateContent`) gets letters, digits, '.', '_' and '-'
 * only, so the name cannot reach another path of the configured host (`tunedModels/x`, `../..`,
 * `%2e%2e`, `?`, `#`, `:method`). Others carry it in the body and also take the '/', ':' and '@'
 * of names like `hf.co/org/model:Q4_K_M`, but no '.', '..' or empty path segment.
 */

const inPath = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const inBody = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;

/** Throws a 400 naming `model` when the name may not go to the provider. */
export function checkPrefixedModelName(provider: Pick<LLMProvider, "displayName" | "modelInPath">, model: string): void {
  const reason = unsafeReason(model, provider.modelInPath === true);
  if (!reason) return;
  const shown = model.length > 80 ? `${model.slice(0, 80)}…` : model;
  throw invalidRequest(`The model name '${shown}' cannot be sent to ${provider.displayName}: ${reason}.`, "model", "invalid_model_name");
}

function unsafeReason(model: string, modelInPath: boolean): string | undefined {
  if (model.length > MAX_MODEL_NAME_LENGTH) return `it is ${model.length} characters long, more than any model name (at most ${MAX_MODEL_NAME_LENGTH})`;
  if (modelInPath) {
    return inPath.test(model) ? undefined : "it goes into the URL of its API, so it may hold only letters, digits, '.', '_' and '-', starting with a letter or digit";
  }
  if (!inBody.test(model)) return "a model name may hold only letters, digits and '.', '_', '-', ':', '/', '@', '+', starting with a letter or digit";
  if (model.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) return "a model name has no empty, '.' or '..' path segment";
  return undefined;
}
