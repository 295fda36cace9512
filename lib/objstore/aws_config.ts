/**
 * Credentials, region and endpoint as the AWS tools take them (the AWS CLI's "Configuration
 * and credential file settings"): the environment first (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` or `AWS_DEFAULT_REGION`,
 * `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`), then the profile (`AWS_PROFILE`, else
 * `default`) of `~/.aws/credentials` and `~/.aws/config` (or `AWS_SHARED_CREDENTIALS_FILE`,
 * `AWS_CONFIG_FILE`).
 *
 * @module
 */

/** The keys that sign requests. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What a client of S3 needs to know besides the bucket. */
export interface AwsSettings {
  /** Undefined when none were found: requests fail, saying how to give them. */
  credentials?: AwsCredentials;
  /** Where they came from, for messages: `environment`, `profile "dev" of ~/.aws/credentials`. */
  credentialSource: string;
  region: string;
  /** A custom endpoint (MinIO, R2, GCS, moto), without a trailing `/`; undefined for AWS. */
  endpoint?: string;
}

/** How settings are read: the environment and files (tests pass their own). */
export interface AwsSources {
  env(name: string): string | undefined;
  /** A file's text, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
}

/** The process's environment and the local disk. */
export const processSources: AwsSources = {
  env: (name) => Deno.env.get(name),
  readFile(path) {
    try {
      return Deno.readTextFileSync(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  },
};

/** The region when nothing names one, as the AWS SDKs' S3 clients assume. */
export const DEFAULT_REGION = "us-east-1";

/**
 * The settings of the AWS tools from `sources`.
 *
 * @example
 * ```ts
 * const settings = awsSettings(); // AWS_* variables, else ~/.aws/credentials and ~/.aws/config
 * ```
 */
export function awsSettings(sources: AwsSources = processSources): AwsSettings {
  const env = (name: string) => {
    const value = sources.env(name)?.trim();
    return value ? value : undefined;
  };
  const home = env("HOME") ?? env("USERPROFILE") ?? "";
  const profile = env("AWS_PROFILE") ?? env("AWS_DEFAULT_PROFILE") ?? "default";
  const credentialsFile = env("AWS_SHARED_CREDENTIALS_FILE") ?? `${home}/.aws/credentials`;
  const configFile = env("AWS_CONFIG_FILE") ?? `${home}/.aws/config`;
  const credentialsText = sources.readFile(credentialsFile);
  const configText = sources.readFile(configFile);
  // ~/.aws/credentials names sections by profile; ~/.aws/config as "profile NAME" (but "default").
  const fromCredentials = credentialsText ? parseIni(credentialsText).get(profile) : undefined;
  const fromConfig = configText
    ? parseIni(configText).get(profile === "default" ? "default" : `profile ${profile}`)
    : undefined;
  if (env("AWS_PROFILE") && !fromCredentials && !fromConfig) {
    throw new Error(
      `AWS_PROFILE is "${profile}", but neither ${credentialsFile} nor ${configFile} has ` +
        "that profile",
    );
  }

  let credentials: AwsCredentials | undefined;
  let credentialSource = "none";
  const envKey = env("AWS_ACCESS_KEY_ID");
  const envSecret = env("AWS_SECRET_ACCESS_KEY");
  if (envKey && envSecret) {
    credentials = withToken(envKey, envSecret, env("AWS_SESSION_TOKEN"));
    credentialSource = "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  } else {
    for (const [section, file] of [[fromCredentials, credentialsFile], [fromConfig, configFile]]) {
      const s = section as Map<string, string> | undefined;
      const key = s?.get("aws_access_key_id");
      const secret = s?.get("aws_secret_access_key");
      if (key && secret) {
        credentials = withToken(key, secret, s!.get("aws_session_token"));
        credentialSource = `profile "${profile}" of ${file}`;
        break;
      }
    }
  }
  const region = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? fromConfig?.get("region") ??
    DEFAULT_REGION;
  const endpoint = env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL") ??
    fromConfig?.get("endpoint_url");
  return {
    ...(credentials ? { credentials } : {}),
    credentialSource,
    region,
    ...(endpoint ? { endpoint: checkEndpoint(endpoint) } : {}),
  };
}

function withToken(accessKeyId: string, secretAccessKey: string, token?: string): AwsCredentials {
  return { accessKeyId, secretAccessKey, ...(token ? { sessionToken: token } : {}) };
}

function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(
      `The S3 endpoint "${endpoint}" (AWS_ENDPOINT_URL) is not a URL; write it as ` +
        "http://127.0.0.1:9000 or https://<account>.r2.cloudflarestorage.com",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`The S3 endpoint "${endpoint}" must start with http:// or https://`);
  }
  return endpoint.replace(/\/+$/, "");
}

/**
 * The sections of an INI file as the AWS tools write them: `[name]`, `key = value`, `#` and
 * `;` comments, keys case-insensitive; nested (indented) settings are skipped.
 */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) continue;
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(raw);
    if (header) {
      const name = header[1].replace(/\s+/g, " ");
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    if (/^\s/.test(raw)) continue; // a nested setting of the key above (s3 = ...)
    const eq = raw.indexOf("=");
    if (!current || eq < 0) continue;
    const value = raw.slice(eq + 1).trim();
    current.set(raw.slice(0, eq).trim().toLowerCase(), value);
  }
  return sections;
}
