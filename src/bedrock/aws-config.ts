import { homedir } from "node:os";
import { join } from "node:path";
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import type { ParsedIniData } from "@smithy/types";

/** The parts of ~/.aws/config and ~/.aws/credentials Quarry explains to users, read as the AWS CLI reads them. */
export interface AwsProfileInfo {
  /** The active profile name: AWS_PROFILE, else "default". */
  name: string;
  nameSource: string;
  configFile: string;
  credentialsFile: string;
  /** The profile's settings from the config file (region, sso_*, role_arn, credential_process, …). */
  config: Record<string, string | undefined> | undefined;
  /** Whether the credentials file has static keys for this profile. */
  hasStaticKeys: boolean;
}

/** Reads the active AWS profile, honouring AWS_PROFILE, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE. */
export async function readAwsProfile(
  env: NodeJS.ProcessEnv,
  home: string = homedir(),
): Promise<AwsProfileInfo> {
  const configFile = env.AWS_CONFIG_FILE || join(home, ".aws", "config");
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials");
  const name = env.AWS_PROFILE || "default";
  const empty: ParsedIniData = {};
  const files = await loadSharedConfigFiles({ configFilepath: configFile, filepath: credentialsFile }).catch(
    () => ({
      configFile: empty,
      credentialsFile: empty,
    }),
  );
  const creds = files.credentialsFile?.[name];
  return {
    name,
    nameSource: env.AWS_PROFILE ? "env AWS_PROFILE" : "default profile",
    configFile,
    credentialsFile,
    config: files.configFile?.[name],
    hasStaticKeys: Boolean(creds?.aws_access_key_id && creds?.aws_secret_access_key),
  };
}
