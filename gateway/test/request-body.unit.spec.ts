import { Readable } from "node:stream";
import type { IncomingMessage } from "node:http";
import { expect } from "chai";
import { ValidationError } from "@second-brain/contracts";
import { readJsonBody } from "../src/adapters/request-body.ts";

function request(body: string): IncomingMessage {
  return Object.assign(Readable.from([Buffer.from(body)]), {
    method: "POST",
    headers: { "content-type": "application/json" },
  }) as unknown as IncomingMessage;
}

async function refusal(body: string): Promise<ValidationError> {
  try {
    await readJsonBody(request(body), 1024 * 1024);
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error(`accepted ${body}`);
}

describe("reading a JSON body", () => {
  it("refuses a number beyond a double's range wherever it sits, naming its field", async () => {
    // JSON.parse reads these as ±Infinity, which the broker and the store would turn into null.
    const places = [
      ['{"importance":@}', "importance"],
      ['{"metadata":{"n":@}}', "metadata.n"],
      ['{"filters":{"tags":["a",@]}}', "filters.tags[1]"],
      ['{"context":{"odd key":[@]}}', 'context["odd key"][0]'],
    ];
    for (const number of ["1e309", "-1e309", "1E999", "17976931348623159e292"]) {
      for (const [template, field] of places) {
        const error = await refusal(template!.replace("@", number));
        expect(error.details, template).to.deep.equal([
          { field, message: "is a number too large to represent (at most about 1.8e308)" },
        ]);
      }
    }
  });

  it("keeps the largest finite numbers, tiny ones and negative zero as JSON reads them", async () => {
    const body = await readJsonBody(
      request('{"a":1.7976931348623157e308,"b":1e-400,"c":-0,"d":123456789012345678901234567890}'),
      1024,
    );
    expect(body).to.deep.equal({ a: Number.MAX_VALUE, b: 0, c: -0, d: 1.2345678901234568e29 });
  });
});
