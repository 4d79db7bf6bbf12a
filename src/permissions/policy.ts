import { resolve } from "node:path";
import type { SettingSource } from "../config/sources.js";
import { bashAllowCoverage, bashDenyCheck, bashDenyMatch, collapse } from "./bash-rules.js";
import { escapeGlob } from "./glob.js";
import { isInside, realLocation, Workspace } from "./paths.js";
import { guardProtectedWrites, ProtectedPaths } from "./protected-paths.js";
import { EDIT_FAMILY, type PermissionRule, parseRule, READ_FAMILY } from "./rule.js";
import type { AskDetails, PermissionDecision, PermissionMode, PermissionRequest } from "./types.js";
import { askForFetch, webRuleMatches } from "./web-rules.js";

/** A rule string with where it came from (a settings file, a flag); `Sourced<string>` from config fits. */
export interface RuleInput {
  readonly value: string;
  readonly source?: string | SettingSource;
}

/** Everything a policy needs; `home` is injectable so tests never touch the real home directory. */
export interface PolicyOptions {
  readonly mode: PermissionMode;
  readonly allow?: readonly (string | RuleInput)[];
  readonly deny?: readonly (string | RuleInput)[];
  readonly projectRoot: string;
  readonly home: string;
  /** Extra directories treated like the project (`--add-dir`). */
  readonly additionalDirectories?: readonly string[];
  /** Quarry's and Claude Code's user config and data directories; writes there always ask. */
  readonly protectedDirectories?: readonly string[];
  /**
   * False: no allow rule of this policy lifts path protection, even one naming the path (a command's
   * `allowed-tools` grant, which must never widen past protected paths). Default true.
   */
  readonly rulesCoverProtected?: boolean;
  /** The Bash sandbox's say on a Bash call that would ask (src/sandbox/session-sandbox.ts); absent = none. */
  readonly sandbox?: { reviewBash(decision: PermissionDecision, command: string): PermissionDecision };
}

/** Decides, for each tool call, whether it runs, is refused, or needs the user's approval. */
export interface PermissionPolicy {
  readonly mode: PermissionMode;
  setMode(mode: PermissionMode): void;
  decide(request: PermissionRequest): PermissionDecision;
  /** Adds an allow rule for the rest of this session ("allow for this session" in the UI). */
  addSessionRule(rule: string): void;
}

interface Entry {
  readonly rule: PermissionRule;
  /** "in settings", "from --allowedTools", "for this session". */
  readonly where: string;
}

// Tools that only change Quarry's own state (the todo list), so even plan mode lets them run.
const AGENT_STATE_TOOLS: ReadonlySet<string> = new Set(["TodoWrite"]);

/** Builds a policy; throws PermissionRuleError (naming the rule and its source) for a malformed rule. */
export function createPermissionPolicy(options: PolicyOptions): PermissionPolicy {
  const workspace = new Workspace(options.projectRoot, options.home, options.additionalDirectories);
  const protectedPaths = new ProtectedPaths(options.home, workspace.roots, options.protectedDirectories);
  const allow = (options.allow ?? []).map(toEntry);
  const deny = (options.deny ?? []).map(toEntry);
  let mode = options.mode;

  const decide = (request: PermissionRequest): PermissionDecision => {
    const denied = findDeny(request, deny, workspace);
    if (denied) {
      return {
        behavior: "deny",
        reason: `denied by rule ${denied.rule.text} ${denied.where}`,
        rule: denied.rule.text,
      };
    }
    // Protected paths ask in every mode (plan mode refuses writes anyway); docs/security/protected-paths.md.
    const guarded =
      mode === "plan"
        ? undefined
        : guardProtectedWrites(
            protectedPaths,
            request,
            options.rulesCoverProtected === false ? [] : allow,
            workspace,
          );
    if (guarded) return guarded;
    // A deny rule that may match only once the command runs (`$cmd x`, `rm $flags`) is never bypassed,
    // neither by bypassPermissions nor by a bare `Bash` allow rule.
    const doubt =
      request.target.kind === "bash" && mode !== "plan"
        ? bashDenyCheck(request.target.command ?? "", deny)
        : undefined;
    if (doubt?.kind === "uncertain") return bashDenyDoubt(request.target.command ?? "", doubt.doubts);
    if (mode === "bypassPermissions") {
      return { behavior: "allow", reason: "bypassPermissions mode allows everything no deny rule forbids" };
    }
    switch (request.target.kind) {
      case "none":
        return decideOther(request, allow, mode);
      case "bash": {
        const decision = decideBash(request.target.command ?? "", allow, mode);
        return options.sandbox?.reviewBash(decision, request.target.command ?? "") ?? decision;
      }
      case "read":
      case "edit":
        return decidePaths(request, allow, mode, workspace);
      case "web":
        return decideWeb(request, allow, mode);
    }
  };

  return {
    get mode() {
      return mode;
    },
    setMode(next) {
      mode = next;
    },
    decide,
    addSessionRule(rule) {
      allow.push({ rule: parseRule(rule), where: "for this session" });
    },
  };
}

function toEntry(input: string | RuleInput): Entry {
  const { value, source } = typeof input === "string" ? { value: input, source: undefined } : input;
  return { rule: parseRule(value), where: describeWhere(source) };
}

function describeWhere(source: string | SettingSource | undefined): string {
  if (source === undefined) return "in settings";
  if (typeof source === "string") return source.startsWith("--") ? `from ${source}` : `in ${source}`;
  switch (source.kind) {
    case "flag":
      return `from ${source.name}`;
    case "env":
      return `from env ${source.name}`;
    case "file":
    case "claude-settings":
      return `in ${source.path} (${source.key})`;
    case "default":
      return "by default";
  }
}

/** Whether a bare-name or path rule is about this kind of request. */
function ruleApplies(rule: PermissionRule, request: PermissionRequest, forAllow: boolean): boolean {
  const { tool, target } = request;
  if (rule.tool === tool) return true;
  if (rule.tool === "Bash") return target.kind === "bash";
  if (rule.tool === READ_FAMILY) return target.kind === "read";
  // Permission to edit a path implies permission to read it (edit tools read the file first).
  if (EDIT_FAMILY.has(rule.tool)) return target.kind === "edit" || (forAllow && target.kind === "read");
  if (rule.tool.endsWith("*")) return tool.startsWith(rule.tool.slice(0, -1));
  // `mcp__server` names every tool of that MCP server.
  return rule.tool.startsWith("mcp__") && tool.startsWith(`${rule.tool}__`);
}

function findDeny(
  request: PermissionRequest,
  deny: readonly Entry[],
  workspace: Workspace,
): Entry | undefined {
  const { target } = request;
  if (target.kind === "bash") {
    const hit = bashDenyMatch(target.command ?? "", deny);
    if (hit) return hit;
  }
  const paths = target.paths ?? [];
  return deny.find(({ rule }) => {
    if (rule.kind === "bash" || !ruleApplies(rule, request, false)) return false;
    if (rule.kind === "tool") return true;
    if (rule.kind === "specifier")
      return target.kind === "web"
        ? webRuleMatches(rule.specifier, target.url)
        : specifierMatches(rule.specifier, target.command);
    // Deny if either the path as written or where it really leads is covered.
    return paths.some(
      (p) => workspace.matches(rule.pattern, resolve(p)) || workspace.matches(rule.pattern, realLocation(p)),
    );
  });
}

function specifierMatches(specifier: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  return specifier.endsWith(":*") ? value.startsWith(specifier.slice(0, -2)) : value === specifier;
}

function allowedBy(entries: readonly Entry[]): string {
  return `allowed by ${entries.map((e) => `rule ${e.rule.text} ${e.where}`).join(" and ")}`;
}

function planDenial(summary: string): PermissionDecision {
  return {
    behavior: "deny",
    reason:
      `Quarry is in plan mode, which is read-only, so it cannot ${summary}. Keep exploring with read-only ` +
      "tools and present your plan; edits and commands can run once the user leaves plan mode.",
  };
}

function decideOther(
  request: PermissionRequest,
  allow: readonly Entry[],
  mode: PermissionMode,
): PermissionDecision {
  const { tool, target } = request;
  const rule = allow.find(
    ({ rule }) =>
      (rule.kind === "tool" && ruleApplies(rule, request, true)) ||
      (rule.kind === "specifier" && rule.tool === tool && specifierMatches(rule.specifier, target.command)),
  );
  if (rule) return { behavior: "allow", reason: allowedBy([rule]), rule: rule.rule.text };
  if (AGENT_STATE_TOOLS.has(tool))
    return { behavior: "allow", reason: `${tool} changes only Quarry's own state` };
  if (request.readOnly) return { behavior: "allow", reason: `${tool} is read-only` };
  const summary = `use ${tool}`;
  if (mode === "plan") return planDenial(summary);
  return ask(`using ${tool} needs approval`, {
    summary,
    suggestedRules: [tool],
    acceptEditsWouldAllow: false,
  });
}

function decideWeb(
  request: PermissionRequest,
  allow: readonly Entry[],
  mode: PermissionMode,
): PermissionDecision {
  const rule = allow.find(
    ({ rule }) =>
      rule.tool === request.tool &&
      (rule.kind === "tool" ||
        (rule.kind === "specifier" && webRuleMatches(rule.specifier, request.target.url))),
  );
  if (rule) return { behavior: "allow", reason: allowedBy([rule]), rule: rule.rule.text };
  return askForFetch(request.target.url, mode);
}

function ask(reason: string, details: AskDetails): PermissionDecision {
  return { behavior: "ask", reason, ask: details };
}

function decideBash(command: string, allow: readonly Entry[], mode: PermissionMode): PermissionDecision {
  const shown = command.length > 160 ? `${command.slice(0, 157)}…` : command;
  const summary = `run \`${shown}\``;
  if (mode === "plan") return planDenial(summary);
  const coverage = bashAllowCoverage(command, allow);
  if (coverage.covered) {
    return {
      behavior: "allow",
      reason: allowedBy(coverage.by),
      rule: coverage.by.map((e) => e.rule.text).join(", "),
    };
  }
  const exactWouldDo = coverage.why === "uncovered" || coverage.why === "uncertain";
  const suggestedRules = exactWouldDo && command.trim() !== "" ? [`Bash(${collapse(command)})`] : [];
  let reason = `running \`${shown}\` needs approval`;
  if (coverage.why === "uncertain") {
    reason += `: ${coverage.doubts.join("; ")}, so no allow rule but an exact one can cover it`;
  } else if (coverage.why === "unavailable") {
    reason += `: ${coverage.doubts.join("; ")}`;
  } else if (coverage.why === "substitution") {
    reason += ": it uses command substitution ($(…) or backticks), which allow rules never match";
  } else if (coverage.why === "incomplete") {
    reason +=
      ": it could not be parsed with certainty (an unclosed quote or substitution, or a form the parser does not read, such as `<>`)";
  } else if (coverage.uncovered.length > 0 && coverage.uncovered[0] !== command) {
    const parts = coverage.uncovered.map((c) => `\`${c}\``).join(", ");
    reason += `: ${parts} ${coverage.uncovered.length === 1 ? "is" : "are"} not covered by an allow rule`;
  }
  return ask(reason, { summary, suggestedRules, acceptEditsWouldAllow: false });
}

function bashDenyDoubt(command: string, doubts: readonly string[]): PermissionDecision {
  const shown = command.length > 160 ? `${command.slice(0, 157)}…` : command;
  return ask(
    `running \`${shown}\` needs approval, as a deny rule may apply once it runs: ${doubts.join("; ")}`,
    {
      summary: `run \`${shown}\``,
      suggestedRules: [],
      acceptEditsWouldAllow: false,
    },
  );
}

function decidePaths(
  request: PermissionRequest,
  allow: readonly Entry[],
  mode: PermissionMode,
  workspace: Workspace,
): PermissionDecision {
  const { kind } = request.target;
  const verb = kind === "read" ? "read" : "edit";
  const paths = request.target.paths?.length ? request.target.paths : [workspace.projectRoot];
  const byRules: Entry[] = [];
  const outside: string[] = [];
  const needsApproval: string[] = [];
  const suggestions: string[] = [];
  for (const path of paths) {
    const lexical = resolve(path);
    const real = realLocation(lexical);
    const inside = workspace.containsReal(real);
    const rule = allow.find(({ rule }) => {
      if (!ruleApplies(rule, request, true)) return false;
      // A bare `Read`/`Edit` rule never reaches outside the workspace; only a rule naming the path does.
      if (rule.kind === "tool") return inside;
      if (rule.kind !== "path") return false;
      return workspace.matches(rule.pattern, real) || (inside && workspace.matches(rule.pattern, lexical));
    });
    if (rule) {
      if (!byRules.includes(rule)) byRules.push(rule);
      continue;
    }
    if (inside && (kind === "read" || mode === "acceptEdits")) continue;
    if (kind === "edit" && mode === "plan") return planDenial(`edit ${workspace.display(lexical)}`);
    const family = kind === "read" ? "Read" : "Edit";
    suggestions.push(`${family}(${escapeGlob(workspace.display(inside ? lexical : real))})`);
    if (!inside) {
      outside.push(
        real === lexical || !workspace.roots.some((r) => isInside(lexical, r))
          ? `${lexical} is outside the project (${workspace.projectRoot})`
          : `${lexical} resolves to ${real}, outside the project (${workspace.projectRoot})`,
      );
    }
    needsApproval.push(workspace.display(lexical));
  }
  if (needsApproval.length === 0) {
    if (byRules.length > 0) {
      return {
        behavior: "allow",
        reason: allowedBy(byRules),
        rule: byRules.map((e) => e.rule.text).join(", "),
      };
    }
    return {
      behavior: "allow",
      reason:
        kind === "read"
          ? "reading inside the project is allowed"
          : "acceptEdits mode allows edits inside the project",
    };
  }
  const reason =
    outside.length > 0
      ? `${outside.join("; ")}; ${outside.length === 1 ? "it needs" : "they need"} explicit permission`
      : `editing ${needsApproval.join(", ")} needs approval in ${mode} mode`;
  return ask(reason, {
    summary: `${verb} ${needsApproval.join(", ")}`,
    suggestedRules: suggestions,
    acceptEditsWouldAllow: kind === "edit" && outside.length === 0 && mode === "default",
  });
}
