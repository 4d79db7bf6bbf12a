import { classifyBedrockError } from "../bedrock/errors.js";
import { type Geo, isCommercialRegion, regionalGeosForRegion } from "../bedrock/geography.js";
import { foundationModelIdFromArn, profileIdFor } from "../bedrock/model-id.js";
import type { DoctorContext } from "./context.js";
import { groupResolutions, resolveTarget } from "./facts.js";
import { configuredTargets } from "./targets.js";

/** One model in `quarry models`. */
export interface ModelRow {
  modelId: string;
  name: string;
  provider: string;
  /** The ID to configure in this region: the region's profile, or the bare ID when on-demand works. */
  useId: string | null;
  /** Every system profile for this model callable from the region. */
  profiles: string[];
  onDemand: boolean;
  /** "authorized", "not enabled", "use-case form missing", "marketplace subscription missing", "unknown". */
  access: string;
  /** Labels of configured roles that resolve to this model (e.g. "main model"). */
  configuredAs: string[];
  /** The Bedrock API Quarry calls it over (src/providers/select-wire.ts): Claude Invoke, the rest Converse. */
  api: "InvokeModel" | "Converse";
}

/** The `quarry models` answer. */
export interface ModelListing {
  region: string;
  models: ModelRow[];
  /** Application inference profiles in the region and the model each is backed by. */
  applicationProfiles: { arn: string; name: string; modelId: string | null }[];
  notes: string[];
}

// Families other than Claude that support tool use on Bedrock (the agent needs tools).
const TOOL_CAPABLE =
  /^(anthropic\.|amazon\.nova-|meta\.llama3-[1-9]|meta\.llama4|mistral\.mistral-large|mistral\.pixtral|cohere\.command-r|deepseek\.|writer\.palmyra-x[45]|qwen\.|openai\.gpt-oss)/;

/**
 * Lists the tool-capable models in the region with their access status (GetFoundationModelAvailability), the
 * ID to use there (the region's profile when the model needs one), and which ones the configuration uses.
 */
export async function listModels(ctx: DoctorContext): Promise<ModelListing> {
  const region = ctx.connection.region.region;
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
  const [models, system, application, resolutions] = await Promise.all([
    client.send(new sdk.ListFoundationModelsCommand({})).then((o) => o.modelSummaries ?? []),
    profilesOf("SYSTEM_DEFINED"),
    profilesOf("APPLICATION").catch((err: unknown) => {
      notes.push(`Application profiles not listed: ${classifyBedrockError(err, context).explanation}`);
      return [];
    }),
    Promise.all(configuredTargets(ctx.settings, ctx.connection).map((t) => resolveTarget(ctx.connection, t))),
  ]).catch((err: unknown) => {
    throw classifyBedrockError(err, context);
  });
  const groups = groupResolutions(resolutions);
  const geos: Geo[] = [
    ...regionalGeosForRegion(region),
    ...(isCommercialRegion(region) ? (["global"] as Geo[]) : []),
  ];
  const systemIds = new Set(system.map((p) => p.id));

  const rows = await Promise.all(
    models
      .filter((m) => TOOL_CAPABLE.test(m.modelId ?? "") && m.outputModalities?.includes("TEXT") !== false)
      .map(async (m): Promise<ModelRow> => {
        const modelId = m.modelId ?? "";
        const onDemand = (m.inferenceTypesSupported ?? []).includes("ON_DEMAND");
        const profiles = system.filter((p) => p.id.endsWith(`.${modelId}`)).map((p) => p.id);
        const geoProfile = geos.map((g) => profileIdFor(g, modelId)).find((id) => systemIds.has(id));
        const configuredAs = groups
          .filter((g) => g.resolved.foundationModelId === modelId)
          .flatMap((g) => g.targets.map((t) => `${t.label} (${g.resolved.sendId})`));
        return {
          modelId,
          name: m.modelName ?? modelId,
          provider: m.providerName ?? "",
          useId: geoProfile ?? (onDemand ? modelId : null),
          profiles,
          onDemand,
          access: await accessOf(client, sdk, modelId),
          configuredAs,
          api: modelId.startsWith("anthropic.") && claudeWire !== "converse" ? "InvokeModel" : "Converse",
        };
      }),
  );
  rows.sort((a, b) => a.provider.localeCompare(b.provider) || a.name.localeCompare(b.name));
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
  const header = ["", "Model", "Use this ID", "Access", "Configured as", "API"];
  const rows = listing.models.map((m) => [
    m.configuredAs.length > 0 ? "*" : "",
    m.name,
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
  const wrong = listing.models.filter((m) => m.configuredAs.length > 0 && m.access !== "authorized");
  for (const m of wrong)
    out.push(
      "",
      `! ${m.name} is configured but its access is "${m.access}"; run \`quarry doctor\` for the fix.`,
    );
  for (const n of listing.notes) out.push("", `note: ${n}`);
  return `${out.join("\n")}\n`;
}
