import type { ModelClient, RouteBase, WireOptions } from "../model/client.js";
import type { QuarryError } from "../model/errors.js";
import type { AssistantMessage, ProviderEvent, TurnRequest } from "../model/types.js";

/** A route that carries its own wire client, so main and side models can live on different providers. */
export interface WiredRoute<R extends RouteBase = RouteBase> extends RouteBase {
  // biome-ignore lint/suspicious/noExplicitAny: each route pairs a client with the route type it takes.
  wire: ModelClient<any>;
  inner: R;
}

/** Pairs a client with one of its routes; the router sees one RouteBase whatever the wire. */
export function wired<R extends RouteBase>(wire: ModelClient<R>, inner: R): WiredRoute<R> {
  const { sendId, region, promptCaching, context } = inner;
  return { sendId, region, promptCaching, context, wire, inner };
}

/**
 * Hands each call to the client of its route (Bedrock Invoke for one role, the Anthropic API or Mantle for
 * the other). The router's side-model fallback, caching and retry decisions work unchanged across them.
 */
export class MixedWireClient implements ModelClient<WiredRoute> {
  constructor(private readonly clients: readonly ModelClient[]) {}

  stream(route: WiredRoute, request: TurnRequest, options: WireOptions): AsyncIterable<ProviderEvent> {
    return route.wire.stream(route.inner, request, options);
  }

  invoke(route: WiredRoute, request: TurnRequest, options: WireOptions): Promise<AssistantMessage> {
    return route.wire.invoke(route.inner, request, options);
  }

  countTokens(route: WiredRoute, request: TurnRequest): Promise<number> {
    return route.wire.countTokens(route.inner, request);
  }

  classify(err: unknown, route: WiredRoute): QuarryError {
    return route.wire.classify(err, route.inner);
  }

  async refreshCredentials(): Promise<boolean> {
    let refreshed = false;
    for (const client of this.clients) if (await client.refreshCredentials?.()) refreshed = true;
    return refreshed;
  }
}
