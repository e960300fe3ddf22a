// The awsQuery wire protocol (STS): form-encoded `Action=…&Version=…` requests, XML responses
// `<{Operation}Response xmlns=…><{Operation}Result>…</{Operation}Result><ResponseMetadata>…` and
// `<ErrorResponse>` errors, exactly as STS sends them.
import type { AwsServiceError } from '../contract.js';
import { errorMembers } from '../errors.js';
import type { EncodedResponse } from './http-response.js';

export interface QueryRequest {
  action: string;
  version: string;
  input: Record<string, unknown>;
}

/** Decodes a form body; `Tags.member.1.Key=k` becomes `{ Tags: [{ Key: 'k' }] }`. */
export function decodeQueryRequest(body: string, query: URLSearchParams): QueryRequest | undefined {
  const params = new URLSearchParams(body);
  for (const [key, value] of query) if (!params.has(key) && !key.startsWith('X-Amz-')) params.set(key, value);
  const action = params.get('Action');
  const version = params.get('Version');
  if (!action || !version) return undefined;
  const input: Tree = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    assign(input, key.split('.'), value);
  }
  return { action, version, input: collapseLists(input) as Record<string, unknown> };
}

export function encodeQueryOutput(operation: string, xmlNamespace: string, requestId: string, output: unknown): EncodedResponse {
  const result = output === undefined || output === null ? '' : toXml(output);
  const body =
    `<${operation}Response xmlns="${xmlNamespace}">\n` +
    `  <${operation}Result>${result}</${operation}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n` +
    `</${operation}Response>\n`;
  return { statusCode: 200, headers: xmlHeaders(requestId), body };
}

/** `xmlNamespace` is the service's; without one (the service is unknown) the element has none. */
export function encodeQueryError(xmlNamespace: string | undefined, requestId: string, error: AwsServiceError): EncodedResponse {
  const type = error.statusCode >= 500 ? 'Receiver' : 'Sender';
  const members = Object.entries(errorMembers(error))
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('');
  const body =
    `<ErrorResponse${xmlNamespace ? ` xmlns="${xmlNamespace}"` : ''}>\n` +
    `  <Error>\n    <Type>${type}</Type>\n    <Code>${escapeXml(error.code)}</Code>\n    <Message>${escapeXml(error.message)}</Message>${members}\n  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n` +
    `</ErrorResponse>\n`;
  return { statusCode: error.statusCode, headers: xmlHeaders(requestId), body };
}

function xmlHeaders(requestId: string): Record<string, string> {
  return { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
}

function toXml(value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .filter(([, member]) => member !== undefined && member !== null)
      .map(([name, member]) => `<${name}>${toXml(member)}</${name}>`)
      .join('');
  }
  return escapeXml(String(value));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

type Tree = { [key: string]: Tree | string };

function assign(target: Tree, path: string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next: Tree = typeof child === 'object' ? child : {};
  target[head] = next;
  assign(next, rest, value);
}

// `{ member: { '1': a, '2': b } }` (how the query protocol spells lists) becomes `[a, b]`.
function collapseLists(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === 'member' && typeof node.member === 'object') {
    const members = node.member;
    return Object.keys(members)
      .sort((a, b) => Number(a) - Number(b))
      .map((index) => collapseLists(members[index] as Tree | string));
  }
  return Object.fromEntries(keys.map((key) => [key, collapseLists(node[key] as Tree | string)]));
}
