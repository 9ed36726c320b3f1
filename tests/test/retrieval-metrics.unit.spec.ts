import { expect } from "chai";
import retrievalSetJson from "../fixtures/retrieval-set.json" with { type: "json" };
import {
  formatQualityTable,
  meanOver,
  problemsOf,
  reciprocalRank,
  recallAtK,
  summarize,
  type LabelledQuery,
  type RetrievalSet,
} from "../src/retrieval-metrics.ts";

const retrievalSet = retrievalSetJson as RetrievalSet;

describe("retrieval metrics", () => {
  describe("recallAtK", () => {
    it("is the share of relevant ids found in the first k", () => {
      expect(recallAtK(["a", "b", "c"], ["a"], 10)).to.equal(1);
      expect(recallAtK(["a", "b", "c"], ["c", "z"], 10)).to.equal(0.5);
      expect(recallAtK(["a", "b", "c"], ["x", "y", "z"], 10)).to.equal(0);
    });

    it("ignores what comes after position k", () => {
      expect(recallAtK(["a", "b", "c"], ["c"], 2)).to.equal(0);
      expect(recallAtK(["a", "b", "c"], ["b", "c"], 2)).to.equal(0.5);
    });

    it("counts a relevant id once even when the ranking repeats it", () => {
      expect(recallAtK(["a", "a", "a"], ["a", "b"], 3)).to.equal(0.5);
    });

    it("refuses an empty relevant list and a k below 1", () => {
      expect(() => recallAtK(["a"], [], 10)).to.throw(/relevant/);
      expect(() => recallAtK(["a"], ["a"], 0)).to.throw(/k must/);
    });
  });

  describe("reciprocalRank", () => {
    it("is one over the 1-based rank of the first relevant id", () => {
      expect(reciprocalRank(["a", "b", "c"], ["a"])).to.equal(1);
      expect(reciprocalRank(["a", "b", "c"], ["c", "b"])).to.equal(0.5);
      expect(reciprocalRank(["a", "b", "c", "d"], ["d"])).to.equal(0.25);
    });

    it("is 0 when no relevant id is ranked, or none within k", () => {
      expect(reciprocalRank(["a", "b"], ["z"])).to.equal(0);
      expect(reciprocalRank([], ["z"])).to.equal(0);
      expect(reciprocalRank(["a", "b", "c"], ["c"], 2)).to.equal(0);
    });
  });

  describe("meanOver", () => {
    it("averages a value over items and refuses an empty list", () => {
      expect(meanOver([1, 2, 3, 6], (n) => n)).to.equal(3);
      expect(() => meanOver([], (n: number) => n)).to.throw(/no items/);
    });
  });

  describe("summarize", () => {
    const query = (id: string, kind: LabelledQuery["kind"], relevant: string[]): LabelledQuery => ({
      id,
      text: id,
      kind,
      relevant,
    });

    it("gives recall@10 and MRR overall and per kind", () => {
      const summary = summarize([
        { query: query("q1", "paraphrase", ["a"]), ranked: ["a", "b"] },
        { query: query("q2", "paraphrase", ["a", "b"]), ranked: ["x", "b"] },
        { query: query("q3", "identifier", ["a"]), ranked: ["x", "y"] },
        { query: query("q4", "topical", ["c"]), ranked: ["x", "y", "z", "c"] },
      ]);
      expect(summary.byKind.paraphrase).to.deep.equal({ queries: 2, recallAt10: 0.75, mrr: 0.75 });
      expect(summary.byKind.identifier).to.deep.equal({ queries: 1, recallAt10: 0, mrr: 0 });
      expect(summary.byKind.topical).to.deep.equal({ queries: 1, recallAt10: 1, mrr: 0.25 });
      expect(summary.overall.queries).to.equal(4);
      expect(summary.overall.recallAt10).to.be.closeTo((1 + 0.5 + 0 + 1) / 4, 1e-12);
      expect(summary.overall.mrr).to.be.closeTo((1 + 0.5 + 0 + 0.25) / 4, 1e-12);
    });

    it("only credits the first 10 results", () => {
      const ranked = Array.from({ length: 11 }, (_, i) => `m${i}`);
      const summary = summarize([{ query: query("q1", "topical", ["m10"]), ranked }]);
      expect(summary.overall).to.deep.equal({ queries: 1, recallAt10: 0, mrr: 0 });
      expect(summary.byKind).to.have.keys(["topical"]);
    });
  });

  it("formats a table with one row per mode and kind", () => {
    const table = formatQualityTable([
      { mode: "keyword", kind: "all", figures: { queries: 90, recallAt10: 0.5, mrr: 0.4567 } },
    ]);
    const lines = table.split("\n");
    expect(lines).to.have.length(3);
    expect(lines[2]).to.match(/^keyword \/ all\s+90\s+0\.500\s+0\.457$/);
  });

  describe("problemsOf", () => {
    it("reports duplicate ids, unknown relevant ids and bad relevance lists", () => {
      const memory = { id: "m1", title: "t", content: "c", tags: [], type: "semantic" as const };
      const problems = problemsOf({
        memories: [memory, memory],
        queries: [
          query("q1", "topical", ["m1", "m9"]),
          query("q1", "topical", []),
          query("q2", "topical", ["m1", "m1"]),
        ],
      });
      expect(problems).to.include("duplicate memory id m1");
      expect(problems).to.include("duplicate query id q1");
      expect(problems).to.include("query q1 names unknown memory m9");
      expect(problems).to.include("query q1 has 0 relevant ids (want 1–3)");
      expect(problems).to.include("query q2 repeats a relevant id");
    });

    function query(id: string, kind: LabelledQuery["kind"], relevant: string[]): LabelledQuery {
      return { id, text: id, kind, relevant };
    }
  });
});

describe("the labelled retrieval set (tests/fixtures/retrieval-set.json)", () => {
  const byKind = (kind: string) => retrievalSet.queries.filter((q) => q.kind === kind);

  it("is sound: unique ids, every relevant id names a memory, 1–3 relevant per query", () => {
    expect(problemsOf(retrievalSet)).to.deep.equal([]);
  });

  it("is big enough and mixes the query kinds as the quality tests need", () => {
    expect(retrievalSet.memories.length).to.be.at.least(300);
    expect(retrievalSet.queries.length).to.be.at.least(60);
    expect(byKind("paraphrase").length).to.be.at.least(30);
    expect(byKind("identifier").length).to.be.at.least(15);
    expect(byKind("topical").length).to.be.at.least(1);
  });

  it("uses only memory types and tag shapes the API accepts", () => {
    const types = ["episodic", "semantic", "procedural", "prospective", "working"];
    for (const memory of retrievalSet.memories) {
      expect(types, memory.id).to.include(memory.type);
      for (const tag of memory.tags) expect(tag, memory.id).to.match(/^[a-z0-9-]{1,64}$/);
    }
  });

  it("has identifier queries whose exact text occurs only in their relevant memories", () => {
    for (const query of byKind("identifier")) {
      const needle = query.text.toLowerCase();
      const holders = retrievalSet.memories
        .filter((m) => `${m.title} ${m.content}`.toLowerCase().includes(needle))
        .map((m) => m.id);
      expect(holders, `${query.id} ${query.text}`).to.have.members(query.relevant);
    }
  });
});
