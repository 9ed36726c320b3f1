import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { memorySchemas } from "@second-brain/contracts/schemas";
import { appErrorsMixin, errorFromMoleculer } from "../src/moleculer-errors.ts";
import { SchemaValidator } from "../src/schema-validator.ts";

describe("the broker's schema validator", () => {
  const broker = new ServiceBroker({ logger: false, validator: new SchemaValidator() });
  before(async () => {
    broker.createService({
      name: "notes",
      mixins: [appErrorsMixin],
      actions: {
        link: { params: memorySchemas.LinkParams, handler: () => "linked" },
        legacy: { params: { $$strict: true, title: "string" }, handler: () => "legacy" },
      },
    });
    await broker.start();
  });
  after(() => broker.stop());

  const failure = (action: string, params: object) =>
    broker.call(action, params).then(
      () => expect.fail("should refuse"),
      (error: unknown) => error as { name: string },
    );

  it("checks TypeBox params with Ajv and answers the API's 400, naming each field", async () => {
    const id = "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d";
    expect(await broker.call("notes.link", { id, targetId: id, type: "related" })).to.equal("linked");
    const error = await failure("notes.link", { id: "x", targetId: id, type: "", extra: 1 });
    expect(error.name).to.equal("ValidationError");
    expect(errorFromMoleculer(error)).to.deep.equal({
      status: 400,
      code: "VALIDATION_FAILED",
      message: "extra is not a known field; known fields are id, targetId, type (and 2 more).",
      details: [
        { field: "extra", message: "is not a known field; known fields are id, targetId, type" },
        { field: "id", message: 'must be a UUID; sent "x"' },
        { field: "type", message: "must be at least 1 character; sent 0" },
      ],
    });
  });

  it("still runs params written as fastest-validator rules", async () => {
    expect(await broker.call("notes.legacy", { title: "t" })).to.equal("legacy");
    expect(errorFromMoleculer(await failure("notes.legacy", {}))).to.deep.include({
      status: 400,
      code: "VALIDATION_FAILED",
    });
  });
});
