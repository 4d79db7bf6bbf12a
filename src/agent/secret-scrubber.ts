/** Env var names whose values are credentials (AWS_ACCESS_KEY_ID is an identifier, not a secret). */
const SECRET_NAME =
  /(SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIALS?)$|^AWS_SECRET_ACCESS_KEY$/i;
/** Shorter values are too likely to occur by chance ("true", "1") to be worth replacing. */
const MIN_SECRET_LENGTH = 8;

/**
 * Replaces the values of this process's credential variables wherever they appear in text, so a command like
 * `env` or `cat ~/.aws/credentials`-style output cannot carry them to the model, the transcript or the screen.
 */
export function createSecretScrubber(env: NodeJS.ProcessEnv): (text: string) => string {
  const secrets = Object.entries(env)
    .filter(
      ([name, value]) => SECRET_NAME.test(name) && value !== undefined && value.length >= MIN_SECRET_LENGTH,
    )
    .map(([name, value]) => ({ name, value: value! }))
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.value.length - a.value.length);
  if (secrets.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const { name, value } of secrets) {
      if (out.includes(value)) out = out.split(value).join(`<redacted:${name}>`);
    }
    return out;
  };
}
