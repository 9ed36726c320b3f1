import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { expect } from "chai";
import fc from "fast-check";
import { clientAddress } from "../src/adapters/client-address.ts";

const request = (remoteAddress: string | undefined, forwardedFor?: string | string[]) =>
  ({
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor },
  }) as unknown as IncomingMessage;

describe("client address", () => {
  it("is the socket's peer by default, whatever X-Forwarded-For says", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.string(), (peer, forwarded) => {
        expect(clientAddress(request(peer, forwarded), 0)).to.equal(peer);
      }),
    );
  });

  it("behind trusted proxies, is the entry the outermost trusted one appended", () => {
    const req = request("10.0.0.2", "198.51.100.7, 203.0.113.9, 192.0.2.1");
    expect(clientAddress(req, 1)).to.equal("192.0.2.1");
    expect(clientAddress(req, 2)).to.equal("203.0.113.9");
    // Repeated headers are one list, in order.
    expect(clientAddress(request("10.0.0.2", ["198.51.100.7", "203.0.113.9"]), 1)).to.equal("203.0.113.9");
  });

  it("behind trusted proxies, is an address or the peer whatever the header holds", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.integer({ min: 1, max: 3 }), (forwarded, hops) => {
        const address = clientAddress(request("192.0.2.5", forwarded), hops);
        expect(address === "192.0.2.5" || isIP(address) === 4 || address.endsWith("::/64"), address).to.be
          .true;
      }),
    );
  });

  it("falls back to the peer when the trusted entry is missing or not an address", () => {
    expect(clientAddress(request("192.0.2.5"), 1)).to.equal("192.0.2.5");
    expect(clientAddress(request("192.0.2.5", "203.0.113.9"), 2)).to.equal("192.0.2.5");
    expect(clientAddress(request("192.0.2.5", "evil, not-an-ip"), 1)).to.equal("192.0.2.5");
  });

  it("counts IPv4-mapped addresses as IPv4 and IPv6 per /64", () => {
    expect(clientAddress(request("::ffff:192.0.2.8"), 0)).to.equal("192.0.2.8");
    expect(clientAddress(request("2001:db8:0:1::1"), 0)).to.equal("2001:db8:0:1::/64");
    expect(clientAddress(request("2001:0db8:0000:0001:ffff:1:2:3"), 0)).to.equal("2001:db8:0:1::/64");
    expect(clientAddress(request("::1"), 0)).to.equal("0:0:0:0::/64");
    expect(clientAddress(request(undefined), 0)).to.equal("unknown");
  });
});
