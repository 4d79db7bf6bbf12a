/** Where a setting's value came from, so every message can point the user at the right place to change it. */
export type SettingSource =
  | { readonly kind: "flag"; readonly name: string }
  | { readonly kind: "env"; readonly name: string }
  | { readonly kind: "file"; readonly path: string; readonly key: string }
  | { readonly kind: "claude-settings"; readonly path: string; readonly key: string }
  | { readonly kind: "default" };

/** A value together with the place it was read from. */
export interface Sourced<T> {
  readonly value: T;
  readonly source: SettingSource;
}

/** Renders a source for humans: `--model`, `env ANTHROPIC_MODEL`, `/p/.quarry/settings.json (model)`, `default`. */
export function describeSource(source: SettingSource): string {
  switch (source.kind) {
    case "flag":
      return source.name;
    case "env":
      return `env ${source.name}`;
    case "file":
    case "claude-settings":
      return `${source.path} (${source.key})`;
    case "default":
      return "default";
  }
}
