// Where the command-line tools (`npm run plan`, `npm run reconcile`) send their AWS calls: the local
// stack's endpoint with its management-account keys, or AWS with the default credential chain.

export const LOCAL_ENDPOINT = 'http://127.0.0.1:4566';

export interface EndpointChoice {
  /** A URL, or `aws`. */
  endpoint: string;
  region: string;
}

/** SDK client configuration for the choice: the local endpoint answers to test / test, as the management account. */
export const clientConfigFor = ({ endpoint, region }: EndpointChoice) =>
  endpoint === 'aws' ? { region } : { region, endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND']);

/** A readable message for a failure; for a local endpoint nobody answers at, how to start one. */
export const describeFailure = (error: unknown, { endpoint }: EndpointChoice): string => {
  const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : undefined;
  if (endpoint !== 'aws' && code && CONNECTION_ERRORS.has(code)) {
    return `Nothing answers at ${endpoint} (${code}). Start the local stack first: npm start`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
};

/** The region: --region, else the environment's, else us-east-1 (where the stack deploys). */
export const regionFrom = (option: string | undefined): string =>
  option ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
