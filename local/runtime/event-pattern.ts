/**
 * Amazon EventBridge event-pattern matching for the local runtime.
 *
 * Behaviour follows the EventBridge user guide ("Event patterns", "Comparison
 * operators for use in event patterns", "Arrays in event patterns", "Matching
 * null values and empty strings"). Where the guide is silent, the choices below
 * follow what AWS's TestEventPattern API was observed to do; each such choice
 * is commented at the place it is made.
 */

/** A JSON leaf value, as it may appear in an event or a pattern's match list. */
export type EventPatternScalar = string | number | boolean | null;

export type NumericComparator = '=' | '<' | '<=' | '>' | '>=';

/** `["<", 10]`, `["=", 3.018e2]`, or a range such as `[">", 0, "<=", 5]`. */
export type NumericOperand = readonly [NumericComparator, number] | readonly ['>' | '>=', number, '<' | '<=', number];

export type IgnoreCaseOperand = { readonly 'equals-ignore-case': string };

export type AnythingButOperand =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { readonly prefix: string | readonly string[] }
  | { readonly suffix: string | readonly string[] }
  | { readonly wildcard: string | readonly string[] }
  | { readonly 'equals-ignore-case': string | readonly string[] };

export type EventPatternOperator =
  | { readonly prefix: string | IgnoreCaseOperand }
  | { readonly suffix: string | IgnoreCaseOperand }
  | { readonly 'equals-ignore-case': string }
  | { readonly 'anything-but': AnythingButOperand }
  | { readonly numeric: NumericOperand }
  | { readonly exists: boolean }
  | { readonly cidr: string }
  | { readonly wildcard: string };

/** One entry of a match list: an exact value or a comparison operator. */
export type EventPatternMatcher = EventPatternScalar | EventPatternOperator;

/** A match list, a nested pattern, or (under the key `$or`) alternative patterns. */
export type EventPatternField = readonly EventPatternMatcher[] | EventPattern | readonly EventPattern[];

export type EventPattern = { readonly [field: string]: EventPatternField };

export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';

  constructor(
    /** What is wrong, e.g. `Unrecognized match type "contains"`. */
    readonly reason: string,
    /** Where in the pattern, e.g. `detail.state[0]`; `(root)` for the pattern itself. */
    readonly path: string,
  ) {
    super(`Invalid event pattern at ${path}: ${reason}`);
  }
}

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

/**
 * True when `event` matches `pattern`. The pattern is validated first, so a
 * malformed pattern throws InvalidEventPatternError instead of silently
 * matching nothing.
 */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  validateEventPattern(pattern);
  return matchesObject(pattern, event);
}

/** Every field of the pattern must match (AND); `$or` branches are alternatives. */
function matchesObject(pattern: EventPattern, node: unknown): boolean {
  if (Array.isArray(node)) {
    // A pattern object applies to each element of an event array on its own, so
    // two fields can only match together inside the same element. An empty
    // array holds nothing, which is the same as the field being absent.
    const elements = node.flat(Infinity);
    return elements.length === 0 ? matchesObject(pattern, undefined) : elements.some((element) => matchesObject(pattern, element));
  }
  return Object.entries(pattern).every(([key, field]) => {
    if (key === OR_KEY && Array.isArray(field)) {
      return (field as readonly EventPattern[]).some((branch) => matchesObject(branch, node));
    }
    const child = childOf(node, key);
    return Array.isArray(field)
      ? matchesField(field as readonly EventPatternMatcher[], leafValuesOf(child))
      : matchesObject(field as EventPattern, child);
  });
}

function childOf(node: unknown, key: string): unknown {
  return isPlainObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

/**
 * The leaf values found at a field: the value itself, or every element of an
 * array (nested arrays flattened). Objects are not leaves, so a field holding
 * an object has no values here, exactly as if it were missing.
 */
function leafValuesOf(value: unknown): EventPatternScalar[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leafValuesOf);
  if (isPlainObject(value)) return [];
  return [value as EventPatternScalar];
}

/** A match list is OR: any matcher matching any leaf value is enough. */
function matchesField(matchers: readonly EventPatternMatcher[], values: readonly EventPatternScalar[]): boolean {
  return matchers.some((matcher) => {
    // `exists` is about presence, so it is decided once for the field rather than per value.
    if (isPlainObject(matcher) && 'exists' in matcher) return matchesExists(matcher.exists as boolean, values);
    return values.some((value) => matchesValue(matcher, value));
  });
}

/** Dispatches one matcher against one leaf value. */
function matchesValue(matcher: EventPatternMatcher, value: EventPatternScalar): boolean {
  if (!isPlainObject(matcher)) return matchesExact(matcher as EventPatternScalar, value);
  const [operator, operand] = Object.entries(matcher)[0] as [string, unknown];
  switch (operator) {
    case 'prefix':
      return matchesPrefix(operand as string | IgnoreCaseOperand, value);
    case 'suffix':
      return matchesSuffix(operand as string | IgnoreCaseOperand, value);
    case 'equals-ignore-case':
      return matchesEqualsIgnoreCase(operand as string, value);
    case 'anything-but':
      return matchesAnythingBut(operand as AnythingButOperand, value);
    case 'numeric':
      return matchesNumeric(operand as NumericOperand, value);
    case 'cidr':
      return matchesCidr(operand as string, value);
    case 'wildcard':
      return matchesWildcard(operand as string, value);
    default:
      // validateEventPattern rejects unknown operators before matching starts.
      throw new InvalidEventPatternError(`Unrecognized match type "${operator}"`, '(matcher)');
  }
}

/**
 * JSON equality without coercion: "5" never equals 5, null never equals "".
 * Numbers compare by value, so 300 and 300.0 match; the guide says their string
 * forms differ, but TestEventPattern matches them (and JSON.parse cannot tell them apart).
 */
function matchesExact(expected: EventPatternScalar, value: EventPatternScalar): boolean {
  return expected === value;
}

function matchesPrefix(operand: string | IgnoreCaseOperand, value: EventPatternScalar): boolean {
  if (typeof value !== 'string') return false;
  if (typeof operand === 'string') return value.startsWith(operand);
  return foldCase(value).startsWith(foldCase(operand['equals-ignore-case']));
}

function matchesSuffix(operand: string | IgnoreCaseOperand, value: EventPatternScalar): boolean {
  if (typeof value !== 'string') return false;
  if (typeof operand === 'string') return value.endsWith(operand);
  return foldCase(value).endsWith(foldCase(operand['equals-ignore-case']));
}

function matchesEqualsIgnoreCase(operand: string, value: EventPatternScalar): boolean {
  return typeof value === 'string' && foldCase(value) === foldCase(operand);
}

/**
 * Matches any present value the operand does not describe. Values of another
 * type are "anything but" a string test, so null or 12 match
 * `{"anything-but": {"prefix": "init"}}`; a missing field never matches,
 * because there is no value (TestEventPattern agrees on all three).
 */
function matchesAnythingBut(operand: AnythingButOperand, value: EventPatternScalar): boolean {
  if (typeof operand === 'string' || typeof operand === 'number') return !matchesExact(operand, value);
  if (Array.isArray(operand)) return !operand.some((excluded: string | number) => matchesExact(excluded, value));
  const [operator, inner] = Object.entries(operand)[0] as [string, string | readonly string[]];
  const excluded = typeof inner === 'string' ? [inner] : inner;
  if (typeof value !== 'string') return true;
  switch (operator) {
    case 'prefix':
      return !excluded.some((prefix) => value.startsWith(prefix));
    case 'suffix':
      return !excluded.some((suffix) => value.endsWith(suffix));
    case 'wildcard':
      return !excluded.some((wildcard) => matchesWildcard(wildcard, value));
    case 'equals-ignore-case':
      return !excluded.some((other) => foldCase(other) === foldCase(value));
    default:
      throw new InvalidEventPatternError(`Unsupported anything-but pattern "${operator}"`, '(matcher)');
  }
}

/** Only JSON numbers take part: the string "300" is not a number to compare. */
function matchesNumeric(operand: NumericOperand, value: EventPatternScalar): boolean {
  if (typeof value !== 'number') return false;
  for (let index = 0; index < operand.length; index += 2) {
    if (!compare(value, operand[index] as NumericComparator, operand[index + 1] as number)) return false;
  }
  return true;
}

function compare(value: number, comparator: NumericComparator, bound: number): boolean {
  switch (comparator) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}

/** Presence of at least one leaf value; null counts as present, an object or [] does not. */
function matchesExists(expected: boolean, values: readonly EventPatternScalar[]): boolean {
  return values.length > 0 === expected;
}

function matchesCidr(operand: string, value: EventPatternScalar): boolean {
  if (typeof value !== 'string') return false;
  const network = parseCidr(operand);
  const address = parseIpAddress(value);
  if (network === undefined || address === undefined || network.version !== address.version) return false;
  const shift = BigInt(address.bits - network.maskBits);
  return address.value >> shift === network.address >> shift;
}

/** Whole-string match where `*` stands for any run of characters, including none. */
function matchesWildcard(operand: string, value: EventPatternScalar): boolean {
  if (typeof value !== 'string') return false;
  const literals = splitWildcard(operand);
  if (literals.length === 1) return value === literals[0];
  const first = literals[0] as string;
  const last = literals[literals.length - 1] as string;
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  // Taking each middle literal at its earliest position leaves the most room
  // for the rest, so this never needs to backtrack.
  let position = first.length;
  const end = value.length - last.length;
  for (const literal of literals.slice(1, -1)) {
    const found = value.indexOf(literal, position);
    if (found === -1 || found + literal.length > end) return false;
    position = found + literal.length;
  }
  return true;
}

/**
 * The literal text between unescaped `*`s, with `\*` and `\\` resolved.
 * Assumes a validated operand (no other escapes, no `**`).
 */
function splitWildcard(operand: string): string[] {
  const literals: string[] = [''];
  for (let index = 0; index < operand.length; index += 1) {
    const char = operand[index] as string;
    if (char === '*') {
      literals.push('');
    } else {
      const literal = char === '\\' ? (operand[++index] as string) : char;
      literals[literals.length - 1] += literal;
    }
  }
  return literals;
}

/** equals-ignore-case compares case-folded text. */
function foldCase(text: string): string {
  return text.toLowerCase();
}

// ---------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------

interface IpAddress {
  readonly version: 4 | 6;
  readonly bits: 32 | 128;
  readonly value: bigint;
}

interface CidrBlock {
  readonly version: 4 | 6;
  readonly address: bigint;
  readonly maskBits: number;
}

function parseCidr(cidr: string): CidrBlock | undefined {
  const parts = cidr.split('/');
  if (parts.length !== 2 || !/^\d+$/.test(parts[1] as string)) return undefined;
  const address = parseIpAddress(parts[0] as string);
  const maskBits = Number(parts[1]);
  if (address === undefined || maskBits > address.bits) return undefined;
  return { version: address.version, address: address.value, maskBits };
}

function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { version: 6, bits: 128, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { version: 4, bits: 32, value };
}

function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4 || !octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)) return undefined;
  return octets.reduce((accumulator, octet) => (accumulator << 8n) | BigInt(octet), 0n);
}

/** RFC 4291 text forms: full, `::`-compressed, and with a trailing dotted IPv4 part. */
function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const compressed = halves.length === 2;
  const head = parseIpv6Groups(halves[0] as string, !compressed);
  const tail = compressed ? parseIpv6Groups(halves[1] as string, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (compressed ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<number>(compressed ? missing : 0).fill(0), ...tail];
  return groups.reduce((accumulator, group) => (accumulator << 16n) | BigInt(group), 0n);
}

/** `endsAddress`: only the last group of the whole address may be written as dotted IPv4. */
function parseIpv6Groups(text: string, endsAddress: boolean): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const pieces = text.split(':');
  for (const [index, piece] of pieces.entries()) {
    if (endsAddress && index === pieces.length - 1 && piece.includes('.')) {
      const ipv4 = parseIpv4(piece);
      if (ipv4 === undefined) return undefined;
      groups.push(Number(ipv4 >> 16n), Number(ipv4 & 0xffffn));
    } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
      groups.push(Number.parseInt(piece, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

const OR_KEY = '$or';

/** Operators allowed inside a match list, and those allowed inside anything-but. */
const OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'cidr', 'wildcard']);
const ANYTHING_BUT_OPERATORS = new Set(['prefix', 'suffix', 'wildcard', 'equals-ignore-case']);

/**
 * Throws InvalidEventPatternError naming the first problem found, with the
 * rules PutRule enforces: every field is an object or a non-empty array, match
 * lists hold JSON scalars or one-key operator objects, and each operator gets
 * an operand of the documented shape.
 */
export function validateEventPattern(pattern: unknown): asserts pattern is EventPattern {
  if (!isPlainObject(pattern)) fail('the event pattern must be a JSON object', []);
  validateObject(pattern, []);
}

type Path = readonly (string | number)[];

function validateObject(pattern: Record<string, unknown>, path: Path): void {
  if (Object.keys(pattern).length === 0) fail('Empty objects are not allowed', path);
  for (const [key, field] of Object.entries(pattern)) {
    const fieldPath = [...path, key];
    if (key === OR_KEY && Array.isArray(field)) validateOr(field, fieldPath);
    else if (Array.isArray(field)) validateMatchList(field, fieldPath);
    else if (isPlainObject(field)) validateObject(field, fieldPath);
    else fail(`"${key}" must be an object or an array`, fieldPath);
  }
}

/**
 * AWS only reads `$or` as OR when it holds two or more objects whose keys are
 * not operator names; anything else would be read as a field literally called
 * "$or", which is never what a pattern in this project means.
 */
function validateOr(branches: readonly unknown[], path: Path): void {
  if (branches.length < 2) fail('"$or" needs an array of at least two patterns', path);
  branches.forEach((branch, index) => {
    const branchPath = [...path, index];
    if (!isPlainObject(branch)) fail('each "$or" branch must be an object', branchPath);
    const operatorKey = Object.keys(branch).find((key) => OPERATORS.has(key));
    if (operatorKey !== undefined) fail(`"$or" branch uses operator name "${operatorKey}" as a field`, branchPath);
    validateObject(branch, branchPath);
  });
}

function validateMatchList(matchers: readonly unknown[], path: Path): void {
  if (matchers.length === 0) fail('Empty arrays are not allowed', path);
  matchers.forEach((matcher, index) => {
    validateMatcher(matcher, [...path, index]);
  });
}

function validateMatcher(matcher: unknown, path: Path): void {
  if (isScalar(matcher)) return;
  if (!isPlainObject(matcher)) fail('Match value must be String, number, true, false, or null', path);
  const entries = Object.entries(matcher);
  if (entries.length !== 1) fail(`Only one key allowed in match expression, found ${entries.length}`, path);
  const [operator, operand] = entries[0] as [string, unknown];
  const operandPath = [...path, operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      validatePrefixOrSuffix(operator, operand, operandPath);
      return;
    case 'equals-ignore-case':
      requireString(operand, 'equals-ignore-case match pattern must be a string', operandPath);
      return;
    case 'anything-but':
      validateAnythingBut(operand, operandPath);
      return;
    case 'numeric':
      validateNumeric(operand, operandPath);
      return;
    case 'exists':
      if (typeof operand !== 'boolean') fail('exists match pattern must be either true or false', operandPath);
      return;
    case 'cidr':
      validateCidr(operand, operandPath);
      return;
    case 'wildcard':
      validateWildcard(operand, operandPath);
      return;
    default:
      fail(`Unrecognized match type "${operator}"`, path);
  }
}

function validatePrefixOrSuffix(operator: string, operand: unknown, path: Path): void {
  if (typeof operand === 'string') return;
  if (isPlainObject(operand) && Object.keys(operand).length === 1 && typeof operand['equals-ignore-case'] === 'string') return;
  fail(`${operator} match pattern must be a string or {"equals-ignore-case": <string>}`, path);
}

/**
 * The guide allows a string, a number, a list of only strings or only numbers,
 * or one of prefix / suffix / wildcard / equals-ignore-case with a string or a
 * list of strings. TestEventPattern rejects null, booleans, an empty
 * prefix/suffix, and prefix/suffix combined with equals-ignore-case.
 */
function validateAnythingBut(operand: unknown, path: Path): void {
  if (typeof operand === 'string') return;
  if (typeof operand === 'number') {
    requireFinite(operand, 'anything-but', path);
    return;
  }
  if (Array.isArray(operand)) {
    validateAnythingButList(operand, path);
    return;
  }
  if (!isPlainObject(operand)) fail('Value of anything-but must be an array, a string, a number, or an object', path);
  const entries = Object.entries(operand);
  if (entries.length !== 1) fail(`anything-but takes exactly one operator, found ${entries.length}`, path);
  const [operator, inner] = entries[0] as [string, unknown];
  const innerPath = [...path, operator];
  if (!ANYTHING_BUT_OPERATORS.has(operator)) fail(`Unsupported anything-but pattern "${operator}"`, innerPath);
  const values = typeof inner === 'string' ? [inner] : inner;
  if (!Array.isArray(values) || values.length === 0 || !values.every((value) => typeof value === 'string')) {
    fail(`anything-but ${operator} must be a string or a non-empty array of strings`, innerPath);
  }
  for (const value of values as string[]) {
    if ((operator === 'prefix' || operator === 'suffix') && value === '') fail(`anything-but ${operator} must not be empty`, innerPath);
    if (operator === 'wildcard') validateWildcard(value, innerPath);
  }
}

function validateAnythingButList(values: readonly unknown[], path: Path): void {
  if (values.length === 0) fail('Empty arrays are not allowed', path);
  const allStrings = values.every((value) => typeof value === 'string');
  const allNumbers = values.every((value) => typeof value === 'number' && Number.isFinite(value));
  if (!allStrings && !allNumbers) fail('anything-but list must contain only strings or only numbers', path);
}

const COMPARATORS = new Set<unknown>(['=', '<', '<=', '>', '>=']);

/** One comparison, or a lower bound (> or >=) followed by a greater upper bound (< or <=). */
function validateNumeric(operand: unknown, path: Path): void {
  if (!Array.isArray(operand)) fail('Value of numeric must be an array', path);
  if (operand.length !== 2 && operand.length !== 4) {
    fail('numeric takes one comparison [op, number] or a range [">"|">=", low, "<"|"<=", high]', path);
  }
  for (let index = 0; index < operand.length; index += 2) {
    const comparator: unknown = operand[index];
    if (!COMPARATORS.has(comparator)) fail(`Unrecognized numeric range operator: ${JSON.stringify(comparator)}`, [...path, index]);
    requireFinite(operand[index + 1], `Value of ${String(comparator)}`, [...path, index + 1]);
  }
  if (operand.length === 4) {
    if (operand[0] !== '>' && operand[0] !== '>=') fail(`a numeric range must start with > or >=, not ${String(operand[0])}`, [...path, 0]);
    if (operand[2] !== '<' && operand[2] !== '<=') fail(`Bad numeric range operator: ${String(operand[2])}`, [...path, 2]);
    if ((operand[1] as number) >= (operand[3] as number)) fail('Bottom must be less than top', path);
  }
}

function validateCidr(operand: unknown, path: Path): void {
  requireString(operand, 'cidr match pattern must be a string', path);
  const parts = operand.split('/');
  if (parts.length !== 2) fail(`Malformed CIDR, one '/' required: ${operand}`, path);
  if (!/^\d+$/.test(parts[1] as string)) fail(`Malformed CIDR, mask bits must be an integer: ${operand}`, path);
  const address = parseIpAddress(parts[0] as string);
  if (address === undefined) fail(`Nonstandard IP address: ${parts[0] as string}`, path);
  if (Number(parts[1]) > address.bits) fail(`Malformed CIDR, mask bits must be at most ${address.bits}: ${operand}`, path);
}

/** `\*` and `\\` are the only escapes; `**` is rejected, as AWS does. */
function validateWildcard(operand: unknown, path: Path): void {
  requireString(operand, 'wildcard match pattern must be a string', path);
  let previousWasWildcard = false;
  for (let index = 0; index < operand.length; index += 1) {
    const char = operand[index];
    if (char === '\\') {
      const escaped = operand[index + 1];
      if (escaped !== '*' && escaped !== '\\') fail(`wildcard escapes only * and \\ (backslash at position ${index})`, path);
      index += 1;
      previousWasWildcard = false;
    } else if (char === '*') {
      if (previousWasWildcard) fail(`Consecutive wildcard characters at pos ${index}`, path);
      previousWasWildcard = true;
    } else {
      previousWasWildcard = false;
    }
  }
}

function requireString(value: unknown, reason: string, path: Path): asserts value is string {
  if (typeof value !== 'string') fail(reason, path);
}

function requireFinite(value: unknown, subject: string, path: Path): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${subject} must be numeric`, path);
}

function fail(reason: string, path: Path): never {
  throw new InvalidEventPatternError(reason, formatPath(path));
}

function formatPath(path: Path): string {
  if (path.length === 0) return '(root)';
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join('');
}

// ---------------------------------------------------------------------------
// JSON helpers
// ---------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is EventPatternScalar {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
