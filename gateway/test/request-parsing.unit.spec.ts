import { expect } from "chai";
import { UnauthenticatedError, ValidationError } from "@second-brain/contracts";
import { API_ROUTES } from "../src/domain/api-routes.ts";
import {
  acceptableRequestId,
  bearerToken,
  idempotencyKey,
  ifMatchVersion,
} from "../src/adapters/request-headers.ts";

describe("request parsing", () => {
  it("reads bearer tokens and refuses other schemes with 401", () => {
    expect(bearerToken({ authorization: "Bearer abc.def.ghi" })).to.equal("abc.def.ghi");
    expect(bearerToken({ authorization: "bearer abc" })).to.equal("abc");
    for (const authorization of [undefined, "", "Bearer", "Bearer a b", "Basic abc", "abc"]) {
      expect(() => bearerToken({ authorization })).to.throw(UnauthenticatedError);
    }
  });

  it("reads If-Match as a version, bare or quoted", () => {
    expect(ifMatchVersion({})).to.equal(undefined);
    expect(ifMatchVersion({ "if-match": "0" })).to.equal(0);
    expect(ifMatchVersion({ "if-match": ' "12" ' })).to.equal(12);
    for (const header of ["", "*", "-1", "1.0", 'W/"1"', '"1', "1,2", "9".repeat(16)]) {
      expect(() => ifMatchVersion({ "if-match": header }), header).to.throw(ValidationError);
    }
  });

  it("accepts idempotency keys of 1 to 200 visible characters", () => {
    expect(idempotencyKey({})).to.equal(undefined);
    expect(idempotencyKey({ "idempotency-key": "a".repeat(200) })).to.have.length(200);
    for (const key of ["", "a b", "a".repeat(201), "é"]) {
      expect(() => idempotencyKey({ "idempotency-key": key }), key).to.throw(ValidationError);
    }
  });

  it("keeps only safe client request ids", () => {
    expect(acceptableRequestId("req-1.2:3_4")).to.equal(true);
    expect(acceptableRequestId("has space")).to.equal(false);
    expect(acceptableRequestId(["a", "b"])).to.equal(false);
  });

  it("turns a list limit into a number and refuses a non-numeric one", () => {
    const listQuery = API_ROUTES.find((route) => route.id === "listMemories")!.params;
    const request = (query: Record<string, unknown>) => ({ body: {}, path: {}, query });
    expect(listQuery(request({ limit: "20", tag: "x" }))).to.deep.equal({ limit: 20, tag: "x" });
    expect(listQuery(request({ tag: "x" }))).to.deep.equal({ tag: "x" });
    for (const limit of ["", "ten", "-1", "1e3", ["1", "2"]]) {
      expect(() => listQuery(request({ limit })), String(limit)).to.throw(ValidationError);
    }
  });
});
