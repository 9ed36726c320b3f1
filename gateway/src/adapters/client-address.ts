import { isIP, isIPv6 } from "node:net";
import type { IncomingMessage } from "node:http";

/**
 * The address a request is counted under. The socket's peer, unless `trustProxyHops` proxies stand
 * in front of the gateway: then the entry that the outermost trusted proxy appended to
 * X-Forwarded-For (the hops-th from the right), as anything further left was written by the client
 * and can say anything. Never trusted by default: a client could send a fresh address with every
 * request and escape every per-address limit.
 *
 * IPv6 clients are counted per /64, the block one subscriber usually gets: counting each address
 * would let one host rotate through 2^64 of them.
 */
export function clientAddress(req: IncomingMessage, trustProxyHops: number): string {
  const peer = normalize(req.socket.remoteAddress ?? "") ?? "unknown";
  if (trustProxyHops <= 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const entries = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const forwarded = entries[entries.length - trustProxyHops];
  return (forwarded !== undefined && normalize(forwarded)) || peer;
}

/** The counted form of an address: IPv4 as it is (also when mapped into IPv6), IPv6 as its /64. */
function normalize(address: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped && isIP(mapped) === 4) return mapped;
  if (isIP(address) === 4) return address;
  if (isIPv6(address)) return `${expandIPv6(address).slice(0, 4).join(":")}::/64`;
  return undefined;
}

/** The eight groups of an IPv6 address, zone dropped, `::` expanded, leading zeros removed. */
function expandIPv6(address: string): string[] {
  const [head = "", tail] = address.split("%")[0]!.toLowerCase().split("::");
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const left = groups(head);
  const right = groups(tail);
  const middle = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...middle, ...right].map((group) => group.replace(/^0+(?=.)/, ""));
}
