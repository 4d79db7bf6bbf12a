// The one redaction module: every credential Quarry holds or can see, scrubbed by value in all its encodings,
// plus credential shapes it does not hold. See docs/security/secrets.md and docs/decisions/0010-one-redaction-module.md.
export { type Variant, variantsOf } from "./encodings.js";
export { maskSecret } from "./mask.js";
export { patternSpans, REDACTED, type Span } from "./patterns.js";
export { guardProvider } from "./provider.js";
export { MIN_SECRET_LENGTH, redactShapes, SecretRegistry } from "./registry.js";
export { createSessionSecrets } from "./session.js";
export { addAwsFileSecrets, addEnvSecrets, addResolvedCredentials, isCredentialName } from "./sources.js";
export { StreamScrubber } from "./stream.js";
