import { SUBJECTS, TAGS, seededRandom, type Random } from "../search/corpus.ts";

/**
 * Notes as people write them, for the write path: no two alike, most short, some a paragraph, a
 * few a page; about two in three with a title; zero to four tags from a shared set plus a few of
 * the writer's own. Every note carries a distinct moment (one minute after the last note of any
 * stream), so that no two creates of a run are the same text. Seeded: two runs send the same notes.
 */
export interface Note {
  title?: string;
  content: string;
  tags: string[];
}

const OPENINGS = [
  "Remember to look into",
  "Talked with Sam about",
  "Quick thought on",
  "Still not sure about",
  "Read an article on",
  "Follow up next week on",
  "Finally sorted out",
  "Three things I learned about",
];
const SENTENCES = [
  "The first attempt did not work because the instructions skipped a step.",
  "It took longer than planned, mostly waiting on other people.",
  "Next time, write the steps down before starting instead of after.",
  "Costs came out about a fifth higher than the estimate.",
  "Ask around whether anyone has done this before; someone surely has.",
  "The second option looks cheaper but needs more upkeep every month.",
  "Keep the receipts in the shared folder so they are easy to find in spring.",
  "A friend recommended a shop near the station that does this properly.",
  "Worth checking again once the weather turns.",
  "Nothing urgent, but it keeps coming back, so it deserves an hour on Saturday.",
  "The manual says one thing, the forum says another; the forum was right.",
  "Booked a slot for Thursday morning, bring the paperwork.",
];
const NAMES = ["Sam", "Priya", "Jonas", "Mei", "Olu", "Carla", "Tomás", "Aiko"];
const LEADS = [
  (n: number) => `Spent ${n} minutes on`,
  (n: number) => `Asked ${NAMES[n % NAMES.length]} about`,
  (n: number) => `Paid ${n * 3} euros for`,
  () => "Wrote down three questions about",
  () => "Need a second opinion on",
  () => "Compared two offers for",
];
const TAILS = [
  "before the end of the month.",
  "and it went better than expected.",
  "but the details are still unclear.",
  "(see the link in the other note).",
  "with the kids on Sunday.",
  "again, and this time it stuck.",
];
const OWN_TAGS = ["ideas", "todo", "later", "journal", "errands", "projects", "links", "meetings"];
const MINUTE = 60_000;
const EPOCH = Date.UTC(2025, 0, 1);
let moments = 0;

function pick<T>(items: readonly T[], random: Random): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A stock sentence, or one put together from a lead, a subject and a tail. */
function sentence(random: Random): string {
  if (random() < 0.4) return pick(SENTENCES, random);
  const lead = pick(LEADS, random)(1 + Math.floor(random() * 90));
  return `${lead} ${pick(SUBJECTS, random)} ${pick(TAILS, random)}`;
}

/** Sentences until the text reaches `chars`. */
function paragraph(chars: number, random: Random): string {
  let text = "";
  while (text.length < chars) text += `${text ? " " : ""}${sentence(random)}`;
  return text;
}

/** A note generator; `seed` picks what the notes say. */
export function noteStream(seed: number): () => Note {
  const random = seededRandom(seed);
  return () => {
    const subject = pick(SUBJECTS, random);
    const when = new Date(EPOCH + moments++ * MINUTE).toISOString().slice(0, 16).replace("T", " ");
    const size = random();
    // Half a line or two, a third a paragraph, the rest a page or so.
    const body =
      size < 0.5 ? "" : paragraph(size < 0.85 ? 200 + random() * 600 : 1500 + random() * 2500, random);
    const content = `${pick(OPENINGS, random)} ${subject} (${when}).${body ? `\n\n${body}` : ""}`;
    const tags = [...TAGS, ...OWN_TAGS].filter(() => random() < 0.12).slice(0, 4);
    return random() < 0.65
      ? { title: `${subject[0]!.toUpperCase()}${subject.slice(1)}`, content, tags }
      : { content, tags };
  };
}
