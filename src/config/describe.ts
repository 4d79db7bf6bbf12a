import { Secret } from "./secret.js";
import type { Settings } from "./settings.js";
import { describeSource, type Sourced } from "./sources.js";

// Proxy URLs carry basic-auth passwords (https://user:pass@proxy:8080); mask the password like a secret.
function maskUrlPassword(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@/\s]+)@/i, "$1:****@");
}

/** Renders a setting's value for humans: secrets redacted, URL passwords masked, strings as-is. */
export function formatValue(value: unknown): string {
  if (value instanceof Secret) return value.toString();
  if (typeof value === "string") return maskUrlPassword(value);
  return JSON.stringify(value);
}

/** `region = us-east-1 (env AWS_REGION)`, or `region is not set`. */
export function describeSetting(name: string, sourced: Sourced<unknown> | undefined): string {
  if (sourced === undefined) return `${name} is not set`;
  return `${name} = ${formatValue(sourced.value)} (${describeSource(sourced.source)})`;
}

/** Every scalar setting and model pin as `key = value (source)` lines, for `quarry config` and doctor. */
export function describeSettings(settings: Settings): string[] {
  const lines: string[] = [];
  const skip = new Set([
    "modelPins",
    "permissions",
    "catalogOverrides",
    "userConfigDir",
    "project",
    "files",
    "warnings",
  ]);
  for (const [key, sourced] of Object.entries(settings)) {
    if (!skip.has(key) && sourced !== undefined)
      lines.push(describeSetting(key, sourced as Sourced<unknown>));
  }
  for (const [tier, pin] of Object.entries(settings.modelPins))
    lines.push(describeSetting(`modelPins.${tier}`, pin));
  lines.push(describeSetting("userConfigDir", settings.userConfigDir));
  return lines;
}
