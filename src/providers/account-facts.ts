import type { AccountModel } from "../bedrock/account-models.js";
import { replacementFor } from "../bedrock/catalog.js";
import type { BedrockConnection } from "../bedrock/connection.js";
import { QuarryError } from "../bedrock/errors.js";
import type { ContentBlock, Message, TurnRequest } from "../model/types.js";

/**
 * The account's word on a routed model (ListFoundationModels, src/bedrock/account-models.ts), applied to the
 * route so the wire client adapts (src/providers/select-wire.ts, WireClient): a model that does not stream is
 * called without streaming, a model without IMAGE input gets no image blocks, a bare ID the region does not
 * list is refused with a fix. The catalog keeps everything else (docs/providers.md, "Capabilities").
 */
export interface AccountFacts {
  /** responseStreamingSupported. */
  streaming: boolean;
  /** inputModalities includes IMAGE. */
  images: boolean;
  /** Thrown instead of calling the model (it is not in the region's list). */
  refusal?: QuarryError;
}

/** The slice of a route the facts are computed from and stored on. */
export interface AccountRoute {
  sendId: string;
  foundationModelId: string;
  region: string;
  account?: AccountFacts;
}

/** The facts for one route and the warnings they call for (a Legacy model). */
export function factsFor(
  route: AccountRoute,
  models: readonly AccountModel[],
): { facts?: AccountFacts; warnings: string[] } {
  // An empty list says nothing (a filtered or failed answer); an ARN whose model is unknown neither.
  if (models.length === 0 || !route.foundationModelId || route.foundationModelId.startsWith("arn:"))
    return { warnings: [] };
  const model = models.find((m) => m.modelId === route.foundationModelId);
  if (!model) {
    // A profile ID was confirmed by ListInferenceProfiles; its model may live in the destination regions only.
    if (route.sendId !== route.foundationModelId) return { warnings: [] };
    return {
      facts: {
        streaming: true,
        images: true,
        refusal: new QuarryError({
          kind: "invalid-model-id",
          rawMessage: "",
          model: route.sendId,
          region: route.region,
          explanation: `${route.sendId} is not among the foundation models Bedrock lists in ${route.region} for this account (ListFoundationModels).`,
          fix: `pick a model \`quarry models\` lists in ${route.region}, or set AWS_REGION to a region that has ${route.sendId}`,
          retryable: false,
        }),
      },
      warnings: [],
    };
  }
  const warnings: string[] = [];
  if (model.lifecycle === "LEGACY") {
    const next = replacementFor(model.modelId);
    warnings.push(
      `${model.modelName} (${model.modelId}) is marked Legacy in ${route.region}: Bedrock stops serving Legacy models to accounts that have not used them recently.${next ? ` Switch to ${next.displayName} (${next.id}).` : " Switch to an active model (`quarry models`)."}`,
    );
  }
  return {
    facts: { streaming: model.responseStreamingSupported, images: model.inputModalities.includes("IMAGE") },
    warnings,
  };
}

/** The account's facts for a set of routes: applied from the disk cache now, refreshed from the network later. */
export interface AccountFactsForRoutes {
  /** Applies the cached listing of each route's region; returns its warnings. No network. */
  applyCached(): Promise<string[]>;
  /**
   * Fetches ListFoundationModels in the background for the regions whose cache was stale or missing, and
   * applies the answer from the next turn on; warnings not given before go to `onNotice`. Never throws.
   */
  refresh(): void;
}

/** See {@link AccountFactsForRoutes}; one warning is given once across both steps. */
export function accountFactsFor(
  connection: Pick<BedrockConnection, "accountModels">,
  routes: ReadonlyArray<AccountRoute | undefined>,
  onNotice?: (message: string) => void,
): AccountFactsForRoutes {
  const live = routes.filter((r): r is AccountRoute => r !== undefined);
  const apply = applier(live);
  const regions = [...new Set(live.map((r) => r.region))];
  // Until applyCached has looked, every region counts as stale.
  let stale = regions;
  return {
    async applyCached() {
      // A connection without the cache (a test double, an older embedding) simply gets the catalog's view.
      if (!connection.accountModels) return [];
      const warnings: string[] = [];
      const notFresh: string[] = [];
      for (const region of regions) {
        const cached = await connection.accountModels.peek(region).catch(() => undefined);
        if (cached) warnings.push(...apply(region, cached.models));
        if (!cached?.fresh) notFresh.push(region);
      }
      stale = notFresh;
      return warnings;
    },
    refresh() {
      if (!connection.accountModels) return;
      for (const region of stale) {
        void connection.accountModels
          .refresh(region)
          .then((models) => {
            for (const w of apply(region, models)) onNotice?.(w);
          })
          .catch(() => {}); // no list (IAM, offline): the catalog's view stands
      }
      stale = [];
    },
  };
}

/**
 * Applies the account's facts to routes without a network round trip before the first request: the disk
 * cache at once (its warnings are returned), and a stale or missing one refreshed in the background right away
 * (its facts applied from the next turn, new warnings to `onNotice`). Start-up instead uses
 * {@link accountFactsFor} and refreshes once the model has answered. Never throws.
 */
export async function applyAccountModels(
  connection: Pick<BedrockConnection, "accountModels">,
  routes: ReadonlyArray<AccountRoute | undefined>,
  onNotice?: (message: string) => void,
): Promise<string[]> {
  const facts = accountFactsFor(connection, routes, onNotice);
  const warnings = await facts.applyCached();
  facts.refresh();
  return warnings;
}

/** Applies a region's listing to the routes in it; returns each new warning once. */
function applier(
  live: readonly AccountRoute[],
): (region: string, models: readonly AccountModel[]) => string[] {
  const seen = new Set<string>();
  return (region, models) => {
    const out: string[] = [];
    for (const route of live.filter((r) => r.region === region)) {
      const { facts, warnings } = factsFor(route, models);
      if (facts) route.account = facts;
      for (const w of warnings) if (!seen.has(w)) out.push(w);
      for (const w of warnings) seen.add(w);
    }
    return out;
  };
}

/** The request without image blocks (each replaced by a note), for a model that takes no images. */
export function withoutImages(
  request: TurnRequest,
  modelName: string,
): { request: TurnRequest; dropped: number } {
  let dropped = 0;
  const note = (): ContentBlock => {
    dropped++;
    return { type: "text", text: `[image omitted: ${modelName} takes no image input]` };
  };
  const messages = request.messages.map((m): Message => {
    if (typeof m.content === "string") return m;
    const content = m.content.map((b): ContentBlock => {
      if (b.type === "image") return note();
      if (b.type === "tool_result" && Array.isArray(b.content)) {
        return {
          ...b,
          content: b.content.map((part) => (part.type === "image" ? (note() as typeof part) : part)),
        };
      }
      return b;
    });
    return { ...m, content } as Message;
  });
  return { request: dropped > 0 ? { ...request, messages } : request, dropped };
}
