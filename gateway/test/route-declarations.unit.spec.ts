import { expect } from "chai";
import { API_ROUTES } from "../src/domain/api-routes.ts";
import { documentPath, openApiDocument } from "../src/application/openapi.ts";

type Json = Record<string, any>;

describe("route declarations", () => {
  it("declare a schema for every path parameter, and take action params only from those", () => {
    for (const route of API_ROUTES) {
      const names = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]);
      expect(Object.keys(route.request?.path?.properties ?? {}), route.id).to.have.members(names);
      for (const name of Object.values(route.fromPath ?? {})) expect(names, route.id).to.include(name);
    }
  });

  it("give one route per method and path, and one operation per route in the document", () => {
    const keys = API_ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).to.equal(API_ROUTES.length);
    const document = openApiDocument as Json;
    for (const route of API_ROUTES) {
      const operation = document.paths[documentPath(route)]?.[route.method.toLowerCase()];
      expect(operation?.operationId, route.id).to.equal(route.id);
      expect(operation.responses, route.id).to.have.property(String(route.status ?? 200));
    }
  });

  it("leave no reference dangling and no request field a client is forced to send by a default", () => {
    const text = JSON.stringify(openApiDocument);
    for (const [, pointer] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = pointer!
        .split("/")
        .reduce<Json | undefined>((node, key) => node?.[key], openApiDocument);
      expect(target, pointer).to.not.equal(undefined);
    }
    const requests = API_ROUTES.flatMap((route) => [route.request?.body, route.request?.query]);
    expect(JSON.stringify(requests)).to.not.include('"default"');
  });

  it("refuse a path id in the body, and build the params from the validated parts", () => {
    const edit = API_ROUTES.find((route) => route.id === "editMemory")!;
    const id = "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d";
    expect(edit.params({ path: { id }, query: {}, body: { content: "new" } })).to.deep.equal({
      content: "new",
      id,
    });
    expect(() => edit.params({ path: { id }, query: {}, body: { id } }))
      .to.throw()
      .with.property("details")
      .that.deep.equals([{ field: "id", message: "is not allowed in the body" }]);
    expect(() => edit.params({ path: { id: "x" }, query: {}, body: { content: "new" } }))
      .to.throw()
      .with.property("details")
      .that.deep.equals([{ field: "id", message: 'must be a UUID; sent "x"' }]);
  });
});
