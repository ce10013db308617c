import type { Door } from "./door";
import { openaiDoor } from "./openai/openai-door";
import { responsesDoor } from "./responses/responses-door";

/** Every front door the app mounts. A new door is one folder and one line here. */
export const doors: readonly Door[] = [openaiDoor, responsesDoor];
