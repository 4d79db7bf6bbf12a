import type { PermissionDecision, PermissionMode } from "./types.js";

/**
 * WebFetch rules, as Claude Code writes them: `WebFetch(domain:example.com)` allows (or denies) fetching
 * from that host; `domain:*.example.com` covers its subdomains. A bare `WebFetch` covers every host.
 */
export function webRuleMatches(specifier: string, url: string | undefined): boolean {
  const host = hostOf(url);
  if (host === undefined || !specifier.startsWith("domain:")) return false;
  const domain = specifier.slice("domain:".length).trim().toLowerCase();
  if (domain.startsWith("*.")) return host.endsWith(domain.slice(1));
  return host === domain;
}

/** Checks a WebFetch rule's specifier when the rule is parsed; undefined = fine, else what is wrong. */
export function webSpecifierProblem(specifier: string): string | undefined {
  if (!specifier.startsWith("domain:") || specifier.slice("domain:".length).trim() === "") {
    return "WebFetch rules name a host, as in WebFetch(domain:example.com); write WebFetch alone to match every URL";
  }
  return undefined;
}

/** A fetch nobody allowed asks, in every mode but bypassPermissions; the suggested rule names the host. */
export function askForFetch(url: string | undefined, mode: PermissionMode): PermissionDecision {
  const host = hostOf(url) ?? "?";
  const shown = (url ?? "").length > 160 ? `${url?.slice(0, 157)}…` : (url ?? "");
  return {
    behavior: "ask",
    reason: `fetching from ${host} needs approval${mode === "plan" ? " (plan mode still asks)" : ""}`,
    ask: {
      summary: `fetch ${shown}`,
      suggestedRules: [`WebFetch(domain:${host})`],
      acceptEditsWouldAllow: false,
    },
  };
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
