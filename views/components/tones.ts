/**
 * Stable colours: a provider or tier keeps its colour on every chart and in every range (the
 * tones are CSS classes with light and dark variants in dashboard.css).
 */
const providerTones: Record<string, string> = { openai: "1", anthropic: "2", gemini: "3", "claude-cli": "4", ollama: "5", proxy: "none" };

export function providerTone(provider: string): string {
  const known = providerTones[provider];
  if (known) return known;
  let hash = 0;
  for (const character of provider) hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  return String(6 + (hash % 3));
}

export function tierTone(tier: string): string {
  return tier === "economy" || tier === "standard" || tier === "premium" ? tier : "none";
}
