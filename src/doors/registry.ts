import type { Door } from "./door";
import { openaiDoor } from "./openai/openai-door";

/** Every front door the app mounts. A new door is one folder and one line here. */
export const doors: readonly Door[] = [openaiDoor];
