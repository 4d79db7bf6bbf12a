/** Fake credentials in real shapes (AWS documentation examples or made up), for redaction tests. */
export const SECRETS = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  tempKeyId: "ASIAY34FZKBOKMUTVV7A",
  secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6EXAMPLE",
  bearer: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl",
  bedrockShortTerm: "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbg==",
  bedrockLongTerm: "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLWF0LTEyMzQ1Njc4OTAxMg==",
  anthropic: "sk-ant-api03-abcDEF123456_ghiJKL-789",
  sigv4:
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
} as const;
