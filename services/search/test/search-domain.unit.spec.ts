import { expect } from "chai";
import { fuseByReciprocalRank } from "../src/domain/rank-fusion.ts";
import { normalizeSearch } from "../src/domain/search-request.ts";
import { ownerFilterSql } from "../src/adapters/filter-sql.ts";

describe("reciprocal-rank fusion", () => {
  it("adds 1/(k+rank) from each list and ranks ids found by both first", () => {
    const fused = fuseByReciprocalRank([
      ["a", "b", "c"],
      ["c", "d"],
    ]);
    expect(fused.map((f) => f.id)).to.deep.equal(["c", "a", "b", "d"]);
    expect(fused[0]!.score).to.be.closeTo(1 / 63 + 1 / 61, 1e-12);
    expect(fused[1]!.score).to.be.closeTo(1 / 61, 1e-12);
  });

  it("returns a single list in its own order, and nothing for nothing", () => {
    expect(fuseByReciprocalRank([["x", "y", "z"]]).map((f) => f.id)).to.deep.equal(["x", "y", "z"]);
    expect(fuseByReciprocalRank([[], []])).to.deep.equal([]);
  });

  it("weighs each vote, and on equal scores keeps the first list's order", () => {
    const fused = fuseByReciprocalRank([
      [{ id: "strict" }, { id: "loose", weight: 0.5 }],
      ["semantic", "other"],
    ]);
    // strict and semantic both score 1/61: the tie goes to the first list (the strict keyword hit);
    // the half-weight vote at rank 2 falls behind a full vote at the same rank.
    expect(fused.map((f) => f.id)).to.deep.equal(["strict", "semantic", "other", "loose"]);
    expect(fused[3]!.score).to.be.closeTo(0.5 / 62, 1e-12);
  });
});

describe("search request normalisation", () => {
  it("fills the defaults: hybrid, 10 rows, active only", () => {
    expect(normalizeSearch({ query: "  launch plan " })).to.deep.equal({
      query: "launch plan",
      mode: "hybrid",
      limit: 10,
      filters: { status: "active" },
    });
  });

  it("sorts and de-duplicates tags so equal requests share a cache key", () => {
    const a = normalizeSearch({ query: "q", filters: { tags: ["Work", "home", "work"] } });
    const b = normalizeSearch({ query: "q", filters: { tags: ["home", "work"] } });
    expect(a).to.deep.equal(b);
    expect(a.filters.tags).to.deep.equal(["home", "work"]);
  });
});

describe("owner filter SQL", () => {
  it("refuses a blank tag filter, naming it, instead of matching nothing", () => {
    expect(() => normalizeSearch({ query: "q", filters: { tags: ["work", "  "] } }))
      .to.throw("The search is not valid.")
      .with.property("details")
      .that.deep.equals([{ field: "filters.tags[1]", message: "must name a tag; sent only white space" }]);
  });

  it("always scopes to the owner and the status, with values as parameters", () => {
    const { sql, params } = ownerFilterSql("owner-1", { status: "active" }, 3);
    expect(sql).to.equal("d.owner_id = $3 AND d.status = $4");
    expect(params).to.deep.equal(["owner-1", "active"]);
  });

  it("adds every filter in order, numbering placeholders on", () => {
    const { sql, params } = ownerFilterSql(
      "o",
      {
        status: "archived",
        tags: ["a", "b"],
        type: "episodic",
        sessionId: "s",
        from: "2026-01-01T00:00:00.000Z",
        to: "2026-02-01T00:00:00.000Z",
      },
      1,
    );
    expect(sql).to.equal(
      "d.owner_id = $1 AND d.status = $2 AND d.tags @> $3::text[] AND d.type = $4 AND d.session_id = $5" +
        " AND d.created_at >= $6::timestamptz AND d.created_at <= $7::timestamptz",
    );
    expect(params).to.deep.equal([
      "o",
      "archived",
      ["a", "b"],
      "episodic",
      "s",
      "2026-01-01T00:00:00.000Z",
      "2026-02-01T00:00:00.000Z",
    ]);
  });

  it("keeps hostile values out of the SQL text", () => {
    const { sql } = ownerFilterSql("x'; DROP TABLE t; --", { status: "active", tags: ["'"] }, 1);
    expect(sql).not.to.include("DROP");
  });
});
