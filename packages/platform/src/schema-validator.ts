import { Errors, Validators, type ServiceBroker } from "moleculer";
import type { FieldProblem, Limits } from "@second-brain/contracts";
import { compileCheck, isDeclaredSchema, summaryOf } from "@second-brain/contracts/schemas";

type Checker = Validators.Base.CheckerFunction;
type Wrapped = (handler: (ctx: never) => unknown, declaration: { params?: unknown }) => unknown;

/**
 * The broker's validator: action params declared with TypeBox (packages/contracts/src/schemas) are
 * checked by Ajv, the same compiled schemas the gateway checks requests with and /openapi.json is
 * generated from. A refusal is Moleculer's ValidationError carrying the API's 400: code 400, type
 * VALIDATION_FAILED and one {field, message} per bad field (moleculer-errors.ts maps it).
 * Params still written as fastest-validator rules go to Moleculer's own validator. Given the
 * process's configured limits, the schemas are held to those (with-limits.ts) instead of the defaults.
 */
export class SchemaValidator extends Validators.Base {
  private readonly fastest = new Validators.Fastest();
  private readonly limits: Limits | undefined;

  constructor(limits?: Limits) {
    super({});
    this.limits = limits;
  }

  override init(broker: ServiceBroker): void {
    super.init(broker);
    this.fastest.init(broker);
  }

  /** A checker that answers true or throws the 400 (the middleware below is what actions use). */
  override compile(schema: Record<string, unknown>): Checker {
    if (!isDeclaredSchema(schema)) return this.fastest.compile(schema);
    const check = compileCheck(schema, { limits: this.limits });
    return (params: unknown) => {
      const problems = check(params);
      if (problems.length > 0) throw schemaError(problems);
      return true;
    };
  }

  override validate(params: Record<string, unknown>, schema: Record<string, unknown>): boolean {
    return this.compile(schema)(params) === true;
  }

  override convertSchemaToMoleculer(schema: Record<string, unknown>): Record<string, unknown> {
    return schema;
  }

  override middleware(broker: ServiceBroker) {
    const legacy = this.fastest.middleware(broker) as { localAction: Wrapped; localEvent: Wrapped };
    const wrap =
      (fallback: Wrapped): Wrapped =>
      (handler, declaration) => {
        if (!isDeclaredSchema(declaration.params)) return fallback(handler, declaration);
        const check = compileCheck(declaration.params, { limits: this.limits });
        return (ctx: { params?: unknown }) => {
          const problems = check(ctx.params ?? {});
          return problems.length === 0 ? handler(ctx as never) : Promise.reject(schemaError(problems));
        };
      };
    return { name: "Validator", localAction: wrap(legacy.localAction), localEvent: wrap(legacy.localEvent) };
  }
}

function schemaError(problems: FieldProblem[]): Errors.ValidationError {
  const error = new Errors.ValidationError(summaryOf(problems), "VALIDATION_FAILED", problems);
  error.code = 400;
  return error;
}
