// Classifies whatever a user typed as a model: alias, foundation-model ID, system inference-profile ID or
// one of Bedrock's model ARNs (WIRE.md §9.1). Pure string work; no region or network knowledge. Rejections
// carry a reason a person can act on, because a bad model ID is the most common Bedrock failure
// (FIELD-REPORT §2 P2/P3).

import { findByAnthropicName, isModelAlias, type ModelAlias } from "./catalog.js";
import { GEOS, type Geo, isGeo, isValidRegionName, type Partition } from "./geography.js";

/** ARN resource types Bedrock accepts as a runtime `modelId`. */
export type ArnResourceType =
  | "foundation-model"
  | "inference-profile"
  | "application-inference-profile"
  | "provisioned-model"
  | "custom-model"
  | "custom-model-deployment"
  | "imported-model";

/** The parts of a Bedrock model ARN. */
export interface BedrockArn {
  partition: Partition;
  region: string;
  /** Empty for foundation-model ARNs. */
  account: string;
  resourceType: ArnResourceType;
  /** Everything after `<resourceType>/`. */
  resourceId: string;
  /** Known for foundation-model, inference-profile and custom-model ARNs. */
  foundationModelId?: string;
  /** For inference-profile ARNs: the geography of the system profile. */
  geo?: Geo;
}

/** Result of {@link parseModelId}. `oneMillion` is set when the input ended in `[1m]` (stripped). */
export type ParsedModelId =
  | { kind: "alias"; input: string; alias: ModelAlias; oneMillion: boolean }
  | { kind: "foundation-model"; input: string; foundationModelId: string; oneMillion: boolean }
  | {
      kind: "system-profile";
      input: string;
      profileId: string;
      geo: Geo;
      foundationModelId: string;
      oneMillion: boolean;
    }
  | { kind: "arn"; input: string; arn: BedrockArn; oneMillion: boolean }
  | { kind: "invalid"; input: string; reason: string; suggestion?: string };

/** The non-invalid results of {@link parseModelId}. */
export type ValidModelId = Exclude<ParsedModelId, { kind: "invalid" }>;

// Provider segment, model name, then optional `.x` / `:x` parts (`-v1:0`, `-v1:0:200k`). Mirrors the
// service model's foundation-model pattern.
const FM_ID_RE = /^[a-z0-9-]{1,63}\.[a-z0-9-]{1,63}(?:[.:][a-z0-9-]{1,63})*$/;
const SHORT_ID_RE = /^[a-z0-9]{12}$/;
const ARN_RE = /^arn:(aws|aws-us-gov|aws-cn):bedrock:([^:]*):([^:]*):(.+)$/;
const ONE_M_SUFFIX_RE = /\[1m\]$/i;

// Providers on Bedrock. Used only to tell `xx.anthropic.…` (a bad geo prefix) from a foundation-model ID.
const PROVIDERS = new Set([
  "anthropic",
  "amazon",
  "meta",
  "mistral",
  "cohere",
  "ai21",
  "deepseek",
  "stability",
  "writer",
  "openai",
  "qwen",
  "twelvelabs",
  "luma",
  "google",
  "minimax",
  "moonshot",
  "nvidia",
]);

const invalid = (input: string, reason: string, suggestion?: string): ParsedModelId =>
  suggestion === undefined
    ? { kind: "invalid", input, reason }
    : { kind: "invalid", input, reason, suggestion };

/** Classifies a model string; never throws. */
export function parseModelId(input: string): ParsedModelId {
  if (input.length === 0) return invalid(input, "The model ID is empty.");
  if (/\s/.test(input)) {
    const trimmed = input.trim();
    const inner = trimmed.length > 0 && !/\s/.test(trimmed) ? parseModelId(trimmed) : undefined;
    return invalid(
      input,
      "The model ID contains whitespace (often a stray newline or space from a copied value).",
      inner && inner.kind !== "invalid" ? trimmed : undefined,
    );
  }
  const oneMillion = ONE_M_SUFFIX_RE.test(input);
  const body = oneMillion ? input.replace(ONE_M_SUFFIX_RE, "") : input;

  if (body.startsWith("arn:")) return parseArn(input, body, oneMillion);
  if (/%2f/i.test(body) || /%3a/i.test(body)) {
    const decoded = safeDecode(body);
    return invalid(
      input,
      "The model ID is URL-encoded; give it as plain text (`/` and `:` unescaped).",
      decoded && decoded !== body ? decoded : undefined,
    );
  }

  const lower = body.toLowerCase();
  if (isModelAlias(lower)) return { kind: "alias", input, alias: lower, oneMillion };
  if (lower !== body) {
    const again = parseModelId(input.toLowerCase());
    return invalid(
      input,
      "Bedrock model IDs are lower case.",
      again.kind !== "invalid" ? input.toLowerCase() : undefined,
    );
  }

  const firstParty = firstPartyName(input, body);
  if (firstParty) return firstParty;

  const dot = body.indexOf(".");
  if (dot > 0) {
    const head = body.slice(0, dot);
    const rest = body.slice(dot + 1);
    if (isGeo(head)) {
      if (!FM_ID_RE.test(rest)) {
        return invalid(input, `"${rest}" after the ${head}. prefix is not a foundation-model ID.`);
      }
      // The InferenceProfileId pattern allows at most 64 characters.
      if (body.length > 64) return invalid(input, "An inference-profile ID is at most 64 characters.");
      return {
        kind: "system-profile",
        input,
        profileId: body,
        geo: head,
        foundationModelId: rest,
        oneMillion,
      };
    }
    const second = rest.split(".")[0] ?? "";
    if (!PROVIDERS.has(head) && PROVIDERS.has(second)) {
      return invalid(
        input,
        `"${head}." is not an inference-profile geography; valid prefixes are ${GEOS.map((g) => `${g}.`).join(", ")}.`,
        rest,
      );
    }
  }
  if (body.startsWith(".")) {
    return invalid(input, "The model ID starts with a dot: the geography prefix is missing.", body.slice(1));
  }
  if (FM_ID_RE.test(body)) return { kind: "foundation-model", input, foundationModelId: body, oneMillion };
  return invalid(
    input,
    "Not a model alias (opus, sonnet, haiku), Bedrock model ID (anthropic.claude-…), inference-profile ID (us.anthropic.claude-…) or model ARN.",
  );
}

/** True when the string parses as something other than invalid. */
export function isValidModelId(input: string): boolean {
  return parseModelId(input).kind !== "invalid";
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

// `claude-sonnet-4-5` and friends are Anthropic API names; on Bedrock they are "invalid model identifier".
function firstPartyName(input: string, body: string): ParsedModelId | undefined {
  if (!/^claude-[a-z0-9-]+$/.test(body)) return undefined;
  const entry = findByAnthropicName(body) ?? findByAnthropicName(body.replace(/-\d{8}$/, ""));
  if (entry) {
    return invalid(
      input,
      `"${body}" is an Anthropic API model name. On Bedrock use ${entry.id} (Quarry adds the inference-profile prefix for your region) or the alias ${entry.family}.`,
      entry.id,
    );
  }
  return invalid(
    input,
    `"${body}" looks like an Anthropic API model name. Bedrock IDs look like anthropic.claude-… or us.anthropic.claude-…; run \`quarry models\` to list them.`,
  );
}

function parseArn(input: string, body: string, oneMillion: boolean): ParsedModelId {
  if (body.length > 2048) return invalid(input, "A model ARN is at most 2048 characters.");
  const m = ARN_RE.exec(body);
  if (!m) {
    return invalid(
      input,
      "This ARN is not a Bedrock ARN: expected arn:<aws|aws-us-gov|aws-cn>:bedrock:<region>:<account>:<resource>.",
    );
  }
  const partition = m[1] as Partition;
  const region = m[2] ?? "";
  const account = m[3] ?? "";
  const resource = m[4] ?? "";
  if (!isValidRegionName(region)) return invalid(input, `"${region}" in the ARN is not an AWS region name.`);
  if (resource.includes("%2F") || resource.includes("%2f")) {
    return invalid(input, "The ARN contains an escaped slash (%2F); use a literal `/`.", safeDecode(body));
  }
  const slash = resource.indexOf("/");
  const type = slash > 0 ? resource.slice(0, slash) : resource;
  const id = slash > 0 ? resource.slice(slash + 1) : "";
  const accountOk = /^\d{12}$/.test(account);
  const arn = (resourceType: ArnResourceType, extra: Partial<BedrockArn> = {}): ParsedModelId => ({
    kind: "arn",
    input,
    arn: { partition, region, account, resourceType, resourceId: id, ...extra },
    oneMillion,
  });
  const needAccount = (): ParsedModelId =>
    invalid(input, `The ARN's account field "${account}" must be a 12-digit AWS account ID.`);

  switch (type) {
    case "foundation-model": {
      if (!FM_ID_RE.test(id)) return invalid(input, `"${id}" in the ARN is not a foundation-model ID.`);
      if (account !== "") {
        return invalid(
          input,
          "Foundation-model ARNs have an empty account field (…:bedrock:<region>::foundation-model/…).",
          `arn:${partition}:bedrock:${region}::foundation-model/${id}`,
        );
      }
      return arn("foundation-model", { foundationModelId: id });
    }
    case "inference-profile": {
      if (!accountOk) return needAccount();
      const dot = id.indexOf(".");
      const geo = id.slice(0, dot);
      const fm = id.slice(dot + 1);
      if (dot <= 0 || !isGeo(geo) || !FM_ID_RE.test(fm)) {
        return invalid(input, `"${id}" is not a system inference-profile ID (<geo>.<model-id>).`);
      }
      return arn("inference-profile", { foundationModelId: fm, geo });
    }
    case "custom-model": {
      if (!accountOk) return needAccount();
      const last = id.lastIndexOf("/");
      const fm = id.slice(0, last);
      const suffix = id.slice(last + 1);
      if (last <= 0 || !FM_ID_RE.test(fm) || !SHORT_ID_RE.test(suffix)) {
        return invalid(
          input,
          "A custom-model ARN ends in custom-model/<base-model-id>/<12 lower-case letters/digits>.",
        );
      }
      return arn("custom-model", { foundationModelId: fm });
    }
    case "application-inference-profile":
    case "provisioned-model":
    case "custom-model-deployment":
    case "imported-model": {
      if (!accountOk) return needAccount();
      if (!SHORT_ID_RE.test(id)) {
        return invalid(input, `A ${type} ARN ends in ${type}/<12 lower-case letters/digits>; got "${id}".`);
      }
      return arn(type);
    }
    default:
      return invalid(
        input,
        `Bedrock ARNs of type "${type}" can't be used as a model; use a foundation-model, inference-profile, application-inference-profile, provisioned-model, custom-model, custom-model-deployment or imported-model ARN.`,
      );
  }
}

/** Builds the system-profile ID `<geo>.<foundation-model-id>`. */
export function profileIdFor(geo: Geo, foundationModelId: string): string {
  return `${geo}.${foundationModelId}`;
}

/** Extracts the foundation-model ID from an FM ARN's last segment (as Claude Code does with `models[0]`). */
export function foundationModelIdFromArn(modelArn: string): string | undefined {
  const last = modelArn.slice(modelArn.lastIndexOf("/") + 1);
  if (!last) return undefined;
  const parsed = parseModelId(last);
  if (parsed.kind === "foundation-model") return parsed.foundationModelId;
  if (parsed.kind === "system-profile") return parsed.foundationModelId;
  return undefined;
}
