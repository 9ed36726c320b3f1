import { expect } from "chai";
import { AlreadyExistsError } from "@second-brain/contracts";
import { refuseRenameOntoExisting } from "../src/domain/rules.ts";

describe("renaming a tag", () => {
  it("onto a free name goes ahead", () => {
    expect(() => refuseRenameOntoExisting("ideas", false)).not.to.throw();
  });

  it("onto a tag that exists is a 409 that names it and points at the merge", () => {
    let refusal: unknown;
    try {
      refuseRenameOntoExisting("ideas", true);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).to.be.instanceOf(AlreadyExistsError);
    expect(refusal).to.include({ status: 409, code: "ALREADY_EXISTS" });
    expect((refusal as Error).message).to.equal(
      'The tag "ideas" already exists; merge into it instead (POST /api/v1/tags/:name/merge).',
    );
  });
});
