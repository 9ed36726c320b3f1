import { Type } from "@sinclair/typebox";
import { StringEnum } from "./common.ts";

/** The operational endpoints (API.md, Operations). */
export const Liveness = Type.Object({ status: Type.Literal("ok") });
export const Readiness = Type.Object({ status: StringEnum(["ok", "unavailable"] as const) });

const Health = StringEnum(["ok", "degraded", "down"] as const);
export const HealthDetails = Type.Object({
  status: Health,
  services: Type.Record(
    Type.String(),
    Type.Object({
      status: Health,
      dependencies: Type.Record(Type.String(), StringEnum(["ok", "down"] as const)),
      readModels: Type.Optional(
        Type.Record(
          Type.String(),
          Type.Object({
            status: StringEnum(["ok", "degraded"] as const),
            parkedStreams: Type.Integer({ minimum: 0 }),
          }),
        ),
      ),
    }),
  ),
});
