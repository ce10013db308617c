import { anthropicCorpus } from "./anthropic";
import { openaiCorpus } from "./openai";
import { responsesCorpus } from "./responses";
import type { DoorCorpus } from "./types";

export { bodyInit, type DoorCorpus, type MalformedRequest } from "./types";

/** Every door's share of the corpus. A new door adds its generator here. */
export const doorCorpora: readonly DoorCorpus[] = [openaiCorpus, anthropicCorpus, responsesCorpus];
