import { describe, expect, it } from 'vitest';
import { selectPath, targetInput } from '../../local/runtime/target-input.js';

// Cases follow the EventBridge user guide's "Transforming target input" examples.
const event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING', count: 3, tags: { team: 'platform' } },
};

describe('rule target input', () => {
  it('passes the event unchanged by default', () => {
    expect(targetInput(event, {}, 'rule')).toBe(event);
  });

  it('uses a constant Input instead of the event', () => {
    expect(targetInput(event, { input: '{"fixed":true}' }, 'rule')).toEqual({ fixed: true });
  });

  it('selects part of the event with InputPath', () => {
    expect(targetInput(event, { inputPath: '$.detail' }, 'rule')).toEqual(event.detail);
    expect(selectPath(event, "$.detail['instance-id']")).toBe('i-0123456789');
    expect(selectPath(event, '$.resources[0]')).toBe(event.resources[0]);
    expect(selectPath(event, '$.detail.missing.deeper')).toBeUndefined();
  });

  it('fills an InputTransformer template: strings inside quotes as text, values outside as JSON', () => {
    const transformed = targetInput(
      event,
      {
        inputTransformer: {
          inputPathsMap: { instance: '$.detail.instance-id', state: '$.detail.state', count: '$.detail.count', tags: '$.detail.tags' },
          inputTemplate:
            '{"message": "instance <instance> is <state>", "count": <count>, "tags": <tags>, "rule": "<aws.events.rule-name>"}',
        },
      },
      'my-rule',
    );
    expect(transformed).toEqual({ message: 'instance i-0123456789 is RUNNING', count: 3, tags: { team: 'platform' }, rule: 'my-rule' });
  });

  it('produces a plain string from a template that is not JSON, and the whole event on request', () => {
    expect(
      targetInput(event, { inputTransformer: { inputPathsMap: { state: '$.detail.state' }, inputTemplate: 'State is <state>' } }, 'r'),
    ).toBe('State is "RUNNING"');
    expect(targetInput(event, { inputTransformer: { inputTemplate: '{"original": <aws.events.event.json>}' } }, 'r')).toEqual({
      original: event,
    });
  });
});
