// Reads the SigV4 credential scope of a request. The signature itself is not checked: the local
// endpoint trusts the access key, which is what decides the calling account.

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  /** `X-Amz-Security-Token`, sent with temporary (STS) credentials. */
  sessionToken?: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

export function readCredentialScope(
  headers: Record<string, string | string[] | undefined>,
  query: URLSearchParams,
): CredentialScope | undefined {
  const authorization = firstHeader(headers.authorization);
  const fromHeader = authorization?.startsWith('AWS4-HMAC-SHA256') ? CREDENTIAL.exec(authorization) : null;
  const fromQuery = query.get('X-Amz-Credential');
  const match = fromHeader ?? (fromQuery ? CREDENTIAL.exec(`Credential=${fromQuery}`) : null);
  if (!match) return undefined;
  const [, accessKeyId, date, region, service] = match;
  if (!accessKeyId || !date || !region || !service) return undefined;
  const sessionToken = firstHeader(headers['x-amz-security-token']) ?? query.get('X-Amz-Security-Token') ?? undefined;
  return { accessKeyId, date, region, service, ...(sessionToken ? { sessionToken } : {}) };
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
