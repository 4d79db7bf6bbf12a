import type { AccountModel } from "../bedrock/account-models.js";
import { findCatalogEntry } from "../bedrock/catalog.js";
import { classifyBedrockError, QuarryError } from "../bedrock/errors.js";
import { type Geo, isCommercialRegion, regionalGeosForRegion } from "../bedrock/geography.js";
import { foundationModelIdFromArn, profileIdFor } from "../bedrock/model-id.js";
import type { Settings } from "../config/index.js";
import { roleModel } from "../providers/create-model-session.js";
import type { DoctorContext } from "./context.js";
import { groupResolutions, resolveTarget } from "./facts.js";
import { listAnthropicApiModels, listMantleModels } from "./provider-models.js";
import { configuredTargets } from "./targets.js";

/** Which provider a row is called through (docs/providers.md). */
export type ModelProvider = "bedrock" | "mantle" | "anthropic";

/** One model in `quarry models`. */
export interface ModelRow {
  provider: ModelProvider;
  modelId: string;
  name: string;
  /** Who makes it: ListFoundationModels' providerName, Mantle's owned_by, "Anthropic". */
  vendor: string;
  /** The ID to configure: the region's profile or the bare ID on Bedrock; the listed ID elsewhere. */
  useId: string | null;
  /** Every system profile for this model callable from the region (Bedrock). */
  profiles: string[];
  onDemand: boolean;
  /** "authorized", "not enabled", "use-case form missing", "marketplace subscription missing", "unknown"; "listed" off Bedrock. */
  access: string;
  /** Labels of configured roles that resolve to this model (e.g. "main model"). */
  configuredAs: string[];
  /** The API Quarry calls it over (src/providers/select-wire.ts): Claude Invoke, the rest Converse; Messages off Bedrock. */
  api: "InvokeModel" | "Converse" | "Messages";
  /** From the account's listing (Bedrock): responseStreamingSupported, IMAGE input, lifecycle status. */
  streaming: boolean;
  images: boolean;
  lifecycle: string;
}

/** The `quarry models` answer. */
export interface ModelListing {
  region: string;
  models: ModelRow[];
  /** Application inference profiles in the region and the model each is backed by. */
  applicationProfiles: { arn: string; name: string; modelId: string | null }[];
  notes: string[];
}

// Families whose models take tools, for models the catalog does not know (the catalog's toolUse decides for
// the ones it knows: DeepSeek-R1 is listed by Bedrock but takes no tools).
const TOOL_CAPABLE_FAMILY =
  /^(anthropic\.|amazon\.nova-|meta\.llama3-[1-9]|meta\.llama4|mistral\.mistral-large|mistral\.pixtral|cohere\.command-r|deepseek\.|writer\.palmyra-x[45]|qwen\.|openai\.gpt-oss)/;

/**
 * Whether Quarry's agent can run on a listed model: the account says it answers in text (outputModalities),
 * the catalog says whether it takes tools (quirks the API does not list), and for models the catalog does not
 * know, the family's known tool support.
 */
export function toolCapable(m: AccountModel): boolean {
  if (!m.outputModalities.includes("TEXT")) return false;
  const entry = findCatalogEntry(m.modelId);
  return entry ? entry.toolUse : TOOL_CAPABLE_FAMILY.test(m.modelId);
}

/**
 * Lists the tool-capable models of every configured provider: Bedrock's (ListFoundationModels, refreshed into
 * the account-model cache, with access status and the ID to use in the region), Mantle's when Mantle is used
 * and the Anthropic API's when a key is set. A provider that cannot be listed becomes a note with the fix;
 * Bedrock's failure is an error only when it is the sole provider.
 */
export async function listModels(ctx: DoctorContext): Promise<ModelListing> {
  const region = ctx.connection.region.region;
  const used = providersInUse(ctx.settings);
  const others: Promise<{ rows: ModelRow[]; notes: string[] }>[] = [];
  if (used.mantle) others.push(mantleRows(ctx, region));
  if (used.anthropic) others.push(anthropicRows(ctx));
  const bedrock = bedrockListing(ctx, region);
  if (others.length > 0) bedrock.catch(() => {});
  const extra = await Promise.all(others);
  let listing: ModelListing;
  try {
    listing = await bedrock;
  } catch (err) {
    if (others.length === 0 || !(err instanceof QuarryError)) throw err;
    listing = {
      region,
      models: [],
      applicationProfiles: [],
      notes: [`Bedrock's models were not listed in ${region}: ${err.explanation} Fix: ${err.fix}`],
    };
  }
  listing.models.push(...extra.flatMap((e) => e.rows));
  listing.notes.push(...extra.flatMap((e) => e.notes));
  if (!used.mantle)
    listing.notes.push(
      "Mantle's models are listed when Mantle is in use: CLAUDE_CODE_USE_MANTLE=1, --provider mantle, a mantle: model prefix or ANTHROPIC_BEDROCK_MANTLE_BASE_URL.",
    );
  if (!used.anthropic)
    listing.notes.push(
      "The Anthropic API's models are listed when ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) is set.",
    );
  return listing;
}

/** Which of the Messages-API providers the configuration uses or can reach. */
function providersInUse(settings: Settings): { mantle: boolean; anthropic: boolean } {
  const roles = [roleModel(settings, "main"), roleModel(settings, "small")];
  return {
    mantle: roles.some((r) => r.provider === "mantle") || settings.mantleBaseUrl !== undefined,
    anthropic:
      roles.some((r) => r.provider === "anthropic") ||
      settings.anthropicApiKey !== undefined ||
      settings.anthropicAuthToken !== undefined,
  };
}

function configuredOn(settings: Settings, provider: ModelProvider, id: string): string[] {
  return (["main", "small"] as const).flatMap((role) => {
    const r = roleModel(settings, role);
    return r.provider === provider && r.model === id ? [`${ROLE_LABEL[role]} (${id})`] : [];
  });
}

const ROLE_LABEL = { main: "main model", small: "small/fast model" } as const;

async function mantleRows(
  ctx: DoctorContext,
  region: string,
): Promise<{ rows: ModelRow[]; notes: string[] }> {
  const listed = await listMantleModels(ctx.connection, region);
  return {
    notes: listed.notes,
    rows: listed.models.map((m) => messagesRow(ctx.settings, "mantle", m.id, findMantleName(m.id), m.vendor)),
  };
}

async function anthropicRows(ctx: DoctorContext): Promise<{ rows: ModelRow[]; notes: string[] }> {
  const listed = await listAnthropicApiModels(ctx.settings, ctx.env);
  return {
    notes: listed.notes,
    rows: listed.models.map((m) => messagesRow(ctx.settings, "anthropic", m.id, m.name, m.vendor)),
  };
}

/** A catalog display name for a bare Mantle ID (anthropic.claude-sonnet-4-6), else the ID. */
function findMantleName(id: string): string {
  const entry = [id, `${id}-v1:0`, `${id}-v1`].map((c) => findCatalogEntry(c)).find((e) => e);
  return entry?.displayName ?? id;
}

function messagesRow(
  settings: Settings,
  provider: "mantle" | "anthropic",
  id: string,
  name: string,
  vendor: string,
): ModelRow {
  return {
    provider,
    modelId: id,
    name,
    vendor: vendor === "anthropic" ? "Anthropic" : vendor,
    useId: provider === "mantle" ? `mantle:${id}` : `anthropic:${id}`,
    profiles: [],
    onDemand: true,
    access: "listed",
    configuredAs: configuredOn(settings, provider, id),
    api: "Messages",
    streaming: true,
    images: true,
    lifecycle: "ACTIVE",
  };
}

async function bedrockListing(ctx: DoctorContext, region: string): Promise<ModelListing> {
  const notes: string[] = [];
  const client = await ctx.connection.control(region);
  const sdk = await import("@aws-sdk/client-bedrock");
  const context = ctx.connection.failureContext("main", undefined);
  const claudeWire = ctx.connection.settings.claudeWire?.value;

  const profilesOf = async (type: "SYSTEM_DEFINED" | "APPLICATION") => {
    const out: { id: string; arn: string; name: string; modelArns: string[] }[] = [];
    for await (const page of sdk.paginateListInferenceProfiles({ client }, { typeEquals: type })) {
      for (const p of page.inferenceProfileSummaries ?? []) {
        out.push({
          id: p.inferenceProfileId ?? "",
          arn: p.inferenceProfileArn ?? "",
          name: p.inferenceProfileName ?? "",
          modelArns: (p.models ?? []).map((m) => m.modelArn ?? ""),
        });
      }
    }
    return out;
  };
  // refresh(): `quarry models` always asks the account, and leaves the answer in the cache sessions read.
  const [models, system, application, resolutions] = await Promise.all([
    ctx.connection.accountModels.refresh(region),
    profilesOf("SYSTEM_DEFINED"),
    profilesOf("APPLICATION").catch((err: unknown) => {
      notes.push(`Application profiles not listed: ${classifyBedrockError(err, context).explanation}`);
      return [];
    }),
    Promise.all(configuredTargets(ctx.settings, ctx.connection).map((t) => resolveTarget(ctx.connection, t))),
  ]).catch((err: unknown) => {
    throw err instanceof QuarryError ? err : classifyBedrockError(err, context);
  });
  const groups = groupResolutions(resolutions);
  const geos: Geo[] = [
    ...regionalGeosForRegion(region),
    ...(isCommercialRegion(region) ? (["global"] as Geo[]) : []),
  ];
  const systemIds = new Set(system.map((p) => p.id));

  const rows = await Promise.all(
    models.filter(toolCapable).map(async (m): Promise<ModelRow> => {
      const modelId = m.modelId;
      const onDemand = m.inferenceTypesSupported.includes("ON_DEMAND");
      const profiles = system.filter((p) => p.id.endsWith(`.${modelId}`)).map((p) => p.id);
      const geoProfile = geos.map((g) => profileIdFor(g, modelId)).find((id) => systemIds.has(id));
      const configuredAs = groups
        .filter((g) => g.resolved.foundationModelId === modelId)
        .flatMap((g) => g.targets.map((t) => `${t.label} (${g.resolved.sendId})`));
      return {
        provider: "bedrock",
        modelId,
        name: m.modelName,
        vendor: m.providerName,
        useId: geoProfile ?? (onDemand ? modelId : null),
        profiles,
        onDemand,
        access: await accessOf(client, sdk, modelId),
        configuredAs,
        api: modelId.startsWith("anthropic.") && claudeWire !== "converse" ? "InvokeModel" : "Converse",
        streaming: m.responseStreamingSupported,
        images: m.inputModalities.includes("IMAGE"),
        lifecycle: m.lifecycle,
      };
    }),
  );
  rows.sort((a, b) => a.vendor.localeCompare(b.vendor) || a.name.localeCompare(b.name));
  return {
    region,
    models: rows,
    applicationProfiles: application.map((p) => ({
      arn: p.arn,
      name: p.name,
      modelId: (p.modelArns[0] && foundationModelIdFromArn(p.modelArns[0])) ?? null,
    })),
    notes,
  };
}

async function accessOf(
  client: Awaited<ReturnType<DoctorContext["connection"]["control"]>>,
  sdk: typeof import("@aws-sdk/client-bedrock"),
  modelId: string,
): Promise<string> {
  try {
    const a = await client.send(new sdk.GetFoundationModelAvailabilityCommand({ modelId }));
    if (a.entitlementAvailability === "NOT_AVAILABLE") return "marketplace subscription missing";
    if (a.agreementAvailability?.status === "NOT_AVAILABLE") return "use-case form missing";
    if (a.agreementAvailability?.status === "PENDING") return "agreement pending";
    if (a.authorizationStatus !== "AUTHORIZED") return "not enabled";
    return "authorized";
  } catch {
    return "unknown";
  }
}

/** The human table for `quarry models`: `*` marks configured models; the last column says for what. */
export function renderModels(listing: ModelListing): string {
  const header = ["", "Provider", "Model", "Use this ID", "Access", "Configured as", "API"];
  const rows = listing.models.map((m) => [
    m.configuredAs.length > 0 ? "*" : "",
    m.provider,
    `${m.name}${m.lifecycle === "LEGACY" ? " (legacy)" : ""}${m.images ? "" : " (text only)"}${m.streaming ? "" : " (no streaming)"}`,
    m.useId ?? `(no profile callable from ${listing.region})`,
    m.access,
    m.configuredAs.join(", "),
    m.api,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const out = [`Tool-capable models in ${listing.region}:`, "", line(header), ...rows.map(line)];
  if (listing.applicationProfiles.length > 0) {
    out.push("", "Application inference profiles:");
    for (const p of listing.applicationProfiles) out.push(`  ${p.arn}  ${p.name} → ${p.modelId ?? "?"}`);
  }
  const wrong = listing.models.filter(
    (m) => m.configuredAs.length > 0 && m.access !== "authorized" && m.access !== "listed",
  );
  for (const m of wrong)
    out.push(
      "",
      `! ${m.name} is configured but its access is "${m.access}"; run \`quarry doctor\` for the fix.`,
    );
  for (const n of listing.notes) out.push("", `note: ${n}`);
  return `${out.join("\n")}\n`;
}
