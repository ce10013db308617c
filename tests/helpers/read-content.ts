/**
 * Reads an `openai` SDK chat stream to its end: the content text seen, and the error that ended it
 * (a mid-stream error event), if any.
 */
export async function readContent(stream: AsyncIterable<{ choices: Array<{ delta: { content?: string | null } }> }>): Promise<{ text: string; failure: Error | undefined }> {
  let text = "";
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  } catch (error) {
    return { text, failure: error as Error };
  }
  return { text, failure: undefined };
}
