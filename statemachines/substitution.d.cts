// Types of substitution.cjs for the TypeScript side (local runtime, tests).
import type policiesTable from './policies.json';

/** What the ARN-like placeholders become: `name` is X of `${XFunctionArn}` or `${XStateMachineArn}`. */
export interface Resolvers {
  functionArn(name: string): unknown;
  stateMachineArn(name: string): unknown;
  eventBusName(): unknown;
}

export declare const policies: typeof policiesTable;
/** Replaces every placeholder in `value`: policies and constants from the table, ARN-like names through `resolvers`. */
export declare function substitute(value: unknown, resolvers: Resolvers): unknown;
/** An ASL file of statemachines/ as written, placeholders and all. */
export declare function readSource(file: string): unknown;
/** An ASL file of statemachines/ with its placeholders replaced. */
export declare function loadDefinition(file: string, resolvers: Resolvers): unknown;
