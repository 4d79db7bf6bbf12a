/** What `/status` reports; every field is already known locally (no network call). */
export interface StatusFacts {
  provider: string;
  endpoint: string;
  region: string;
  model: string;
  sideModel?: string;
  mode: string;
  /** From the STS call /doctor made this session, if it ran. */
  identity?: { account: string; arn: string };
  /** Settings files read, highest priority first. */
  files: readonly string[];
  /** `key = value (source)` lines (src/config/describe.ts). */
  settings: readonly string[];
}

/** `/status` as text. */
export function statusReport(f: StatusFacts): string {
  return [
    "Status:",
    `  Provider:  ${f.provider}`,
    `  Endpoint:  ${f.endpoint}`,
    `  Region:    ${f.region}`,
    `  Identity:  ${f.identity ? `${f.identity.arn} (account ${f.identity.account})` : "not checked yet (/doctor asks AWS STS)"}`,
    `  Model:     ${f.model}${f.sideModel ? ` · side model ${f.sideModel}` : ""}`,
    `  Mode:      ${f.mode}`,
    `  Settings files: ${f.files.length ? f.files.join(", ") : "none (defaults and environment only)"}`,
    "  Settings:",
    ...f.settings.map((l) => `    ${l}`),
  ].join("\n");
}
