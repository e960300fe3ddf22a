import { describe, expect, it } from 'vitest';
import {
  type EventPattern,
  InvalidEventPatternError,
  matchesEventPattern,
  validateEventPattern,
} from '../../local/runtime/event-pattern.js';

interface MatchCase {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly event: unknown;
  readonly matches: boolean;
}

/** The sample EC2 event used throughout the EventBridge user guide and the Event Ruler README. */
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

/** An event whose `detail` is exactly `detail`. */
function withDetail(detail: unknown): unknown {
  return { source: 'test-source', 'detail-type': 'test-detail-type', detail };
}

function runCases(cases: readonly MatchCase[]): void {
  it.each(cases)('$name', ({ pattern, event, matches }) => {
    expect(matchesEventPattern(pattern, event)).toBe(matches);
  });
}

// "Amazon EventBridge event patterns" / "Event pattern syntax": exact values, AND across fields,
// OR within a match list, nesting, JSON types without coercion.
describe('exact values', () => {
  runCases([
    {
      name: 'matches the documented EC2 pattern',
      pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['running'] } },
      event: ec2Event,
      matches: true,
    },
    { name: 'a match list is "any of"', pattern: { source: ['aws.ec2', 'aws.fargate'] }, event: ec2Event, matches: true },
    { name: 'no value of the list present', pattern: { source: ['aws.fargate', 'aws.lambda'] }, event: ec2Event, matches: false },
    {
      name: 'all fields must match (AND)',
      pattern: { source: ['aws.ec2'], detail: { state: ['terminated'] } },
      event: ec2Event,
      matches: false,
    },
    { name: 'nested field any-of', pattern: { detail: { state: ['initializing', 'running'] } }, event: ec2Event, matches: true },
    { name: 'strings are case-sensitive', pattern: { source: ['AWS.EC2'] }, event: ec2Event, matches: false },
    { name: 'field names are case-sensitive', pattern: { Source: ['aws.ec2'] }, event: ec2Event, matches: false },
    {
      name: 'a field missing from the event does not match',
      pattern: { detail: { reason: ['anything'] } },
      event: ec2Event,
      matches: false,
    },
    {
      name: 'numbers match numbers (Macie risk-score 80, trigger.risk 8)',
      pattern: { detail: { 'risk-score': [80], trigger: { risk: [8] } } },
      event: withDetail({ 'risk-score': 80, trigger: { risk: 8 } }),
      matches: true,
    },
    {
      name: 'numbers compare by value: 5 matches 5.0',
      pattern: { detail: { count: [5] } },
      event: JSON.parse('{"detail":{"count":5.0}}'),
      matches: true,
    },
    {
      name: 'numbers compare by value: 300 matches 3.0e2',
      pattern: { detail: { count: [300] } },
      event: JSON.parse('{"detail":{"count":3.0e2}}'),
      matches: true,
    },
    {
      name: 'a number pattern does not match a numeric string',
      pattern: { detail: { count: [80] } },
      event: withDetail({ count: '80' }),
      matches: false,
    },
    {
      name: 'a string pattern does not match a number',
      pattern: { detail: { count: ['80'] } },
      event: withDetail({ count: 80 }),
      matches: false,
    },
    { name: 'true matches true', pattern: { detail: { enabled: [true] } }, event: withDetail({ enabled: true }), matches: true },
    {
      name: 'true does not match "true"',
      pattern: { detail: { enabled: [true] } },
      event: withDetail({ enabled: 'true' }),
      matches: false,
    },
    { name: 'false does not match 0', pattern: { detail: { enabled: [false] } }, event: withDetail({ enabled: 0 }), matches: false },
    {
      name: 'a match list never matches an object (objects are not leaves)',
      pattern: { detail: ['running'] },
      event: ec2Event,
      matches: false,
    },
    {
      name: 'a nested pattern does not look inside a JSON string',
      pattern: { detail: { 'my-key': ['my-value'] } },
      event: withDetail('{"my-key": "my-value"}'),
      matches: false,
    },
    {
      name: 'a nested pattern does not match a null parent',
      pattern: { detail: { state: ['running'] } },
      event: withDetail(null),
      matches: false,
    },
    { name: 'a non-object event matches nothing positive', pattern: { source: ['aws.ec2'] }, event: 'aws.ec2', matches: false },
  ]);
});

// "Matching events on null values and empty strings in Amazon EventBridge".
describe('null and empty string', () => {
  const autoscalingEvent = {
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };
  runCases([
    { name: 'empty string matches ""', pattern: { detail: { eventVersion: [''] } }, event: autoscalingEvent, matches: true },
    { name: 'null matches null', pattern: { detail: { responseElements: [null] } }, event: autoscalingEvent, matches: true },
    { name: '"" does not match null', pattern: { detail: { responseElements: [''] } }, event: autoscalingEvent, matches: false },
    { name: 'null does not match ""', pattern: { detail: { eventVersion: [null] } }, event: autoscalingEvent, matches: false },
    { name: 'null does not match a missing field', pattern: { detail: { missing: [null] } }, event: autoscalingEvent, matches: false },
  ]);
});

// "Arrays in Amazon EventBridge event patterns" and the Event Ruler README "JSON Array Matching".
describe('arrays in the event', () => {
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  runCases([
    {
      name: 'matches when the pattern list and the event array intersect',
      pattern: {
        resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'],
      },
      event: {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      },
      matches: true,
    },
    {
      name: 'does not match when they do not intersect',
      pattern: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
      event: { resources: ['arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b/ASGTerminate'] },
      matches: false,
    },
    {
      name: 'an empty event array matches no value, not even null',
      pattern: { resources: [null] },
      event: { resources: [] },
      matches: false,
    },
    { name: 'null inside an event array is a value', pattern: { resources: [null] }, event: { resources: ['a', null] }, matches: true },
    { name: 'nested event arrays are flattened', pattern: { tags: ['b'] }, event: { tags: [['a'], ['b']] }, matches: true },
    {
      name: 'a nested pattern applies to objects inside an array',
      pattern: { employees: { firstName: ['Anna'] } },
      event: employees,
      matches: true,
    },
    {
      name: 'fields from different array elements do not combine',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      event: employees,
      matches: false,
    },
    {
      name: 'fields from the same array element do combine',
      pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
      event: employees,
      matches: true,
    },
    // An empty array holds no fields, so it reads like the field being absent.
    {
      name: 'an empty array of objects has no nested field',
      pattern: { detail: { items: { id: [{ exists: false }] } } },
      event: withDetail({ items: [] }),
      matches: true,
    },
    {
      name: 'an empty array of objects matches no nested value',
      pattern: { detail: { items: { id: [{ 'anything-but': 'x' }] } } },
      event: withDetail({ items: [] }),
      matches: false,
    },
    {
      name: 'objects inside arrays of arrays',
      pattern: { employees: { firstName: ['Peter'] } },
      event: { employees: [[{ firstName: 'John' }], [{ firstName: 'Peter' }]] },
      matches: true,
    },
    {
      name: 'exists: true holds when one element has the field',
      pattern: { detail: { automations: { id: [{ exists: true }] } } },
      event: withDetail({ automations: [{ key1: 'value1' }, { id: 'match-does-exist' }, { key2: 'value2' }] }),
      matches: true,
    },
  ]);
});

// "Comparison operators for use in event patterns": Prefix matching, and prefix with equals-ignore-case.
describe('prefix', () => {
  runCases([
    { name: 'time starts with 2017-10-02', pattern: { time: [{ prefix: '2017-10-02' }] }, event: ec2Event, matches: true },
    { name: 'time starts with another date', pattern: { time: [{ prefix: '2017-10-03' }] }, event: ec2Event, matches: false },
    {
      name: 'Auto Scaling events from European regions',
      pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
      event: { source: 'aws.autoscaling', region: 'eu-west-1' },
      matches: true,
    },
    { name: 'prefix is case-sensitive', pattern: { region: [{ prefix: 'US-' }] }, event: ec2Event, matches: false },
    { name: 'prefix only applies to strings', pattern: { detail: { 'c-count': [{ prefix: '5' }] } }, event: ec2Event, matches: false },
    {
      name: 'prefix ignoring case matches EVENTB...',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: withDetail({ service: 'EVENTBRIDGE' }),
      matches: true,
    },
    {
      name: 'prefix ignoring case matches eventb...',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: withDetail({ service: 'eventbridge' }),
      matches: true,
    },
    {
      name: 'prefix ignoring case still anchors at the start',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: withDetail({ service: 'Amazon EventBridge' }),
      matches: false,
    },
  ]);
});

// "Comparison operators for use in event patterns": Suffix matching, and suffix with equals-ignore-case.
describe('suffix', () => {
  runCases([
    { name: 'FileName ends with .png', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.png' }, matches: true },
    { name: 'suffix is case-sensitive', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.PNG' }, matches: false },
    {
      name: 'suffix anchors at the end',
      pattern: { FileName: [{ suffix: '.png' }] },
      event: { FileName: 'image.png.bak' },
      matches: false,
    },
    {
      name: 'suffix ignoring case matches .PNG',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      event: withDetail({ FileName: 'IMAGE.PNG' }),
      matches: true,
    },
    {
      name: 'suffix ignoring case rejects other endings',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      event: withDetail({ FileName: 'image.jpg' }),
      matches: false,
    },
    { name: 'suffix only applies to strings', pattern: { detail: { 'c-count': [{ suffix: '5' }] } }, event: ec2Event, matches: false },
  ]);
});

// "Comparison operators for use in event patterns": Equals-ignore-case matching.
describe('equals-ignore-case', () => {
  runCases([
    { name: 'alice matches Alice', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'Alice' }, matches: true },
    { name: 'alice matches ALICE', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'ALICE' }, matches: true },
    {
      name: 'the whole string must be equal',
      pattern: { Name: [{ 'equals-ignore-case': 'alice' }] },
      event: { Name: 'Alicia' },
      matches: false,
    },
    {
      name: 'detail-type in another casing',
      pattern: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'empty string matches empty string',
      pattern: { detail: { value: [{ 'equals-ignore-case': '' }] } },
      event: withDetail({ value: '' }),
      matches: true,
    },
    {
      name: 'only applies to strings',
      pattern: { detail: { 'c-count': [{ 'equals-ignore-case': '5' }] } },
      event: ec2Event,
      matches: false,
    },
  ]);
});

// "Comparison operators for use in event patterns": Anything-but matching (values, lists, prefix,
// suffix, wildcard, equals-ignore-case). Null and non-string cases follow TestEventPattern.
describe('anything-but', () => {
  runCases([
    {
      name: 'state other than initializing',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'state is initializing',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: withDetail({ state: 'initializing' }),
      matches: false,
    },
    { name: 'number other than 123', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event: ec2Event, matches: true },
    {
      name: 'number is 123',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: withDetail({ 'x-limit': 123 }),
      matches: false,
    },
    {
      name: 'anything-but 0 matches 789',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 0 }] } },
      event: withDetail({ 'x-limit': 789 }),
      matches: true,
    },
    {
      name: 'string list: running is neither stopped nor overloaded',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'string list: stopped is excluded',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: withDetail({ state: 'stopped' }),
      matches: false,
    },
    {
      name: 'number list: 301.8 is not excluded',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'number list: 200 is excluded',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: withDetail({ 'x-limit': 200 }),
      matches: false,
    },
    {
      name: 'the string "123" is not the number 123',
      pattern: { detail: { id: [{ 'anything-but': 123 }] } },
      event: withDetail({ id: '123' }),
      matches: true,
    },
    {
      name: 'null is anything but a string',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: withDetail({ state: null }),
      matches: true,
    },
    {
      name: 'a missing field is not "anything"',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: withDetail({}),
      matches: false,
    },
    {
      name: 'an array whose only value is excluded',
      pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
      event: withDetail({ state: ['stopped'] }),
      matches: false,
    },
    // Per element, like every other matcher on an event array.
    {
      name: 'an array with one value not excluded',
      pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
      event: withDetail({ state: ['stopped', 'running'] }),
      matches: true,
    },
    {
      name: 'prefix: running does not start with init',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: ec2Event,
      matches: true,
    },
    {
      name: 'prefix: initializing starts with init',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: withDetail({ state: 'initializing' }),
      matches: false,
    },
    {
      name: 'prefix: a number has no such prefix',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: withDetail({ state: 12 }),
      matches: true,
    },
    {
      name: 'prefix: null has no such prefix',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: withDetail({ state: null }),
      matches: true,
    },
    {
      name: 'Region is not in the US',
      pattern: { Region: [{ 'anything-but': { prefix: 'us-' } }] },
      event: { Region: 'eu-west-1' },
      matches: true,
    },
    {
      name: 'prefix list: post-init starts with neither',
      pattern: { detail: { state: [{ 'anything-but': { prefix: ['init', 'test'] } }] } },
      event: withDetail({ state: 'post-init' }),
      matches: true,
    },
    {
      name: 'prefix list: testing starts with test',
      pattern: { detail: { state: [{ 'anything-but': { prefix: ['init', 'test'] } }] } },
      event: withDetail({ state: 'testing' }),
      matches: false,
    },
    {
      name: 'suffix: FileName does not end with .png',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'notes.txt' },
      matches: true,
    },
    {
      name: 'suffix: FileName ends with .png',
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      event: { FileName: 'image.png' },
      matches: false,
    },
    {
      name: 'wildcard: a path without /lib/',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: '/usr/bin/tool' },
      matches: true,
    },
    {
      name: 'wildcard: a path with /lib/',
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      event: { FilePath: '/usr/lib/tool' },
      matches: false,
    },
    {
      name: 'wildcard: a number is not a matching path',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/dir/*' } }] } },
      event: withDetail({ FilePath: 123 }),
      matches: true,
    },
    {
      name: 'wildcard: the empty wildcard excludes only ""',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '' } }] } },
      event: withDetail({ FilePath: 'dir/init/file' }),
      matches: true,
    },
    {
      name: 'ignore case: INITIALIZING is excluded',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      event: { state: 'INITIALIZING' },
      matches: false,
    },
    {
      name: 'ignore case: running is not excluded',
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      event: { state: 'running' },
      matches: true,
    },
    {
      name: 'ignore case list: Stopped is excluded',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } },
      event: withDetail({ state: 'Stopped' }),
      matches: false,
    },
    {
      name: 'ignore case list: null is not excluded',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } },
      event: withDetail({ state: null }),
      matches: true,
    },
  ]);
});

// "Comparison operators for use in event patterns": Numeric matching.
describe('numeric', () => {
  const range: EventPattern = { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } };
  runCases([
    {
      name: 'the documented c-count / d-count / x-limit pattern',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      event: ec2Event,
      matches: true,
    },
    { name: 'range: upper bound <= is inclusive', pattern: range, event: withDetail({ 'c-count': 5 }), matches: true },
    { name: 'range: lower bound > is exclusive', pattern: range, event: withDetail({ 'c-count': 0 }), matches: false },
    { name: 'range: above the upper bound', pattern: range, event: withDetail({ 'c-count': 5.000001 }), matches: false },
    { name: 'range: decimals inside', pattern: range, event: withDetail({ 'c-count': 0.5 }), matches: true },
    { name: '>= is inclusive', pattern: { detail: { n: [{ numeric: ['>=', 10] }] } }, event: withDetail({ n: 10 }), matches: true },
    { name: '< is exclusive', pattern: { detail: { n: [{ numeric: ['<', 10] }] } }, event: withDetail({ n: 10 }), matches: false },
    {
      name: '>= 0, < 1 range with negative value',
      pattern: { detail: { n: [{ numeric: ['>=', 0, '<', 1] }] } },
      event: withDetail({ n: -0.5 }),
      matches: false,
    },
    {
      name: 'negative bounds',
      pattern: { detail: { n: [{ numeric: ['>', -10, '<', -1] }] } },
      event: withDetail({ n: -5 }),
      matches: true,
    },
    { name: '101.0 > 100', pattern: { number: [{ numeric: ['>', 100] }] }, event: JSON.parse('{"number":101.0}'), matches: true },
    { name: 'a numeric string is not a number', pattern: { number: [{ numeric: ['>', 100] }] }, event: { number: '300' }, matches: false },
    { name: 'null is not a number', pattern: { number: [{ numeric: ['>', 100] }] }, event: { number: null }, matches: false },
    { name: 'a missing field is not a number', pattern: { number: [{ numeric: ['>', 100] }] }, event: {}, matches: false },
    { name: 'any element of an event array', pattern: { numbers: [{ numeric: ['>', 10] }] }, event: { numbers: [1, 50] }, matches: true },
    {
      name: 'one matcher of the list suffices (numeric or anything-but)',
      pattern: { N: [{ numeric: ['>', 100] }, { 'anything-but': '101' }] },
      event: { N: '42' },
      matches: true,
    },
  ]);
});

// "Comparison operators for use in event patterns": IP address matching.
describe('cidr', () => {
  const v4: EventPattern = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
  const v6: EventPattern = { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } };
  runCases([
    { name: 'IPv4 inside 10.0.0.0/24', pattern: v4, event: withDetail({ sourceIPAddress: '10.0.0.33' }), matches: true },
    { name: 'IPv4 last address of the block', pattern: v4, event: withDetail({ sourceIPAddress: '10.0.0.255' }), matches: true },
    { name: 'IPv4 outside the block', pattern: v4, event: withDetail({ sourceIPAddress: '10.0.1.1' }), matches: false },
    {
      name: '10.0.0.0/8 from the complex example',
      pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/8' }] } },
      event: ec2Event,
      matches: true,
    },
    { name: '/32 is a single address', pattern: { ip: [{ cidr: '192.168.1.7/32' }] }, event: { ip: '192.168.1.8' }, matches: false },
    { name: '/0 is every IPv4 address', pattern: { ip: [{ cidr: '0.0.0.0/0' }] }, event: { ip: '203.0.113.9' }, matches: true },
    {
      name: 'IPv6 written in full inside the /64',
      pattern: v6,
      event: withDetail({ sourceIPAddress: '2001:0db8:1234:1a00:0000:0000:0000:0000' }),
      matches: true,
    },
    {
      name: 'IPv6 compressed inside the /64',
      pattern: v6,
      event: withDetail({ sourceIPAddress: '2001:db8:1234:1a00::42' }),
      matches: true,
    },
    { name: 'IPv6 outside the /64', pattern: v6, event: withDetail({ sourceIPAddress: '2001:db8:1234:1b00::' }), matches: false },
    { name: 'IPv6 loopback ::1/128', pattern: { ip: [{ cidr: '::1/128' }] }, event: { ip: '::1' }, matches: true },
    { name: 'an IPv4 address is not in an IPv6 block', pattern: { ip: [{ cidr: '::/0' }] }, event: { ip: '10.0.0.1' }, matches: false },
    { name: 'a non-address string', pattern: v4, event: withDetail({ sourceIPAddress: 'not-an-ip' }), matches: false },
    { name: 'a number is not an address', pattern: v4, event: withDetail({ sourceIPAddress: 123 }), matches: false },
  ]);
});

// "Comparison operators for use in event patterns": Exists matching ("only works on leaf nodes").
describe('exists', () => {
  runCases([
    { name: 'exists: true with the field present', pattern: { detail: { state: [{ exists: true }] } }, event: ec2Event, matches: true },
    {
      name: 'exists: true with the field missing',
      pattern: { detail: { state: [{ exists: true }] } },
      event: withDetail({ 'c-count': { c1: 100 } }),
      matches: false,
    },
    {
      name: 'exists: false with the field missing',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: withDetail({ state: ['initializing', 'running'] }),
      matches: true,
    },
    {
      name: 'exists: false when the field is an object (not a leaf)',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: withDetail({ state: 'running', 'c-count': { c1: 100 } }),
      matches: true,
    },
    {
      name: 'exists: true when the field is an object (not a leaf)',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: withDetail({ 'c-count': { c1: 100 } }),
      matches: false,
    },
    { name: 'exists: false with the field present', pattern: { detail: { state: [{ exists: false }] } }, event: ec2Event, matches: false },
    {
      name: 'exists: true on null (the value is not considered)',
      pattern: { detail: { state: [{ exists: true }] } },
      event: withDetail({ state: null }),
      matches: true,
    },
    {
      name: 'exists: false on null',
      pattern: { detail: { state: [{ exists: false }] } },
      event: withDetail({ state: null }),
      matches: false,
    },
    {
      name: 'exists: true on an empty string',
      pattern: { detail: { state: [{ exists: true }] } },
      event: withDetail({ state: '' }),
      matches: true,
    },
    { name: 'exists: true on an empty array', pattern: { resources: [{ exists: true }] }, event: { resources: [] }, matches: false },
    { name: 'exists: false on an empty array', pattern: { resources: [{ exists: false }] }, event: { resources: [] }, matches: true },
    {
      name: 'exists: false under a parent that is missing',
      pattern: { detail: { level1: { level2: { level3: [{ exists: false }] } } } },
      event: withDetail({ level1: { other: 'x' } }),
      matches: true,
    },
    {
      name: 'exists: false under a parent that is a string',
      pattern: { detail: { level1: { level2: { level3: [{ exists: false }] } } } },
      event: withDetail({ level1: { level2: 'l2 value' } }),
      matches: true,
    },
    {
      name: 'exists: false on a deep leaf that is present',
      pattern: { detail: { level1: { level2: { level3: [{ exists: false }] } } } },
      event: withDetail({ level1: { level2: { level3: 'l3 value' } } }),
      matches: false,
    },
    {
      name: 'exists: true on a deep leaf (DynamoDB-style)',
      pattern: { dynamodb: { presentKey: { S: [{ exists: true }] } } },
      event: { dynamodb: { id: { S: 'test1234' }, presentKey: { S: 'test123' } } },
      matches: true,
    },
    {
      name: 'exists: false as an alternative to anything-but',
      pattern: { dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } } },
      event: { dynamodb: { NewImage: { homemade: { N: '789' } } } },
      matches: true,
    },
  ]);
});

// "Comparison operators for use in event patterns": Wildcard matching.
describe('wildcard', () => {
  runCases([
    {
      name: 'Simple*Service matches SimpleQueueService',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleQueueService' },
      matches: true,
    },
    {
      name: '* may match nothing',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleService' },
      matches: true,
    },
    {
      name: 'the whole value must match',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: { source: 'SimpleQueueServices' },
      matches: false,
    },
    {
      name: 'dir/*.png matches a file in dir',
      pattern: { detail: { FileName: [{ wildcard: 'dir/*.png' }] } },
      event: withDetail({ FileName: 'dir/image.png' }),
      matches: true,
    },
    {
      name: '* also spans path separators',
      pattern: { detail: { FileName: [{ wildcard: 'dir/*.png' }] } },
      event: withDetail({ FileName: 'dir/sub/image.png' }),
      matches: true,
    },
    {
      name: 'dir/*.png does not match a .jpg',
      pattern: { detail: { FileName: [{ wildcard: 'dir/*.png' }] } },
      event: withDetail({ FileName: 'dir/image.jpg' }),
      matches: false,
    },
    {
      name: '*Title* matches Title in the middle',
      pattern: { title: [{ wildcard: '*Title*' }] },
      event: { title: 'The Title Page' },
      matches: true,
    },
    {
      name: 'event bus ARN in any account',
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/myEventBus' },
      matches: true,
    },
    {
      name: 'event bus ARN in another region',
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      event: { EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/myEventBus' },
      matches: false,
    },
    {
      name: 'a wildcard followed by repeating text',
      pattern: { FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] },
      event: { FileName: '/Users/ls_user/dir/dir/dir/dir/dir/doc.txt' },
      matches: true,
    },
    {
      name: 'overlapping ends need enough characters (a*a vs a)',
      pattern: { v: [{ wildcard: 'a*a' }] },
      event: { v: 'a' },
      matches: false,
    },
    { name: 'overlapping ends (a*a vs aa)', pattern: { v: [{ wildcard: 'a*a' }] }, event: { v: 'aa' }, matches: true },
    { name: '* alone matches the empty string', pattern: { v: [{ wildcard: '*' }] }, event: { v: '' }, matches: true },
    { name: '\\* is a literal asterisk', pattern: { v: [{ wildcard: 'a\\*b' }] }, event: { v: 'a*b' }, matches: true },
    { name: '\\* does not act as a wildcard', pattern: { v: [{ wildcard: 'a\\*b' }] }, event: { v: 'axb' }, matches: false },
    { name: '\\\\ is a literal backslash', pattern: { v: [{ wildcard: 'C:\\\\*' }] }, event: { v: 'C:\\Windows' }, matches: true },
    {
      name: 'a plain * does not match an asterisk-only pattern literally',
      pattern: { v: ['*'] },
      event: { v: 'anything' },
      matches: false,
    },
    { name: 'wildcard only applies to strings', pattern: { v: [{ wildcard: '1*' }] }, event: { v: 123 }, matches: false },
  ]);
});

// Event Ruler README "The $or Primitive" and "Comparison operators for use in event patterns" ($or).
describe('$or', () => {
  const metricOr: EventPattern = {
    source: ['aws.cloudwatch'],
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  };
  const nested: EventPattern = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      { scope: ['Service'] },
    ],
  };
  runCases([
    { name: 'first branch matches', pattern: metricOr, event: { source: 'aws.cloudwatch', metricName: 'ReadLatency' }, matches: true },
    { name: 'second branch matches', pattern: metricOr, event: { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, matches: true },
    { name: 'no branch matches', pattern: metricOr, event: { source: 'aws.cloudwatch', namespace: 'AWS/Lambda' }, matches: false },
    {
      name: 'a branch matches but a sibling field does not',
      pattern: metricOr,
      event: { source: 'aws.ec2', metricName: 'ReadLatency' },
      matches: false,
    },
    {
      name: 'parallel $or at two levels',
      pattern: {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
      },
      event: { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } },
      matches: true,
    },
    {
      name: 'nested $or inside an AND branch (metricId)',
      pattern: nested,
      event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', metricId: 1234 },
      matches: true,
    },
    {
      name: 'nested $or inside an AND branch (neither id)',
      pattern: nested,
      event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', metricId: 9 },
      matches: false,
    },
    {
      name: 'nested $or: the AND branch needs all of its fields',
      pattern: nested,
      event: { source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1000 },
      matches: false,
    },
    { name: 'nested $or: third branch', pattern: nested, event: { source: 'aws.cloudwatch', scope: 'Service' }, matches: true },
    {
      name: '$or branches with operators',
      pattern: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { state: [{ prefix: 'run' }] }] },
      event: ec2Event.detail,
      matches: true,
    },
  ]);
});

// "Comparison operators for use in event patterns": Complex example with multiple matching.
describe('combined operators', () => {
  const complex: EventPattern = {
    time: [{ prefix: '2017-10-02' }],
    detail: {
      state: [{ 'anything-but': 'initializing' }],
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ 'anything-but': [100, 200, 300] }],
      'source-ip': [{ cidr: '10.0.0.0/8' }],
    },
  };
  runCases([
    { name: 'the complex example matches the sample event', pattern: complex, event: ec2Event, matches: true },
    {
      name: 'one failing operator fails the pattern',
      pattern: complex,
      event: { ...ec2Event, detail: { ...ec2Event.detail, 'x-limit': 200 } },
      matches: false,
    },
  ]);
});

interface InvalidCase {
  readonly name: string;
  readonly pattern: unknown;
  /** The reason must contain this text. */
  readonly reason: string;
  /** Where the problem is reported. */
  readonly path: string;
}

// Rejections PutRule / TestEventPattern make with InvalidEventPatternException; reasons reuse AWS's
// wording where it is known.
describe('validateEventPattern', () => {
  const invalid: readonly InvalidCase[] = [
    { name: 'an array instead of an object', pattern: ['not', 'an', 'object'], reason: 'must be a JSON object', path: '(root)' },
    { name: 'null instead of an object', pattern: null, reason: 'must be a JSON object', path: '(root)' },
    { name: 'an empty pattern', pattern: {}, reason: 'Empty objects are not allowed', path: '(root)' },
    { name: 'a nested empty object', pattern: { detail: {} }, reason: 'Empty objects are not allowed', path: 'detail' },
    {
      name: 'a bare string instead of a match list',
      pattern: { string: 'my-value' },
      reason: '"string" must be an object or an array',
      path: 'string',
    },
    {
      name: 'a bare number instead of a match list',
      pattern: { detail: { int: 42 } },
      reason: '"int" must be an object or an array',
      path: 'detail.int',
    },
    { name: 'an empty match list', pattern: { resources: [] }, reason: 'Empty arrays are not allowed', path: 'resources' },
    {
      name: 'an array inside a match list',
      pattern: { v: [['a']] },
      reason: 'Match value must be String, number, true, false, or null',
      path: 'v[0]',
    },
    { name: 'an unknown operator', pattern: { v: [{ contains: 'x' }] }, reason: 'Unrecognized match type "contains"', path: 'v[0]' },
    {
      name: 'operator names are case-sensitive',
      pattern: { my_key: [{ EXISTS: true }] },
      reason: 'Unrecognized match type "EXISTS"',
      path: 'my_key[0]',
    },
    {
      name: 'two operators in one object',
      pattern: { v: [{ prefix: 'a', suffix: 'b' }] },
      reason: 'Only one key allowed in match expression',
      path: 'v[0]',
    },
    { name: 'an empty operator object', pattern: { v: [{}] }, reason: 'Only one key allowed in match expression', path: 'v[0]' },
    {
      name: 'prefix with a number',
      pattern: { time: [{ prefix: 123 }] },
      reason: 'prefix match pattern must be a string',
      path: 'time[0].prefix',
    },
    {
      name: 'prefix with a list',
      pattern: { time: [{ prefix: ['2022-07-13'] }] },
      reason: 'prefix match pattern must be a string',
      path: 'time[0].prefix',
    },
    {
      name: 'prefix with another nested operator',
      pattern: { v: [{ prefix: { wildcard: 'a*' } }] },
      reason: 'prefix match pattern must be a string',
      path: 'v[0].prefix',
    },
    {
      name: 'suffix with a list',
      pattern: { FileName: [{ suffix: ['.png'] }] },
      reason: 'suffix match pattern must be a string',
      path: 'FileName[0].suffix',
    },
    {
      name: 'equals-ignore-case with a list',
      pattern: { v: [{ 'equals-ignore-case': ['a'] }] },
      reason: 'equals-ignore-case match pattern must be a string',
      path: 'v[0].equals-ignore-case',
    },
    {
      name: 'anything-but null',
      pattern: { state: [{ 'anything-but': null }] },
      reason: 'Value of anything-but must be',
      path: 'state[0].anything-but',
    },
    {
      name: 'anything-but a boolean',
      pattern: { state: [{ 'anything-but': true }] },
      reason: 'Value of anything-but must be',
      path: 'state[0].anything-but',
    },
    {
      name: 'anything-but a mixed list',
      pattern: { state: [{ 'anything-but': ['a', 1] }] },
      reason: 'only strings or only numbers',
      path: 'state[0].anything-but',
    },
    {
      name: 'anything-but an empty list',
      pattern: { state: [{ 'anything-but': [] }] },
      reason: 'Empty arrays are not allowed',
      path: 'state[0].anything-but',
    },
    {
      name: 'anything-but an empty prefix',
      pattern: { v: [{ 'anything-but': { prefix: '' } }] },
      reason: 'anything-but prefix must not be empty',
      path: 'v[0].anything-but.prefix',
    },
    {
      name: 'anything-but an empty suffix',
      pattern: { v: [{ 'anything-but': { suffix: '' } }] },
      reason: 'anything-but suffix must not be empty',
      path: 'v[0].anything-but.suffix',
    },
    {
      name: 'anything-but prefix ignoring case',
      pattern: { v: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] },
      reason: 'anything-but prefix must be a string or a non-empty array of strings',
      path: 'v[0].anything-but.prefix',
    },
    {
      name: 'anything-but numeric',
      pattern: { v: [{ 'anything-but': { numeric: ['>', 1] } }] },
      reason: 'Unsupported anything-but pattern "numeric"',
      path: 'v[0].anything-but.numeric',
    },
    {
      name: 'anything-but equals-ignore-case with a number',
      pattern: { v: [{ 'anything-but': { 'equals-ignore-case': 123 } }] },
      reason: 'anything-but equals-ignore-case must be a string',
      path: 'v[0].anything-but.equals-ignore-case',
    },
    {
      name: 'anything-but wildcard list with a number',
      pattern: { v: [{ 'anything-but': { wildcard: [123, '*/dir/*'] } }] },
      reason: 'anything-but wildcard must be a string',
      path: 'v[0].anything-but.wildcard',
    },
    {
      name: 'numeric that is not an array',
      pattern: { v: [{ numeric: 5 }] },
      reason: 'Value of numeric must be an array',
      path: 'v[0].numeric',
    },
    {
      name: 'numeric with two lower bounds',
      pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '>', 0] }] } },
      reason: 'Bad numeric range operator: >',
      path: 'detail.c-count[0].numeric[2]',
    },
    {
      name: 'numeric with a missing upper value',
      pattern: { v: [{ numeric: ['>', 0, '<'] }] },
      reason: 'numeric takes one comparison',
      path: 'v[0].numeric',
    },
    {
      name: 'numeric range bottom above top',
      pattern: { v: [{ numeric: ['>', 5, '<', 1] }] },
      reason: 'Bottom must be less than top',
      path: 'v[0].numeric',
    },
    {
      name: 'numeric range starting with an upper bound',
      pattern: { v: [{ numeric: ['<', 5, '>', 1] }] },
      reason: 'a numeric range must start with > or >=',
      path: 'v[0].numeric[0]',
    },
    {
      name: 'numeric with a string value',
      pattern: { v: [{ numeric: ['=', '5'] }] },
      reason: 'Value of = must be numeric',
      path: 'v[0].numeric[1]',
    },
    {
      name: 'numeric with an unknown comparator',
      pattern: { v: [{ numeric: ['!=', 5] }] },
      reason: 'Unrecognized numeric range operator: "!="',
      path: 'v[0].numeric[0]',
    },
    {
      name: 'exists with a string',
      pattern: { v: [{ exists: 'true' }] },
      reason: 'exists match pattern must be either true or false',
      path: 'v[0].exists',
    },
    {
      name: 'cidr without a mask',
      pattern: { ip: [{ cidr: '10.0.0.0' }] },
      reason: "Malformed CIDR, one '/' required",
      path: 'ip[0].cidr',
    },
    {
      name: 'cidr with a non-integer mask',
      pattern: { ip: [{ cidr: '10.0.0.0/abc' }] },
      reason: 'mask bits must be an integer',
      path: 'ip[0].cidr',
    },
    {
      name: 'cidr with a bad IPv4 address',
      pattern: { ip: [{ cidr: 'xx.11.xx/24' }] },
      reason: 'Nonstandard IP address: xx.11.xx',
      path: 'ip[0].cidr',
    },
    {
      name: 'cidr with a bad IPv6 address',
      pattern: { ip: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] },
      reason: 'Nonstandard IP address: xxxx:db8:1234:1a00::',
      path: 'ip[0].cidr',
    },
    {
      name: 'cidr mask wider than the address',
      pattern: { ip: [{ cidr: '10.0.0.0/33' }] },
      reason: 'mask bits must be at most 32',
      path: 'ip[0].cidr',
    },
    {
      name: 'cidr with a list',
      pattern: { ip: [{ cidr: ['10.0.0.0/24'] }] },
      reason: 'cidr match pattern must be a string',
      path: 'ip[0].cidr',
    },
    {
      name: 'wildcard with a number',
      pattern: { v: [{ wildcard: 123 }] },
      reason: 'wildcard match pattern must be a string',
      path: 'v[0].wildcard',
    },
    {
      name: 'consecutive wildcards',
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] },
      reason: 'Consecutive wildcard characters at pos 26',
      path: 'EventBusArn[0].wildcard',
    },
    {
      name: 'escaping a character other than * or \\',
      pattern: { v: [{ wildcard: 'a\\d' }] },
      reason: 'wildcard escapes only * and \\',
      path: 'v[0].wildcard',
    },
    {
      name: 'a trailing backslash',
      pattern: { v: [{ wildcard: 'a\\' }] },
      reason: 'wildcard escapes only * and \\',
      path: 'v[0].wildcard',
    },
    {
      name: '$or with a single branch',
      pattern: { $or: [{ a: ['b'] }] },
      reason: '"$or" needs an array of at least two patterns',
      path: '$or',
    },
    {
      name: '$or with a non-object branch',
      pattern: { $or: [{ a: ['b'] }, 'c'] },
      reason: 'each "$or" branch must be an object',
      path: '$or[1]',
    },
    {
      name: '$or with operator names as fields',
      pattern: { $or: [{ numeric: 123 }, { prefix: 'abc' }] },
      reason: 'uses operator name "numeric" as a field',
      path: '$or[0]',
    },
    {
      name: 'a problem inside a $or branch',
      pattern: { detail: { $or: [{ a: ['b'] }, { c: [] }] } },
      reason: 'Empty arrays are not allowed',
      path: 'detail.$or[1].c',
    },
  ];

  it.each(invalid)('rejects $name', ({ pattern, reason, path }) => {
    let thrown: unknown;
    try {
      validateEventPattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidEventPatternError);
    const error = thrown as InvalidEventPatternError;
    expect(error.name).toBe('InvalidEventPatternError');
    expect(error.reason).toContain(reason);
    expect(error.path).toBe(path);
    expect(error.message).toBe(`Invalid event pattern at ${path}: ${error.reason}`);
  });

  it.each([
    {
      name: 'the documented complex example',
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: { state: [{ 'anything-but': 'initializing' }], 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
      },
    },
    {
      name: 'every operator form',
      pattern: {
        a: ['x', 1, true, null, ''],
        b: [{ prefix: '' }, { prefix: { 'equals-ignore-case': 'X' } }, { suffix: { 'equals-ignore-case': 'y' } }],
        c: [{ 'anything-but': { wildcard: ['*a', 'b*'] } }, { 'anything-but': { 'equals-ignore-case': [''] } }],
        d: [{ numeric: ['>=', -1, '<', 1e9] }, { cidr: '::/0' }, { wildcard: '\\**\\\\' }],
      },
    },
    { name: 'a field literally named like an operator outside a match list', pattern: { detail: { prefix: ['not an operator here'] } } },
    { name: '$or holding an object is an ordinary field name', pattern: { $or: { metricType: ['MetricType'] } } },
  ])('accepts $name', ({ pattern }) => {
    expect(() => validateEventPattern(pattern)).not.toThrow();
  });

  it('matchesEventPattern refuses a malformed pattern instead of matching nothing', () => {
    expect(() => matchesEventPattern({ source: [{ contains: 'ec2' }] } as unknown as EventPattern, ec2Event)).toThrow(
      InvalidEventPatternError,
    );
  });
});
