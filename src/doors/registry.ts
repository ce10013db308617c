import { anthropicDoor } from "./anthropic/anthropic-door";
import type { Door } from "./door";
import { openaiDoor } from "./openai/openai-door";
import { responsesDoor } from "./responses/responses-door";

/**
 * Every front door the app mounts. A new door is one folder and one line here. Where two doors
 * serve the same path (GET /v1/models), the one listed first sees the request first, answers the
 * callers that are its own and passes the rest on with `next()`: the Anthropic door answers
 * Anthropic clients and leaves everyone else to the OpenAI door.
 */
export const doors: readonly Door[] = [anthropicDoor, openaiDoor, responsesDoor];
