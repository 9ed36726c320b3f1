import { expect } from "chai";
import { Errors, ServiceBroker } from "moleculer";
import {
  NotFoundError,
  UnavailableError,
  ValidationError,
  VersionConflictError,
} from "@second-brain/contracts";
import { appErrorsMixin, errorFromMoleculer, toMoleculerError } from "../src/moleculer-errors.ts";

describe("moleculer errors", () => {
  describe("toMoleculerError", () => {
    it("turns a 4xx AppError into a client error carrying status, code and details", () => {
      const error = toMoleculerError(new VersionConflictError(3, 5)) as Errors.MoleculerClientError;
      expect(error).to.be.instanceOf(Errors.MoleculerClientError);
      expect(error.code).to.equal(409);
      expect(error.type).to.equal("VERSION_CONFLICT");
      expect(error.data).to.deep.equal({ expectedVersion: 3, currentVersion: 5 });
    });

    it("turns a 5xx AppError into a (retryable-neutral) MoleculerError", () => {
      const error = toMoleculerError(new UnavailableError()) as Errors.MoleculerError;
      expect(error.name).to.equal("MoleculerError");
      expect(error.code).to.equal(503);
    });

    it("passes other errors through", () => {
      const plain = new TypeError("boom");
      expect(toMoleculerError(plain)).to.equal(plain);
    });
  });

  describe("errorFromMoleculer", () => {
    it("maps client errors back", () => {
      const wire = toMoleculerError(
        new ValidationError("Bad title.", [{ field: "title", message: "too long" }]),
      );
      expect(errorFromMoleculer(wire)).to.deep.equal({
        status: 400,
        code: "VALIDATION_FAILED",
        message: "Bad title.",
        details: [{ field: "title", message: "too long" }],
      });
      expect(errorFromMoleculer(toMoleculerError(new NotFoundError("Memory")))).to.deep.equal({
        status: 404,
        code: "NOT_FOUND",
        message: "Memory was not found.",
      });
    });

    it("maps an AppError that never crossed the broker", () => {
      expect(errorFromMoleculer(new NotFoundError("Tag")).status).to.equal(404);
    });

    it("maps a 5xx AppError back", () => {
      expect(errorFromMoleculer(toMoleculerError(new UnavailableError("Search is down.")))).to.deep.equal({
        status: 503,
        code: "UNAVAILABLE",
        message: "Search is down.",
      });
    });

    it("maps Moleculer's parameter validation to 400 VALIDATION_FAILED with field problems", () => {
      const error = new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", [
        { type: "required", field: "title", message: "The 'title' field is required.", actual: undefined },
      ]);
      expect(errorFromMoleculer(error)).to.deep.equal({
        status: 400,
        code: "VALIDATION_FAILED",
        message: "The request is not valid.",
        details: [{ field: "title", message: "The 'title' field is required." }],
      });
    });

    it("maps unreachable services to 503 UNAVAILABLE", () => {
      for (const error of [
        new Errors.ServiceNotFoundError({ action: "memory.create" }),
        new Errors.ServiceNotAvailableError({ action: "memory.create", nodeID: "n1" }),
        new Errors.RequestTimeoutError({ action: "memory.create", nodeID: "n1" }),
        new Errors.BrokerDisconnectedError("The broker's transporter has disconnected."),
      ]) {
        expect(errorFromMoleculer(error)).to.include({ status: 503, code: "UNAVAILABLE" });
      }
    });

    it("hides everything else behind a generic 500", () => {
      for (const error of [
        new Error("connection refused at 10.0.0.3 (password=...)"),
        new Errors.MoleculerServerError("Strategy returned an invalid endpoint.", 500, "INVALID_ENDPOINT"),
        new Errors.MoleculerError("whatever"),
        "a string",
        undefined,
      ]) {
        const mapped = errorFromMoleculer(error);
        expect(mapped).to.include({ status: 500, code: "INTERNAL" });
        expect(JSON.stringify(mapped)).not.to.match(/10\.0\.0\.3|invalid endpoint|at /i);
      }
    });
  });

  describe("through a real broker", () => {
    const broker = new ServiceBroker({ logger: false });
    before(async () => {
      broker.createService({
        name: "notes",
        mixins: [appErrorsMixin],
        actions: {
          conflict: () => {
            throw new VersionConflictError(1, 2);
          },
          crash: () => {
            throw new Error("secret internals");
          },
          create: {
            params: { title: "string" },
            handler: () => "ok",
          },
          strict: {
            params: {
              $$strict: true,
              kind: { type: "enum", values: ["a", "b"], optional: true },
              filters: { type: "object", strict: true, optional: true, props: { tag: "string|optional" } },
            },
            handler: () => "ok",
          },
        },
      });
      await broker.start();
    });
    after(() => broker.stop());

    it("keeps an AppError's status, code and details", async () => {
      const error = await broker.call("notes.conflict").then(
        () => expect.fail("should throw"),
        (e: unknown) => e,
      );
      expect(errorFromMoleculer(error)).to.deep.equal({
        status: 409,
        code: "VERSION_CONFLICT",
        message: "The resource has changed since the version you sent.",
        details: { expectedVersion: 1, currentVersion: 2 },
      });
    });

    it("reports parameter validation as 400", async () => {
      const error = await broker.call("notes.create", {}).catch((e: unknown) => e);
      expect(errorFromMoleculer(error)).to.deep.include({ status: 400, code: "VALIDATION_FAILED" });
    });

    it("names each unknown field and lists the allowed values of an enum", async () => {
      const error = await broker
        .call("notes.strict", { kind: "c", asOf: "x", other: 1, filters: { tag: "t", from: "y" } })
        .catch((e: unknown) => e);
      expect(errorFromMoleculer(error).details).to.have.deep.members([
        { field: "kind", message: "must be one of a, b" },
        { field: "asOf", message: "is not a known field; known fields are kind, filters" },
        { field: "other", message: "is not a known field; known fields are kind, filters" },
        { field: "filters.from", message: "is not a known field; known fields are tag" },
      ]);
      const many = Object.fromEntries(
        Array.from({ length: 500 }, (_, index) => [`k${index} ${"x".repeat(99)}`, 1]),
      );
      const fields = errorFromMoleculer(await broker.call("notes.strict", many).catch((e: unknown) => e))
        .details as { field: string }[];
      expect(fields).to.have.length(20);
      expect(fields[0]!.field).to.equal(`["k0 ${"x".repeat(61)}…"]`);
    });

    it("hides unexpected errors and unknown actions", async () => {
      expect(errorFromMoleculer(await broker.call("notes.crash").catch((e: unknown) => e))).to.deep.include({
        status: 500,
        code: "INTERNAL",
      });
      expect(errorFromMoleculer(await broker.call("nope.nothing").catch((e: unknown) => e))).to.deep.include({
        status: 503,
        code: "UNAVAILABLE",
      });
    });
  });
});
