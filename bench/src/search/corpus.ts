/**
 * The synthetic corpus of bench/search: topic sentences whose real embeddings serve as cluster
 * centroids (so a query's true neighbours are known without embedding 100k texts), a made-up
 * vocabulary so that keyword queries hit, tags for the filtered query, and owners of very
 * different sizes. Everything is drawn from a seeded generator: two runs load the same data.
 */
export const SUBJECTS = [
  "sourdough bread",
  "the garden shed",
  "quarterly taxes",
  "marathon training",
  "the kitchen sink",
  "a job interview",
  "the family reunion",
  "kubernetes upgrades",
  "learning piano",
  "the car battery",
  "our wedding plans",
  "a sore shoulder",
  "database backups",
  "birdwatching",
  "the mortgage rate",
  "climbing shoes",
  "a french novel",
  "team retrospectives",
  "the heating bill",
  "tomato seedlings",
  "a trip to lisbon",
  "password rotation",
  "the dentist",
  "home espresso",
  "the school play",
  "solar panels",
  "a chess opening",
  "the podcast launch",
  "sleep habits",
  "a broken laptop screen",
  "the book club",
  "react hooks",
  "winter tyres",
  "a birthday gift",
  "the roof leak",
  "budget spreadsheets",
  "meditation",
  "the dog's vaccinations",
  "a conference talk",
  "knitting socks",
  "the bike commute",
  "rust lifetimes",
  "a landlord dispute",
  "vitamin d",
  "the photo archive",
  "hiking in the alps",
  "pricing experiments",
  "the bathroom tiles",
  "a tax refund",
  "jazz records",
];
const FRAMES = [
  (s: string) => `notes on ${s}`,
  (s: string) => `what went wrong with ${s}`,
  (s: string) => `a checklist for ${s}`,
  (s: string) => `ideas about ${s} for next month`,
];

export const TOPICS: readonly string[] = FRAMES.flatMap((frame) => SUBJECTS.map(frame));
export const TAGS = ["work", "home", "health", "travel", "money", "reading", "code", "family"];
/** The tag of the filtered query; about one row in six carries it. */
export const FILTER_TAG = "travel";

export type Random = () => number;

/** mulberry32: small, fast and seedable. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: Random): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ra",
  "ten",
  "vu",
  "zor",
  "pe",
  "qui",
  "dal",
  "fen",
  "gro",
  "hax",
  "jun",
  "bel",
];

/** Made-up words, so that how often a keyword matches is set by the corpus and not by English. */
export function vocabulary(size: number, random: Random): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const parts = 2 + Math.floor(random() * 2);
    let word = "";
    for (let i = 0; i < parts; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

export interface SyntheticDocument {
  topic: number;
  title: string;
  content: string;
  tags: string[];
  createdAt: string;
  /** pgvector's text form, unit length. */
  embedding: string;
}

/**
 * A centroid plus gaussian noise, normalised: NOISE per dimension puts a document at cosine ~0.83
 * from its topic, so clusters are clear but neighbouring topics ("notes on X" / "ideas about X")
 * overlap, which gives the near-ties that make approximate search miss.
 */
const NOISE = 0.03;

export function synthesizeDocument(
  centroids: readonly (readonly number[])[],
  words: readonly string[],
  random: Random,
): SyntheticDocument {
  const topic = Math.floor(random() * centroids.length);
  const centroid = centroids[topic]!;
  const vector = centroid.map((value) => value + NOISE * gaussian(random));
  const norm = Math.hypot(...vector);
  const topicWords = TOPICS[topic]!.split(" ");
  const body = Array.from({ length: 20 }, () => words[Math.floor(random() * words.length)]);
  const tags = TAGS.filter(() => random() < 0.17);
  if (tags.length === 0) tags.push(TAGS[Math.floor(random() * TAGS.length)]!);
  const days = random() * 365;
  return {
    topic,
    title: topicWords.slice(-3).join(" "),
    content: `${topicWords.filter(() => random() < 0.6).join(" ")} ${body.join(" ")} ref-${Math.floor(random() * 1e6)}`,
    tags,
    createdAt: new Date(Date.now() - days * 86_400_000).toISOString(),
    embedding: `[${vector.map((value) => (value / norm).toFixed(5)).join(",")}]`,
  };
}

export interface OwnerPlan {
  label: string;
  rows: number;
}

/** One owner with 50% of the rows, one with 1%, the rest in small owners of 50 to ~1,500 rows. */
export function planOwners(total: number, random: Random): OwnerPlan[] {
  const half = Math.round(total * 0.5);
  const onePercent = Math.max(1, Math.round(total * 0.01));
  const owners: OwnerPlan[] = [
    { label: "50% owner", rows: half },
    { label: "1% owner", rows: onePercent },
  ];
  let left = total - half - onePercent;
  for (let i = 0; left > 0; i++) {
    const rows = Math.min(left, 50 + Math.floor(random() * 1450));
    owners.push({ label: `small owner ${i + 1}`, rows });
    left -= rows;
  }
  return owners;
}
