import { randomUUID } from "node:crypto";
import { expect } from "chai";
import { revertMigrations, runMigrations } from "@second-brain/platform";
import { createTestDatabase, type TestDatabase } from "@second-brain/testing";
import { attachmentIndexMigrations } from "../src/migrations/index.ts";
import { attachmentIndex, type AttachmentIndex } from "../src/read-model/attachment-index.ts";

describe("attachment index sizes (the attachmentBytes quota) on PostgreSQL", () => {
  let db: TestDatabase;
  let index: AttachmentIndex;
  const migrate = () => runMigrations(db.pool, "attachment", attachmentIndexMigrations);
  const attachment = (ownerId: string, size: number) => ({
    attachmentId: randomUUID(),
    ownerId,
    memoryId: randomUUID(),
    sha256: randomUUID(),
    objectKey: `${ownerId}/${randomUUID()}`,
    size,
  });

  before(async () => {
    db = await createTestDatabase("sb_attachment_index");
    await migrate();
    index = attachmentIndex(db.pool);
  });
  after(async () => {
    await db?.drop();
  });

  it("sums the live attachments of one owner only, and forgets an erased owner's", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const first = attachment(alice, 1000);
    await index.recordAdded(first);
    await index.recordAdded(first); // recorded by the upload and again by the log follower
    await index.recordAdded(attachment(alice, 234));
    await index.recordAdded(attachment(bob, 5));
    expect(await index.liveBytesOf(alice)).to.equal(1234);
    await index.recordDeleted(first.attachmentId);
    expect([await index.liveBytesOf(alice), await index.liveBytesOf(bob)]).to.deep.equal([234, 5]);
    await index.purgeOwner(alice);
    expect([await index.liveBytesOf(alice), await index.liveBytesOf(bob)]).to.deep.equal([0, 5]);
  });

  it("learns the sizes of attachments indexed before sizes were kept by replaying the log once", async () => {
    const carol = randomUUID();
    const older = attachment(carol, 777);
    await db.pool.query(
      `INSERT INTO projection_checkpoints (name, position) VALUES ('attachment-service', '5/5')
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`,
    );
    await revertMigrations(db.pool, "attachment", attachmentIndexMigrations, 1);
    await db.pool.query(
      `INSERT INTO attachment_index (attachment_id, owner_id, memory_id, sha256, object_key)
       VALUES ($1, $2, $3, $4, $5)`,
      [older.attachmentId, older.ownerId, older.memoryId, older.sha256, older.objectKey],
    );
    await migrate();
    expect(await index.liveBytesOf(carol)).to.equal(0);
    const { rows } = await db.pool.query<{ position: string }>(
      `SELECT position FROM projection_checkpoints WHERE name = 'attachment-service'`,
    );
    expect(rows[0]?.position).to.equal("0/0");
    // The follower, from the start of the log, records the attachment again with its size.
    await index.recordAdded(older);
    expect(await index.liveBytesOf(carol)).to.equal(777);
  });
});
