// Reference paths (`$.a.b`, `$['a'][0]`, `$$.Execution.Input`) read outside the interpreter, for
// details the interpreter does not report, such as how many items a Map state iterates. Anything
// beyond a reference path (filters, wildcards, slices) reads as unknown.

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\['([^']*)'\]|\["([^"]*)"\]|\[(\d+)\])/;

/** The value at `path`, or undefined when the path is missing or not a plain reference path. */
export function readReferencePath(path: string, input: unknown, context: unknown): unknown {
  let value: unknown;
  let rest: string;
  if (path.startsWith('$$')) {
    value = context;
    rest = path.slice(2);
  } else if (path.startsWith('$')) {
    value = input;
    rest = path.slice(1);
  } else {
    return undefined;
  }
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest);
    if (!match) return undefined;
    rest = rest.slice(match[0].length);
    const index = match[4];
    if (index !== undefined) {
      if (!Array.isArray(value)) return undefined;
      value = value[Number(index)];
    } else {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
      value = (value as Record<string, unknown>)[(match[1] ?? match[2] ?? match[3]) as string];
    }
    if (value === undefined) return undefined;
  }
  return value;
}
