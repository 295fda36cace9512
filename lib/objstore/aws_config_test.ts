import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { awsSettings, type AwsSources, parseIni } from "./aws_config.ts";

function sources(env: Record<string, string>, files: Record<string, string> = {}): AwsSources {
  return { env: (name) => env[name], readFile: (path) => files[path] };
}

const CREDENTIALS = `
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secretdefault

# a comment
[dev]
aws_access_key_id=AKIDDEV
aws_secret_access_key=secretdev
aws_session_token = tokendev
`;
const CONFIG = `
[default]
region = eu-west-1

[profile dev]
region = eu-central-1
endpoint_url = http://127.0.0.1:9000/
s3 =
  addressing_style = path
`;

Deno.test("AWS settings: the environment first, as the AWS CLI takes it", () => {
  const settings = awsSettings(sources({
    HOME: "/h",
    AWS_ACCESS_KEY_ID: "AKIDENV",
    AWS_SECRET_ACCESS_KEY: "secretenv",
    AWS_SESSION_TOKEN: "tok",
    AWS_REGION: "ap-south-1",
    AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
  }, { "/h/.aws/credentials": CREDENTIALS, "/h/.aws/config": CONFIG }));
  assertEquals(settings.credentials, {
    accessKeyId: "AKIDENV",
    secretAccessKey: "secretenv",
    sessionToken: "tok",
  });
  assertEquals(settings.region, "ap-south-1");
  assertEquals(settings.endpoint, "http://127.0.0.1:5000");
  assertEquals(settings.credentialSource, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
});

Deno.test("AWS settings: AWS_PROFILE from ~/.aws/credentials and ~/.aws/config", () => {
  const files = { "/h/.aws/credentials": CREDENTIALS, "/h/.aws/config": CONFIG };
  const dev = awsSettings(sources({ HOME: "/h", AWS_PROFILE: "dev" }, files));
  assertEquals(dev.credentials, {
    accessKeyId: "AKIDDEV",
    secretAccessKey: "secretdev",
    sessionToken: "tokendev",
  });
  assertEquals(dev.region, "eu-central-1");
  assertEquals(dev.endpoint, "http://127.0.0.1:9000");
  assertEquals(dev.credentialSource, 'profile "dev" of /h/.aws/credentials');
  const fallback = awsSettings(sources({ HOME: "/h" }, files));
  assertEquals(fallback.credentials?.accessKeyId, "AKIDDEFAULT");
  assertEquals(fallback.region, "eu-west-1");
  assertEquals(fallback.endpoint, undefined);
  // AWS_ENDPOINT_URL_S3 wins over the general one; files may be elsewhere.
  const moved = awsSettings(sources({
    AWS_SHARED_CREDENTIALS_FILE: "/c",
    AWS_ENDPOINT_URL: "http://a:1",
    AWS_ENDPOINT_URL_S3: "http://b:2",
  }, { "/c": CREDENTIALS }));
  assertEquals(moved.credentials?.accessKeyId, "AKIDDEFAULT");
  assertEquals(moved.endpoint, "http://b:2");
  assertEquals(moved.region, "us-east-1");
});

Deno.test("AWS settings: nothing found, a missing profile, a bad endpoint", () => {
  const none = awsSettings(sources({ HOME: "/nowhere" }));
  assertEquals(none.credentials, undefined);
  assertEquals(none.region, "us-east-1");
  assertThrows(
    () => awsSettings(sources({ HOME: "/h", AWS_PROFILE: "prod" }, {})),
    Error,
    'AWS_PROFILE is "prod"',
  );
  assertThrows(
    () => awsSettings(sources({ AWS_ENDPOINT_URL: "127.0.0.1:9000" })),
    Error,
    "is not a URL",
  );
});

Deno.test("INI: sections, comments, case-insensitive keys, nested settings skipped", () => {
  const ini = parseIni("[a]\nKey = v = w\n; c\n[ profile  b ]\nx=1\n  nested = 2\n");
  assertEquals([...ini.keys()], ["a", "profile b"]);
  assertEquals(ini.get("a")?.get("key"), "v = w");
  assertEquals([...ini.get("profile b")!.entries()], [["x", "1"]]);
});
