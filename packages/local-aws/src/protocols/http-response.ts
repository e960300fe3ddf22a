// What a protocol codec hands back to the HTTP server.
export interface EncodedResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
