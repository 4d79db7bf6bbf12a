import { readFileSync } from "node:fs";
import type { z } from "zod";
import { defaultDestinationRegions, isRegionInGeo, splitGeoPrefix } from "./geography.js";
import { World } from "./schema.js";

/** A world that does not parse or does not hang together; the message names the source and field. */
export class WorldError extends Error {
  constructor(
    message: string,
    /** Every problem found, each "path: what is wrong" (the message shows the first few). */
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = "WorldError";
  }
}

type PathKey = PropertyKey;

/** Renders a path the way a reader would write it in JavaScript: models[2].regions[0]. */
export function formatPath(path: readonly PathKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(input: unknown, path: readonly PathKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function describeValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== "object") {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}..."` : s;
  }
  return undefined;
}

function zodProblem(issue: z.core.$ZodIssue, input: unknown): string {
  const path = formatPath(issue.path);
  // Our schema's own messages are noun phrases ("an AWS region name such as us-east-1"); zod's are sentences.
  const ours = issue.code === "invalid_format" || issue.code === "custom";
  let text = ours ? `expected ${issue.message}` : issue.message;
  if (issue.code !== "invalid_type" && issue.code !== "unrecognized_keys") {
    const got = describeValue(valueAt(input, issue.path));
    if (got !== undefined) text += ` (got ${got})`;
  }
  return path ? `${path}: ${text}` : text;
}

function fail(source: string, problems: string[]): never {
  const shown = problems.slice(0, 5).map((p) => `${source}: ${p}`);
  if (problems.length > 5) shown.push(`${source}: … and ${problems.length - 5} more`);
  throw new WorldError(shown.join("\n"), problems);
}

/** Checks what the schema alone cannot: references between parts of the world and uniqueness. */
function crossCheck(world: World): string[] {
  const problems: string[] = [];
  const models = new Map<string, { index: number; regions: string[] }>();
  world.models.forEach((m, i) => {
    const prior = models.get(m.modelId);
    if (prior)
      problems.push(`models[${i}].modelId: duplicate model ID "${m.modelId}" (also models[${prior.index}])`);
    else models.set(m.modelId, { index: i, regions: m.regions });
    m.access.regions?.forEach((r, k) => {
      if (!m.regions.includes(r))
        problems.push(
          `models[${i}].access.regions[${k}]: "${r}" is not one of the model's regions (${m.regions.join(", ")})`,
        );
    });
  });

  const profiles = new Map<string, { sources?: string[]; destinations: string[] }>();
  world.inferenceProfiles.forEach((p, i) => {
    const at = `inferenceProfiles[${i}]`;
    const id = `${p.geo}.${p.modelId}`;
    const model = models.get(p.modelId);
    if (!model) {
      problems.push(`${at}.modelId: no model "${p.modelId}" in models`);
      return;
    }
    if (profiles.has(id)) problems.push(`${at}: duplicate system profile "${id}"`);
    p.sourceRegions?.forEach((r, k) => {
      if (!isRegionInGeo(r, p.geo))
        problems.push(`${at}.sourceRegions[${k}]: "${r}" is not in the ${p.geo} geography`);
    });
    p.destinationRegions?.forEach((r, k) => {
      if (!isRegionInGeo(r, p.geo))
        problems.push(`${at}.destinationRegions[${k}]: "${r}" is not in the ${p.geo} geography`);
      else if (!model.regions.includes(r))
        problems.push(`${at}.destinationRegions[${k}]: model "${p.modelId}" is not hosted in "${r}"`);
    });
    const destinations = p.destinationRegions ?? defaultDestinationRegions(p.geo, model.regions);
    if (destinations.length === 0)
      problems.push(
        `${at}.geo: model "${p.modelId}" is hosted in no ${p.geo} region (its regions: ${model.regions.join(", ")})`,
      );
    const sources = p.sourceRegions ?? world.regions.filter((r) => isRegionInGeo(r, p.geo));
    profiles.set(id, { sources, destinations });
  });

  const appIds = new Map<string, number>();
  world.applicationProfiles.forEach((a, i) => {
    const at = `applicationProfiles[${i}]`;
    const prior = appIds.get(a.id);
    if (prior !== undefined)
      problems.push(`${at}.id: duplicate application profile ID "${a.id}" (also [${prior}])`);
    else appIds.set(a.id, i);
    if (!world.regions.includes(a.region))
      problems.push(
        `${at}.region: "${a.region}" is not one of the world's regions (${world.regions.join(", ")})`,
      );
    const model = models.get(a.copyFrom);
    if (model) {
      if (!model.regions.includes(a.region))
        problems.push(`${at}.copyFrom: model "${a.copyFrom}" is not hosted in ${a.region}`);
      return;
    }
    const profile = profiles.get(a.copyFrom);
    if (profile) {
      if (!profile.sources?.includes(a.region))
        problems.push(`${at}.copyFrom: system profile "${a.copyFrom}" cannot be called from ${a.region}`);
      return;
    }
    const hint = splitGeoPrefix(a.copyFrom) ? "system profile" : "model";
    problems.push(`${at}.copyFrom: no ${hint} "${a.copyFrom}" in this world`);
  });

  const names = new Map<string, number>();
  const keyIds = new Map<string, string>();
  const tokens = new Map<string, string>();
  world.identities.forEach((idn, i) => {
    const at = `identities[${i}]`;
    const prior = names.get(idn.name);
    if (prior !== undefined)
      problems.push(`${at}.name: duplicate identity name "${idn.name}" (also identities[${prior}])`);
    else names.set(idn.name, i);
    idn.accessKeys.forEach((k, j) => {
      const owner = keyIds.get(k.accessKeyId);
      if (owner !== undefined)
        problems.push(
          `${at}.accessKeys[${j}].accessKeyId: duplicate access key ID "${k.accessKeyId}" (also ${owner})`,
        );
      else keyIds.set(k.accessKeyId, `${at}.accessKeys[${j}]`);
    });
    idn.bearerKeys.forEach((k, j) => {
      const owner = tokens.get(k.token);
      // Never echo a token: it is a secret even in a test world.
      if (owner !== undefined)
        problems.push(`${at}.bearerKeys[${j}].token: duplicate bearer token (also ${owner})`);
      else tokens.set(k.token, `${at}.bearerKeys[${j}]`);
    });
  });
  return problems;
}

/** Validates a world (schema, then cross-references); throws WorldError naming `source` and the field. */
export function parseWorld(input: unknown, source = "world"): World {
  const parsed = World.safeParse(input);
  if (!parsed.success)
    fail(
      source,
      parsed.error.issues.map((i) => zodProblem(i, input)),
    );
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) fail(source, problems);
  return parsed.data;
}

/** Reads and validates a world JSON file; syntax errors report line and column. */
export function loadWorldFile(path: string): World {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new WorldError(`${path}: cannot read world file: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const offset = jsonErrorOffset(text);
    const { line, column } = lineColumn(text, offset);
    const reason = (err as Error).message.replace(/ in JSON at position \d+.*$/, "");
    throw new WorldError(`${path}:${line}:${column}: invalid JSON: ${reason}`);
  }
  return parseWorld(json, path);
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Offset of the first JSON syntax error. Node 20's JSON.parse does not always say where it failed
 * ("Unexpected token '}', … is not valid JSON"), so this small scanner finds the spot itself.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const bad = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) bad();
      i++;
    }
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch === "\\") {
        i++;
        if (text[i] === "u") {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? "")) {
              i += k;
              bad();
            }
          }
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i] ?? "x")) i++;
        else bad();
      } else if (ch < " ") bad();
      else i++;
    }
    bad();
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) {
      if (text[i] === "-") i++;
      bad();
    }
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') bad();
        string();
        ws();
        if (text[i] !== ":") bad();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else bad();
      }
    }
    if (ch === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else bad();
      }
    }
    if (ch === '"') string();
    else if (ch === "t") literal("true");
    else if (ch === "f") literal("false");
    else if (ch === "n") literal("null");
    else if (ch === "-" || (ch !== undefined && ch >= "0" && ch <= "9")) number();
    else bad();
  };
  try {
    value();
    ws();
    if (i < text.length) bad();
    return text.length;
  } catch (at) {
    if (typeof at === "number") return Math.min(at, text.length);
    throw at;
  }
}
