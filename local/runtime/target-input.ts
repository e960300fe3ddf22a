/**
 * What a rule target receives: the event, or what its Input, InputPath or InputTransformer makes of
 * it, as EventBridge builds it.
 */
export interface TargetInput {
  /** A constant JSON text instead of the event. */
  input?: string;
  /** A JSONPath (`$.detail.x`) selecting part of the event. */
  inputPath?: string;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
}

export class InvalidTargetInputError extends Error {
  override name = 'InvalidTargetInputError';
}

/** `$`, `$.a.b`, `$.a[0]` and `$['a-b']`: the JSONPath subset EventBridge accepts here. */
export const selectPath = (value: unknown, path: string): unknown => {
  if (!path.startsWith('$')) throw new InvalidTargetInputError(`Not a JSONPath: ${path}`);
  const parts = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]/g)].map(
    (match) => match[1] ?? (match[2] !== undefined ? Number(match[2]) : match[3]),
  );
  return parts.reduce<unknown>(
    (current, part) =>
      current !== null && typeof current === 'object' ? (current as Record<string | number, unknown>)[part as string | number] : undefined,
    value,
  );
};

/** Replaces `<name>` placeholders; inside a JSON string a value is inserted as text, elsewhere as JSON. */
const fillTemplate = (template: string, values: Record<string, unknown>): string => {
  let output = '';
  let inString = false;
  for (let index = 0; index < template.length; index++) {
    const char = template[index] as string;
    if (char === '"' && template[index - 1] !== '\\') inString = !inString;
    const placeholder = char === '<' ? /^<([\w.-]+)>/.exec(template.slice(index)) : null;
    if (placeholder && (placeholder[1] as string) in values) {
      const value = values[placeholder[1] as string];
      output += inString
        ? typeof value === 'string'
          ? JSON.stringify(value).slice(1, -1)
          : JSON.stringify(value ?? null).replaceAll('"', '\\"')
        : JSON.stringify(value ?? null);
      index += placeholder[0].length - 1;
    } else {
      output += char;
    }
  }
  return output;
};

export const targetInput = (event: Record<string, unknown>, target: TargetInput, ruleName: string): unknown => {
  if (target.input !== undefined) return JSON.parse(target.input);
  if (target.inputPath !== undefined) return selectPath(event, target.inputPath);
  if (target.inputTransformer) {
    const values: Record<string, unknown> = {
      'aws.events.rule-name': ruleName,
      'aws.events.event': event,
      'aws.events.event.json': event,
      ...Object.fromEntries(
        Object.entries(target.inputTransformer.inputPathsMap ?? {}).map(([name, path]) => [name, selectPath(event, path)]),
      ),
    };
    const text = fillTemplate(target.inputTransformer.inputTemplate, values);
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return event;
};
