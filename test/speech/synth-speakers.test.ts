import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planCorpus, planSpeakers } from "../../src/tasks/speech/synth/speakers.js";

describe("synth speakers and corpus plan", () => {
  it("deals voices round-robin with TIMIT-shaped ids, the voice's own prosody first", () => {
    const speakers = planSpeakers(["kal", "ked", "slt"], 7, 2, 1);
    assert.deepEqual(
      speakers.map((s) => s.id),
      ["MKAL0", "MKED0", "FSLT0", "MKAL1", "MKED1", "FSLT1", "MKAL2"],
    );
    assert.deepEqual(
      speakers.map((s) => s.split),
      ["TRAIN", "TRAIN", "TRAIN", "TRAIN", "TRAIN", "TEST", "TEST"],
    );
    for (const s of speakers.slice(0, 3)) assert.deepEqual([s.semitones, s.durationStretch], [0, 1]);
    for (const s of speakers.slice(3)) {
      assert.ok(s.semitones !== 0 && Math.abs(s.semitones) <= 4.75, `${s.id} ${s.semitones}`);
      assert.ok(s.durationStretch >= 0.84 && s.durationStretch <= 1.22, `${s.id} ${s.durationStretch}`);
    }
    assert.deepEqual(planSpeakers(["kal", "ked", "slt"], 7, 2, 1), speakers);
  });

  it("rejects impossible plans naming the value", () => {
    assert.throws(
      () => planSpeakers(["kal"], 3, 3, 1),
      /testSpeakers \(3\) must be fewer than speakers \(3\)/,
    );
    assert.throws(() => planSpeakers([], 3, 1, 1), /at least one voice/);
    assert.throws(() => planSpeakers(["kal", "kal"], 3, 1, 1), /voices repeat/);
    assert.throws(
      () => planCorpus({ voices: ["kal"], speakers: 4, testSpeakers: 1, utterances: 3, seed: 1 }),
      /utterances must be an integer >= 4, got 3/,
    );
  });

  it("splits by speaker: no TEST speaker or text is seen in TRAIN", () => {
    const plan = planCorpus({
      voices: ["kal", "ked", "slt"],
      speakers: 12,
      testSpeakers: 3,
      utterances: 100,
      seed: 4,
    });
    assert.equal(plan.utterances.length, 100);
    const train = plan.utterances.filter((u) => u.speaker.split === "TRAIN");
    const test = plan.utterances.filter((u) => u.speaker.split === "TEST");
    const trainSpeakers = new Set(train.map((u) => u.speaker.id));
    for (const u of test) assert.ok(!trainSpeakers.has(u.speaker.id), u.speaker.id);
    const trainTexts = new Set(train.map((u) => u.text));
    for (const u of test) assert.ok(!trainTexts.has(u.text), u.text);
  });

  it("shares SX texts among up to 3 speakers, SI texts not at all, ids one-to-one with texts", () => {
    const plan = planCorpus({
      voices: ["kal", "ked", "slt"],
      speakers: 8,
      testSpeakers: 2,
      utterances: 64,
      seed: 9,
    });
    const readers = new Map<string, Set<string>>();
    const textOf = new Map<string, string>();
    for (const u of plan.utterances) {
      assert.match(u.id, /^(SX|SI)\d+$/);
      assert.ok(u.id.startsWith(u.kind));
      if (!readers.has(u.id)) readers.set(u.id, new Set());
      assert.ok(!readers.get(u.id)!.has(u.speaker.id), `${u.speaker.id} reads ${u.id} twice`);
      readers.get(u.id)!.add(u.speaker.id);
      if (textOf.has(u.id)) assert.equal(textOf.get(u.id), u.text);
      textOf.set(u.id, u.text);
    }
    assert.equal(new Set(textOf.values()).size, textOf.size);
    for (const [id, who] of readers) {
      if (id.startsWith("SI")) assert.equal(who.size, 1, id);
      else assert.ok(who.size >= 1 && who.size <= 3, `${id}: ${who.size}`);
    }
    const sx = plan.utterances.filter((u) => u.kind === "SX").length;
    assert.ok(sx >= 0.5 * 64 && sx <= 0.75 * 64, `${sx} SX of 64`);
    // Every speaker reads 8.
    const perSpeaker = new Map<string, number>();
    for (const u of plan.utterances) perSpeaker.set(u.speaker.id, (perSpeaker.get(u.speaker.id) ?? 0) + 1);
    assert.deepEqual([...perSpeaker.values()], Array(8).fill(8));
  });

  it("is determined by the seed", () => {
    const a = planCorpus({ voices: ["kal", "slt"], speakers: 4, testSpeakers: 1, utterances: 20, seed: 2 });
    const b = planCorpus({ voices: ["kal", "slt"], speakers: 4, testSpeakers: 1, utterances: 20, seed: 2 });
    assert.deepEqual(a, b);
  });
});
