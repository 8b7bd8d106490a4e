// Word-level text as the rnnlm toolkit reads it: the tokenizer, rnnlm's vocabulary order
// (its unstable selection sort, reproduced in O(n log n)), <unk> for rare words, rnnlm's
// frequency-binned classes, and word corpora.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { buildCorpus } from "../../src/tasks/text/corpus.js";
import { rnnlmOrder, rnnlmOrderNaive } from "../../src/tasks/text/rnnlm-order.js";
import { classSizes, rnnlmClasses } from "../../src/tasks/text/word-classes.js";
import { WordVocabulary } from "../../src/tasks/text/word-vocabulary.js";
import { tokenizeWords } from "../../src/tasks/text/words.js";

const bytes = (text: string) => new TextEncoder().encode(text);

test("words as rnnlm's readWord reads them: spaces and tabs separate, every line end is </s>, CR is ignored", () => {
  assert.deepEqual(tokenizeWords("the cat\tsat \n\non  the mat\r\n"), [
    "the",
    "cat",
    "sat",
    "</s>",
    "</s>",
    "on",
    "the",
    "mat",
    "</s>",
  ]);
  // A CR inside a word is dropped; a literal </s> is the same word as a line end.
  assert.deepEqual(tokenizeWords("a\rb </s> c\n"), ["ab", "</s>", "c", "</s>"]);
  // A last line without a line end still ends with </s>; spaces after the last one add nothing.
  assert.deepEqual(tokenizeWords("x y"), ["x", "y", "</s>"]);
  assert.deepEqual(tokenizeWords("x\n  \t"), ["x", "</s>"]);
  // A prime to continue keeps its last line open.
  assert.deepEqual(tokenizeWords("x y", false), ["x", "y"]);
  // Other white space (no-break space, form feed) is part of a word, as in rnnlm.
  assert.deepEqual(tokenizeWords("a\u00a0b\fc\n"), ["a\u00a0b\fc", "</s>"]);
});

test("rnnlm's vocabulary order equals its own O(n²) selection sort on 300 random count lists full of ties", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 60 }), (counts) => {
      assert.deepEqual(Array.from(rnnlmOrder(counts)), Array.from(rnnlmOrderNaive(counts)));
    }),
    { numRuns: 300, seed: 1 },
  );
  // The sort is not stable: equal counts do not keep their first-occurrence order.
  assert.deepEqual(Array.from(rnnlmOrder([0, 1, 1, 2])), [0, 3, 2, 1]);
});

test("the vocabulary: </s> first, then by count as rnnlm sorts, with each word's count", () => {
  const v = WordVocabulary.fromTokens(tokenizeWords("b a a\nc a b\n"));
  assert.deepEqual(v.toJSON(), { unit: "word", words: ["</s>", "a", "b", "c"], counts: [2, 3, 2, 1] });
  assert.equal(v.unknownId, -1);
  assert.deepEqual(Array.from(v.encode(["a", "c", "</s>"], "t")), [0, 1, 3, 0]);
  assert.equal(v.decode([0, 1, 3, 0, 2]), "\na c\nb");
  const again = WordVocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
  assert.deepEqual(again.toJSON(), v.toJSON());
});

test("minCount and maxSize give rnnlm's vocabulary of the text with the dropped words written <unk>", () => {
  const text = "a b c d a b c a b a e f\ng a\n";
  const tokens = tokenizeWords(text);
  // Counts: a 5, b 3, c 2, d e f g 1, </s> 2.
  const rare = WordVocabulary.fromTokens(tokens, { minCount: 2 });
  const byHand = WordVocabulary.fromTokens(tokenizeWords("a b c <unk> a b c a b a <unk> <unk>\n<unk> a\n"));
  assert.deepEqual(rare.toJSON(), byHand.toJSON());
  assert.deepEqual(rare.words, ["</s>", "a", "<unk>", "b", "c"]);
  // At most 4 words: </s>, a, b and <unk> (which takes c's place and everything rarer).
  const small = WordVocabulary.fromTokens(tokens, { maxSize: 4 });
  assert.deepEqual(small.words, ["</s>", "<unk>", "a", "b"]);
  assert.deepEqual(small.counts, [2, 6, 5, 3]);
  // Nothing to drop: no <unk>.
  assert.equal(WordVocabulary.fromTokens(tokens, { maxSize: 8 }).unknownId, -1);
  assert.throws(
    () => WordVocabulary.fromTokens(tokens, { maxSize: 1 }),
    /data\.maxVocabulary: expected an integer ≥ 2/,
  );
  assert.throws(() => WordVocabulary.fromTokens(tokens, { minCount: 0 }), /data\.minCount/);
});

test("words outside the vocabulary: <unk> when it has one, else an error that lists them", () => {
  const withUnk = WordVocabulary.fromTokens(tokenizeWords("a a b\n"), { minCount: 2 });
  assert.deepEqual(Array.from(withUnk.encode(["a", "zebra", "b"], "valid.txt")), [0, 1, 2, 2]);
  const plain = WordVocabulary.fromTokens(tokenizeWords("a a b\n"));
  assert.throws(
    () => plain.encode(["a", "zebra", "gnu", "zebra"], "valid.txt"),
    /^TbpttError: valid\.txt: 2 word\(s\) not in the model's vocabulary of 3, which has no <unk> to stand for them: "zebra", "gnu"; train with --data\.minCount 2/,
  );
});

test("rnnlm's classes: consecutive runs of words, cut where the running mass passes a / C", () => {
  // Frequency binning (-old-classes): masses 4/8, 1/8 × 4; the running sum passes 1/2 at word 1.
  assert.deepEqual(Array.from(rnnlmClasses([4, 1, 1, 1, 1], 2, "frequency")), [0, 0, 1, 1, 1]);
  // √ binning (the default): masses ∝ √9, √4, √1, √1 = 3, 2, 1, 1 of 7: sums 3/7, 5/7, 6/7, 1.
  assert.deepEqual(Array.from(rnnlmClasses([9, 4, 1, 1], 3)), [0, 1, 2, 2]);
  // A word heavier than one bin moves the class on by one only: the last classes stay empty.
  const heavy = rnnlmClasses([100, 1, 1], 5, "frequency");
  assert.deepEqual(Array.from(heavy), [0, 1, 2]);
  assert.deepEqual(classSizes(heavy, 5), [1, 1, 1, 0, 0]);
  // One class: everything in it.
  assert.deepEqual(Array.from(rnnlmClasses([3, 2, 1], 1)), [0, 0, 0]);
});

test("classes are non-decreasing, start at 0 and move by at most 1 per word, on random counts", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 200 }),
      fc.integer({ min: 1, max: 50 }),
      fc.constantFrom<"sqrt" | "frequency">("sqrt", "frequency"),
      (counts, C, binning) => {
        const sorted = [...counts].sort((a, b) => b - a);
        const classes = rnnlmClasses(sorted, C, binning);
        assert.equal(classes[0], 0);
        for (let i = 1; i < classes.length; i++) {
          const step = (classes[i] as number) - (classes[i - 1] as number);
          assert.ok(step === 0 || step === 1);
        }
        assert.ok((classes[classes.length - 1] as number) < C);
      },
    ),
    { numRuns: 200, seed: 3 },
  );
});

test("a word corpus: ids start with </s>; the vocabulary comes from the training part only", () => {
  const corpus = buildCorpus([{ name: "t.txt", bytes: bytes("a b a\nb c\nb\n") }], {
    unit: "word",
    validFraction: 0.25,
  });
  // 9 words; the last 2 (b </s>) are held out.
  assert.deepEqual((corpus.vocabulary as WordVocabulary).words, ["</s>", "a", "b", "c"]);
  assert.deepEqual((corpus.vocabulary as WordVocabulary).counts, [2, 2, 2, 1]);
  assert.deepEqual(Array.from(corpus.train), [0, 1, 2, 1, 0, 2, 3, 0]);
  assert.deepEqual(Array.from(corpus.valid as ArrayLike<number>), [0, 2, 0]);
  // Held out, d never occurs in training.
  assert.throws(
    () =>
      buildCorpus([{ name: "t.txt", bytes: bytes("a b a\nb c\nd\n") }], {
        unit: "word",
        validFraction: 0.25,
      }),
    /t\.txt \(its last 0\.25 of words, held out for validation\): 1 word\(s\) not in the model.s vocabulary of 4.*"d"/,
  );
  const separate = buildCorpus([{ name: "t.txt", bytes: bytes("a a b\n") }], {
    unit: "word",
    validFraction: 0,
    valid: [{ name: "v.txt", bytes: bytes("b x\n") }],
    words: { minCount: 2 },
  });
  assert.deepEqual((separate.vocabulary as WordVocabulary).words, ["</s>", "a", "<unk>"]);
  assert.deepEqual(Array.from(separate.valid as ArrayLike<number>), [0, 2, 2, 0]);
  assert.throws(
    () =>
      buildCorpus([{ name: "t.txt", bytes: bytes("a\n") }], { unit: "char", validFraction: 0, words: {} }),
    /data\.minCount and data\.maxVocabulary need unit "word"/,
  );
});
