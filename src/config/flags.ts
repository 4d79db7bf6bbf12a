import { ConfigError } from "./errors.js";
import { emptyLayer, type Layer } from "./layer.js";
import { expectedText, parseTextValue, type ScalarKey, SETTING_SPECS } from "./schema.js";

/** Values of the CLI flags that feed settings, as commander hands them over (text or already numbers). */
export interface FlagValues {
  provider: string;
  model: string;
  region: string;
  awsProfile: string;
  smallFastModel: string;
  maxOutputTokens: string | number;
  maxThinkingTokens: string | number;
  fallbackModel: string;
}

/** Flag spelling for each FlagValues key, for the CLI to declare and for messages. */
export const FLAG_NAMES: Readonly<Record<keyof FlagValues, string>> = {
  provider: SETTING_SPECS.provider.flag!,
  model: SETTING_SPECS.model.flag!,
  region: SETTING_SPECS.region.flag!,
  awsProfile: SETTING_SPECS.awsProfile.flag!,
  smallFastModel: SETTING_SPECS.smallFastModel.flag!,
  maxOutputTokens: SETTING_SPECS.maxOutputTokens.flag!,
  maxThinkingTokens: SETTING_SPECS.maxThinkingTokens.flag!,
  fallbackModel: SETTING_SPECS.fallbackModel.flag!,
};

/** Reads the flags the user passed; an invalid value is a ConfigError naming the flag. */
export function readFlagLayer(flags: Partial<FlagValues>): Layer {
  const layer = emptyLayer();
  for (const [key, raw] of Object.entries(flags) as [keyof FlagValues, string | number | undefined][]) {
    if (raw === undefined) continue;
    const name = FLAG_NAMES[key];
    if (name === undefined) continue; // a stray property from a wider options object; not a settings flag
    const spec = SETTING_SPECS[key as ScalarKey];
    const text = String(raw).trim();
    const source = { kind: "flag", name } as const;
    const parsed = text === "" ? { ok: false as const } : parseTextValue(spec, text);
    if (!parsed.ok) {
      const expected = expectedText(spec, "text");
      throw new ConfigError(`${name} ${JSON.stringify(String(raw))} is not ${expected}`, {
        key,
        source,
        fix: `Pass ${name} ${expected}, or leave it out.`,
      });
    }
    layer.scalars.set(key, { value: parsed.value, source });
  }
  return layer;
}
