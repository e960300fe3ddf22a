// Input validation driven by the published model (model.ts): required members, lengths, ranges,
// patterns and enums, reported the way AWS's request framework reports them ("1 validation error
// detected: Value ... at 'portfolioId' failed to satisfy constraint: ..."). Members the model does
// not know are ignored, as AWS ignores them.

import { unknownOperationError } from '../errors.js';
import { serializationFailed, validationFailed } from './errors.js';
import { operationModels, type ShapeModel, shapes } from './model.js';

const compiledPatterns = new Map<string, RegExp>();

/** Model patterns are Java regular expressions that must match the whole value. */
function patternOf(source: string): RegExp {
  let pattern = compiledPatterns.get(source);
  if (!pattern) {
    try {
      pattern = new RegExp(`^(?:${source})$`, 'u');
    } catch {
      pattern = new RegExp(`^(?:${source})$`);
    }
    compiledPatterns.set(source, pattern);
  }
  return pattern;
}

function shapeOf(name: string): ShapeModel {
  const shape = shapes[name];
  if (!shape) throw new Error(`model.ts lacks shape ${name}`);
  return shape;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function display(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  return `'${JSON.stringify(value)}'`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Checker {
  readonly violations: string[] = [];

  private violation(value: unknown, path: string, constraint: string): void {
    this.violations.push(`Value ${display(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  private lengthBounds(value: unknown, length: number, shape: ShapeModel, path: string): void {
    if (shape.min !== undefined && length < shape.min) {
      this.violation(value, path, `Member must have length greater than or equal to ${shape.min}`);
    }
    if (shape.max !== undefined && length > shape.max) {
      this.violation(value, path, `Member must have length less than or equal to ${shape.max}`);
    }
  }

  check(value: unknown, shapeName: string, path: string): void {
    const shape = shapeOf(shapeName);
    switch (shape.type) {
      case 'structure':
        this.checkStructure(value, shape, path);
        return;
      case 'list':
        if (!Array.isArray(value)) throw serializationFailed(`Expected a list at '${path}'.`);
        this.lengthBounds(value, value.length, shape, path);
        value.forEach((item, index) => {
          this.check(item, shape.member ?? '', `${path}.${index + 1}.member`);
        });
        return;
      case 'map':
        if (!isRecord(value)) throw serializationFailed(`Expected a map at '${path}'.`);
        this.lengthBounds(value, Object.keys(value).length, shape, path);
        for (const [key, item] of Object.entries(value)) {
          this.check(key, shape.key ?? '', `${path}.key`);
          this.check(item, shape.value ?? '', `${path}.${key}`);
        }
        return;
      case 'string':
        if (typeof value !== 'string') throw serializationFailed(`Expected a string at '${path}'.`);
        this.lengthBounds(value, [...value].length, shape, path);
        if (shape.pattern !== undefined && !patternOf(shape.pattern).test(value)) {
          this.violation(value, path, `Member must satisfy regular expression pattern: ${shape.pattern}`);
        }
        if (shape.enum && !shape.enum.includes(value)) {
          this.violation(value, path, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
        }
        return;
      case 'integer':
      case 'long':
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          throw serializationFailed(`Expected an integer at '${path}'.`);
        }
        if (shape.min !== undefined && value < shape.min) {
          this.violation(value, path, `Member must have value greater than or equal to ${shape.min}`);
        }
        if (shape.max !== undefined && value > shape.max) {
          this.violation(value, path, `Member must have value less than or equal to ${shape.max}`);
        }
        return;
      case 'boolean':
        if (typeof value !== 'boolean') throw serializationFailed(`Expected a boolean at '${path}'.`);
        return;
      default:
        return;
    }
  }

  checkStructure(value: unknown, shape: ShapeModel, path: string): void {
    if (!isRecord(value)) throw serializationFailed(`Expected a structure at '${path || 'input'}'.`);
    const prefix = path ? `${path}.` : '';
    for (const required of shape.required ?? []) {
      if (value[required] === undefined || value[required] === null) {
        this.violation(null, `${prefix}${lowerFirst(required)}`, 'Member must not be null');
      }
    }
    for (const [member, memberShape] of Object.entries(shape.members ?? {})) {
      const memberValue = value[member];
      if (memberValue === undefined || memberValue === null) continue;
      this.check(memberValue, memberShape, `${prefix}${lowerFirst(member)}`);
    }
  }
}

/** Throws ValidationException (constraints) or SerializationException (JSON types) for input the model refuses. */
export function validateInput(operation: string, input: unknown): void {
  const model = operationModels[operation];
  if (!model) throw unknownOperationError(operation);
  const checker = new Checker();
  checker.checkStructure(input ?? {}, shapeOf(model.input), '');
  const count = checker.violations.length;
  if (count > 0) {
    throw validationFailed(`${count} validation error${count > 1 ? 's' : ''} detected: ${checker.violations.join('; ')}`);
  }
}
