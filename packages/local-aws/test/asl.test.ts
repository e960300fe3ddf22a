// The one walk over a definition's states: every state with its name and container, nested Map
// (ItemProcessor and the older Iterator) and Parallel branches included, and the copy that changes them.
import { describe, expect, it } from 'vitest';
import { type AslDefinition, AslShapeError, aslStates, mapStates } from '../src/stepfunctions/asl.js';

const DEFINITION: AslDefinition = {
  StartAt: 'Plan',
  States: {
    Plan: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:plan', Next: 'Each account' },
    'Each account': {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'Act',
        States: {
          Act: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sts:getCallerIdentity', Next: 'Both' },
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Left', States: { Left: { Type: 'Wait', Seconds: 1, End: true } } },
              { StartAt: 'Right', States: { Right: { Type: 'Pass', End: true } } },
            ],
            End: true,
          },
        },
      },
      Next: 'Legacy map',
    },
    'Legacy map': { Type: 'Map', Iterator: { StartAt: 'Old', States: { Old: { Type: 'Succeed' } } }, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

describe('aslStates', () => {
  it('visits every state depth first, nested ones right after their container, with the container named', () => {
    expect(aslStates(DEFINITION).map(({ name, container }) => [name, container])).toEqual([
      ['Plan', undefined],
      ['Each account', undefined],
      ['Act', { state: 'Each account', kind: 'Map', branch: 0 }],
      ['Both', { state: 'Each account', kind: 'Map', branch: 0 }],
      ['Left', { state: 'Both', kind: 'Parallel', branch: 0 }],
      ['Right', { state: 'Both', kind: 'Parallel', branch: 1 }],
      ['Legacy map', undefined],
      ['Old', { state: 'Legacy map', kind: 'Map', branch: 0 }],
      ['Done', undefined],
    ]);
    expect(aslStates(DEFINITION).find(({ name }) => name === 'Act')?.state).toBe(
      DEFINITION.States['Each account']?.ItemProcessor?.States.Act,
    );
  });

  it('hands each state the definition that holds it and the entry of its Map or Parallel state', () => {
    const entries = aslStates(DEFINITION);
    const left = entries.find(({ name }) => name === 'Left');
    const map = DEFINITION.States['Each account']?.ItemProcessor;
    expect(left?.definition).toBe(map?.States.Both?.Branches?.[0]);
    expect(left?.parent?.name).toBe('Both');
    expect(left?.parent?.definition).toBe(map);
    expect(left?.parent?.parent?.name).toBe('Each account');
    expect(left?.parent?.parent?.parent).toBeUndefined();
    expect(entries.find(({ name }) => name === 'Plan')?.definition).toBe(DEFINITION);
  });

  it('refuses States or a state that is not an object', () => {
    expect(() => aslStates({ StartAt: 'A', States: [] as never })).toThrow(new AslShapeError('States must be an object'));
    expect(() => aslStates({ StartAt: 'A', States: { A: 'Pass' as never } })).toThrow(new AslShapeError('state A must be an object'));
  });
});

describe('mapStates', () => {
  it('changes every state, nested ones included, and leaves the original as it was', () => {
    const before = structuredClone(DEFINITION);
    const changed = mapStates(DEFINITION, (state, name) => ({ ...state, Comment: name }));
    expect(aslStates(changed).map(({ name, state }) => [name, state.Comment])).toEqual(
      aslStates(DEFINITION).map(({ name }) => [name, name]),
    );
    expect(DEFINITION).toEqual(before);
  });

  it('walks the nested definitions of what the change returns', () => {
    const withoutWaits = mapStates(DEFINITION, (state) => (state.Type === 'Wait' ? { Type: 'Pass', End: true } : state));
    expect(aslStates(withoutWaits).filter(({ state }) => state.Type === 'Wait')).toEqual([]);
    expect(aslStates(withoutWaits).map(({ name }) => name)).toEqual(aslStates(DEFINITION).map(({ name }) => name));
  });
});
