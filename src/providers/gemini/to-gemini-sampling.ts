import type { GenerateContentConfig } from "@google/genai";
import type { ChatRequest } from "../../chat/request-schema";
import type { Logger } from "../../logger";
import type { FieldSupport, GeminiModelRules, SamplingField } from "./gemini-model-rules";

/**
 * temperature, top_p and the two penalties as far as the model takes them (its rules row). A
 * field the model ignores or answers with a 400 is dropped, with one log line naming the dropped
 * fields; nothing is sent that the client did not send.
 */
type GeminiSampling = Pick<GenerateContentConfig, "temperature" | "topP" | "presencePenalty" | "frequencyPenalty">;

const geminiName: Record<SamplingField, keyof GeminiSampling> = {
  temperature: "temperature",
  top_p: "topP",
  presence_penalty: "presencePenalty",
  frequency_penalty: "frequencyPenalty",
};

export function toGeminiSampling(request: ChatRequest, model: string, rules: GeminiModelRules, logger: Logger): GeminiSampling {
  const sampling: GeminiSampling = {};
  const dropped: Partial<Record<FieldSupport, SamplingField[]>> = {};
  for (const field of Object.keys(geminiName) as SamplingField[]) {
    const value = request[field];
    if (value == null) continue;
    const support = rules.sampling[field];
    if (support === "accepted") sampling[geminiName[field]] = value;
    else (dropped[support] ??= []).push(field);
  }
  if (dropped.ignored) logger.debug(`dropped sampling parameters ${rules.family} ignores`, { model, fields: dropped.ignored });
  if (dropped.rejected) logger.debug(`dropped sampling parameters ${rules.family} rejects`, { model, fields: dropped.rejected });
  return sampling;
}
