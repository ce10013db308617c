/**
 * What one compression did, for the request log and the dashboard. Characters are exact;
 * tokens are an estimate (four characters a token) because the runtime does not load a
 * tokenizer — the eval script measures real tokens.
 */
export const TRANSFORM_KINDS = ["terminal", "line-endings", "trailing-whitespace", "blank-lines", "repeated-lines", "duplicates", "tool-schemas"] as const;
export type TransformKind = (typeof TRANSFORM_KINDS)[number];

/** A step that threw and was skipped; `where` is a path into the request such as `messages[4]`. */
export interface SkippedStep {
  step: TransformKind | "segmentation" | "request";
  where: string;
}

export interface CompressionStats {
  mode: "safe" | "off";
  charactersBefore: number;
  charactersAfter: number;
  estimatedTokensBefore: number;
  estimatedTokensAfter: number;
  /** Characters removed by each kind of transform, and how many texts it changed. */
  transforms: Record<TransformKind, { charactersSaved: number; textsChanged: number }>;
  skipped: SkippedStep[];
  /** Messages left alone because the request carries prompt-cache marks (see README). */
  messagesKeptForCache: number;
  durationMs: number;
}

export const estimateTokens = (characters: number) => Math.ceil(characters / 4);

export function emptyStats(mode: "safe" | "off"): CompressionStats {
  const transforms = {} as CompressionStats["transforms"];
  for (const kind of TRANSFORM_KINDS) transforms[kind] = { charactersSaved: 0, textsChanged: 0 };
  return {
    mode,
    charactersBefore: 0,
    charactersAfter: 0,
    estimatedTokensBefore: 0,
    estimatedTokensAfter: 0,
    transforms,
    skipped: [],
    messagesKeptForCache: 0,
    durationMs: 0,
  };
}

export function recordTransform(stats: CompressionStats, kind: TransformKind, charactersSaved: number): void {
  stats.transforms[kind].charactersSaved += charactersSaved;
  stats.transforms[kind].textsChanged += 1;
}
